import middy from '@middy/core';
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

/**
 * Wraps an HTTP adapter: logger context and correlation id on every log line, every error mapped to
 * RFC 9457 problem+json in one place, and the correlation id echoed in `x-correlation-id`.
 */
export function httpHandler(fn: HttpHandlerFn) {
  return middy<HttpEvent, HttpResult>(fn).use({
    before: (request) => {
      logger.addContext(request.context);
      logger.setCorrelationId(correlationIdOf(request.event, request.context));
    },
    after: (request) => {
      const id = correlationIdOf(request.event, request.context);
      request.response = { ...request.response, headers: { ...request.response?.headers, 'x-correlation-id': id } };
    },
    onError: (request) => {
      const id = correlationIdOf(request.event, request.context);
      if (request.error instanceof DomainError) {
        logger.info('Request refused', { status: request.error.status, reason: request.error.message });
      } else {
        logger.error('Request failed', { error: request.error as Error });
      }
      const response = toProblemResponse(request.error, id);
      request.response = { ...response, headers: { ...response.headers, 'x-correlation-id': id } };
    },
  });
}

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return { statusCode, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}
