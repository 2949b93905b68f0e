import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { localAccountId } from '../infra/local/local-aws';

/**
 * API Gateway HTTP API (payload 2.0) events as the JWT authorizer hands them to a function: the route, the
 * path parameters and the token's claims.
 */
export function httpEvent(
  routeKey: string,
  pathParameters: Record<string, string> = {},
  claims?: Record<string, string>,
): APIGatewayProxyEventV2 & { requestContext: { authorizer?: unknown } } {
  const [method, template] = routeKey.split(' ') as [string, string];
  const path = template.replace(/\{(\w+)\+?\}/g, (_, name: string) => pathParameters[name] ?? '');
  const now = new Date();
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: '',
    headers: { host: 'bench.local', 'user-agent': 'portico-bench' },
    ...(Object.keys(pathParameters).length ? { pathParameters } : {}),
    requestContext: {
      accountId: localAccountId,
      apiId: 'bench',
      domainName: 'bench.local',
      domainPrefix: 'bench',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'portico-bench' },
      requestId: 'bench',
      routeKey,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
      ...(claims ? { authorizer: { jwt: { claims, scopes: null } } } : {}),
    },
    isBase64Encoded: false,
  };
}

/** Claims of a staff access token: the handlers use `sub` as the actor. */
export const staffClaims = {
  sub: '00000000-0000-4000-8000-0000000000be',
  username: 'bench-staff',
  token_use: 'access',
  scope: 'aws.cognito.signin.user.admin',
};

/** Claims of a portal access token: its `username` is the person's id. */
export function portalClaims(personId: string) {
  return { sub: '00000000-0000-4000-8000-0000000000bf', username: personId, token_use: 'access' };
}
