import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { logger } from '../observability/logger';
import { toProblemResponse } from './problem';
import { DomainError } from './errors';

export type HttpEvent = APIGatewayProxyEventV2 & {
  requestContext: APIGatewayProxyEventV2['requestContext'] & {
    authorizer?: { jwt?: { claims: Record<string, string | number | boolean | string[]>; scopes: string[] | null } };
  };
};
export type HttpResult = APIGatewayProxyStructuredResultV2;
export type HttpHandlerFn = (event: HttpEvent, context: Context) => Promise<HttpResult>;

/** API Gateway's request id, which its access log also records; the Lambda request id otherwise. */
export function correlationIdOf(event: HttpEvent, context: Context): string {
  return event.requestContext?.requestId ?? context.awsRequestId;
}

/** Kept back from Lambda's timeout, so a request that runs out of time still gets its problem answer. */
const timeoutEarlyMs = 5;

/** The adapter's answer, or a TimeoutError just before Lambda would stop the invocation without one. */
async function beforeLambdaTimeout(work: Promise<HttpResult>, context: Context): Promise<HttpResult> {
  const remaining = context.getRemainingTimeInMillis?.();
  if (remaining === undefined) return work;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => {
        const error = new Error('The request ran out of time.');
        error.name = 'TimeoutError';
        reject(error);
      },
      Math.max(0, remaining - timeoutEarlyMs),
    );
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Wraps an HTTP adapter: logger context and correlation id on every log line, every error mapped to
 * RFC 9457 problem+json in one place, and the correlation id echoed in `x-correlation-id`. Ours rather than middy's:
 * this one middleware is all any function used of it, and middy was 3 KB of every API function's bundle and an
 * AbortController per request (issue 18). Like middy's, it answers just before Lambda's timeout rather than not at all.
 */
export function httpHandler(fn: HttpHandlerFn) {
  return async (event: HttpEvent, context: Context): Promise<HttpResult> => {
    const id = correlationIdOf(event, context);
    let response: HttpResult;
    try {
      logger.addContext(context);
      logger.setCorrelationId(id);
      response = await beforeLambdaTimeout(fn(event, context), context);
    } catch (error) {
      if (error instanceof DomainError) {
        logger.info('Request refused', { status: error.status, reason: error.message });
      } else {
        logger.error('Request failed', { error: error as Error });
      }
      response = toProblemResponse(error, id);
    }
    return { ...response, headers: { ...response.headers, 'x-correlation-id': id } };
  };
}

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return { statusCode, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}
