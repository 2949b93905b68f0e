import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DomainError } from './errors';

export const problemContentType = 'application/problem+json';

/** RFC 9457 problem details. `type` is a relative URI naming the kind of problem. */
export interface ProblemDocument {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly correlationId: string;
  readonly [extension: string]: unknown;
}

function typeSlug(title: string): string {
  return `/problems/${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
}

/** AWS errors that mean "too busy right now": the SDK has already retried them, the client may try later. */
const transientAwsErrors = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'LimitExceededException',
]);

class ServiceBusy extends DomainError {
  readonly status = 503;
  readonly title = 'Service busy';
  constructor() {
    super('The service is busy right now; try again in a moment.');
    this.headers['retry-after'] = '1';
  }
}

/** Maps any error to a problem response; only domain errors reveal their message. */
export function toProblemResponse(thrown: unknown, correlationId: string): APIGatewayProxyStructuredResultV2 {
  const error = thrown instanceof Error && transientAwsErrors.has(thrown.name) ? new ServiceBusy() : thrown;
  const known = error instanceof DomainError;
  const status = known ? error.status : 500;
  const title = known ? error.title : 'Internal server error';
  const document: ProblemDocument = {
    ...(known ? error.extensions : {}),
    type: typeSlug(title),
    title,
    status,
    detail: known ? error.message : `Something went wrong on our side. Quote ${correlationId} when reporting it.`,
    correlationId,
  };
  return {
    statusCode: status,
    headers: { 'content-type': problemContentType, ...(known ? error.headers : {}) },
    body: JSON.stringify(document),
  };
}
