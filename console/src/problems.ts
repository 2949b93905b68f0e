/// <reference lib="dom" />
import { ApiError, type Problem } from './api';

/**
 * Every refusal as a sentence a person can act on. The API's own `detail` is already written for people; the status
 * decides what surrounds it, and a few statuses have a sentence of their own.
 */
export function problemSentence(error: unknown, labelOf?: (path: string) => string | undefined): string {
  if (!(error instanceof ApiError)) return 'Something went wrong in the console. Reload the page and try again.';
  if (error.failure === 'network') return 'We could not reach the server. Check your connection and try again.';
  if (error.failure === 'expired') return 'Your session has expired. Please sign in again.';
  return sentenceOf(error.problem, labelOf);
}

/**
 * `labelOf` names the field an `errors[].path` is about (`/organizationId` → "Organization"), for a screen that shows
 * the errors in one place rather than beside each field.
 */
export function sentenceOf(problem: Problem, labelOf?: (path: string) => string | undefined): string {
  const detail = problem.detail?.trim();
  if (labelOf && problem.errors?.length) {
    const reasons = problem.errors.map(({ path, message }) => `${labelOf(path) ?? path}: ${message}.`);
    return [detail || 'The request is not valid.', ...reasons].join(' ');
  }
  switch (problem.status) {
    case 403:
      return detail || 'You are not allowed to do this.';
    case 404:
      return 'This record does not exist, or it was deleted.';
    case 412:
      return 'Someone else changed this record since you opened it. Reload it to see their changes, then make yours again.';
    case 429: {
      const wait = problem.retryAfterSeconds;
      const later = wait ? ` Try again in ${wait} second${wait === 1 ? '' : 's'}.` : ' Try again in a moment.';
      // The API's detail may already say when (the resend limit does): said once is enough.
      return detail && /try again/i.test(detail) ? detail : `${detail || 'Too many requests.'}${later}`;
    }
  }
  if (problem.status >= 500 || problem.status === 0) {
    const reference = problem.correlationId ? ` If it keeps happening, quote ${problem.correlationId}.` : '';
    return `Something went wrong on the server. Try again in a moment.${reference}`;
  }
  return detail || problem.title || `The request was refused (${problem.status}).`;
}

/** A validation problem's field errors, `{ path: '/lastName', message }`, keyed by path: for the forms. */
export function fieldErrors(error: unknown): Map<string, string> {
  const errors = error instanceof ApiError ? (error.problem.errors ?? []) : [];
  return new Map(errors.map((entry) => [entry.path, entry.message]));
}
