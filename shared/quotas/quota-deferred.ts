import { DomainError } from '../http/errors';
import type { QuotaName } from './quota-rates';

/**
 * The account's quota has no permit free within the time this caller may wait: the work is deferred, not failed.
 * The controller leaves the person pending for a retry; a staff action answers 503 with Retry-After.
 */
export class QuotaDeferred extends DomainError {
  readonly status = 503;
  readonly title = 'Service busy';
  constructor(
    readonly quota: QuotaName,
    retryAfterSeconds: number,
  ) {
    super('Portico is working through a backlog of logins and emails; try again in a moment.');
    this.headers['retry-after'] = String(Math.max(1, Math.ceil(retryAfterSeconds)));
  }
}

/** AWS error names that mean "too many requests right now" (after the SDK's own retries): wait, never a failure. */
const throttlingNames = new Set([
  'TooManyRequestsException',
  'ThrottlingException',
  'Throttling',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  // SES: the account's sending quota for the day is used up.
  'LimitExceededException',
]);

/** Whether an error means "later", not "wrong": quota deferral or AWS throttling. */
export function isDeferral(error: unknown): boolean {
  return error instanceof QuotaDeferred || (error instanceof Error && throttlingNames.has(error.name));
}
