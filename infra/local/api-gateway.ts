import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { RouteAuth, RouteBinding } from '../../shared/http/routes';
import type { JwtAuthorizer } from './jwt-authorizer';
import { localAccountId } from './local-aws';

/**
 * A stand-in for an API Gateway HTTP API ($default stage): matches the shared route table, runs the
 * route's JWT authorizer, builds payload format 2.0 events and maps the handler's result back to HTTP
 * with API Gateway's own rules and error bodies.
 */
export interface ApiGatewayOptions {
  readonly routes: readonly RouteBinding[];
  readonly authorizers: Record<Exclude<RouteAuth, 'none'>, JwtAuthorizer>;
  readonly invoke: (functionName: string, event: APIGatewayProxyEventV2) => Promise<unknown>;
  readonly apiId?: string;
  readonly onError?: (error: unknown, routeKey: string) => void;
}

/** HTTP API's request payload limit. */
const maxPayloadBytes = 10 * 1024 * 1024;

interface CompiledRoute {
  readonly binding: RouteBinding;
  readonly pattern: RegExp;
  readonly parameterNames: readonly string[];
  /** Literal routes beat parameterised ones, which beat greedy ones (API Gateway's precedence). */
  readonly rank: number;
}

export function compileRoutes(routes: readonly RouteBinding[]): CompiledRoute[] {
  return routes
    .map((binding) => {
      const parameterNames: string[] = [];
      let rank = 0;
      const source = binding.path
        .split('/')
        .map((segment) => {
          const greedy = /^\{(\w+)\+\}$/.exec(segment);
          if (greedy) {
            parameterNames.push(greedy[1]!);
            rank += 1000;
            return '(.+)';
          }
          const parameter = /^\{(\w+)\}$/.exec(segment);
          if (parameter) {
            parameterNames.push(parameter[1]!);
            rank += 1;
            return '([^/]+)';
          }
          return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        })
        .join('/');
      return { binding, pattern: new RegExp(`^${source}$`), parameterNames, rank };
    })
    .sort((a, b) => a.rank - b.rank);
}

export function matchRoute(compiled: readonly CompiledRoute[], method: string, path: string) {
  for (const route of compiled) {
    if (route.binding.method !== method) continue;
    const match = route.pattern.exec(path);
    if (!match) continue;
    const pathParameters = Object.fromEntries(
      route.parameterNames.map((name, i) => [name, decodeURIComponent(match[i + 1]!)]),
    );
    return { binding: route.binding, pathParameters };
  }
  return undefined;
}

function send(response: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) {
  response.writeHead(status, {
    'content-type': 'application/json',
    ...headers,
    'content-length': Buffer.byteLength(body),
  });
  response.end(body);
}

async function readBody(request: IncomingMessage): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxPayloadBytes) return 'too-large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

const textualType = /^(text\/|application\/(json|xml|x-www-form-urlencoded|problem\+json|[\w.+-]*\+json))/i;

export function buildEvent(
  request: IncomingMessage,
  body: Buffer,
  binding: RouteBinding,
  pathParameters: Record<string, string>,
  apiId: string,
): APIGatewayProxyEventV2 {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || name === 'cookie') continue;
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const queryStringParameters: Record<string, string> = {};
  for (const [name, value] of url.searchParams) {
    queryStringParameters[name] = name in queryStringParameters ? `${queryStringParameters[name]},${value}` : value;
  }
  const cookies = request.headers.cookie
    ?.split(';')
    .map((c) => c.trim())
    .filter(Boolean);
  const textual = textualType.test(request.headers['content-type'] ?? 'application/json');
  const now = new Date();
  const requestId = randomUUID();
  return {
    version: '2.0',
    routeKey: binding.routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(cookies?.length ? { cookies } : {}),
    headers,
    ...(url.search ? { queryStringParameters } : {}),
    ...(Object.keys(pathParameters).length ? { pathParameters } : {}),
    requestContext: {
      accountId: localAccountId,
      apiId,
      domainName: headers.host ?? 'localhost',
      domainPrefix: (headers.host ?? 'localhost').split('.')[0]!,
      http: {
        method: binding.method,
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: binding.routeKey,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length ? { body: textual ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0 && !textual,
  };
}

/** Payload 2.0 response rules: a result without `statusCode` is a 200 JSON body. */
export function toHttpResponse(result: unknown) {
  const structured =
    result !== null && typeof result === 'object' && 'statusCode' in result
      ? (result as APIGatewayProxyStructuredResultV2)
      : { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(result) };
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(structured.headers ?? {})) headers[name.toLowerCase()] = String(value);
  if (structured.cookies?.length) headers['set-cookie'] = structured.cookies;
  const body =
    structured.body === undefined
      ? Buffer.alloc(0)
      : Buffer.from(structured.body, structured.isBase64Encoded ? 'base64' : 'utf8');
  return { status: structured.statusCode ?? 200, headers, body };
}

export function createApiGateway(options: ApiGatewayOptions): Server {
  const compiled = compileRoutes(options.routes);
  const apiId = options.apiId ?? 'local';
  return createServer(async (request, response) => {
    try {
      const path = new URL(request.url ?? '/', 'http://localhost').pathname;
      const matched = matchRoute(compiled, request.method ?? 'GET', path);
      if (!matched) return send(response, 404, '{"message":"Not Found"}');
      const { binding, pathParameters } = matched;
      const body = await readBody(request);
      if (body === 'too-large') return send(response, 413, '{"message":"Request Entity Too Large"}');
      const event = buildEvent(request, body, binding, pathParameters, apiId);
      if (binding.auth !== 'none') {
        const verdict = await options.authorizers[binding.auth](request.headers.authorization);
        if (!verdict.authorized) {
          return send(response, 401, '{"message":"Unauthorized"}', {
            'www-authenticate': `Bearer error="invalid_token" error_description="${verdict.reason.replace(/[^\x20-\x7e]/g, ' ').replace(/"/g, "'")}"`,
          });
        }
        (event.requestContext as { authorizer?: unknown }).authorizer = {
          jwt: { claims: verdict.claims, scopes: verdict.scopes },
        };
      }
      let result: unknown;
      try {
        result = await options.invoke(binding.functionName, event);
      } catch (error) {
        options.onError?.(error, binding.routeKey);
        return send(response, 500, '{"message":"Internal Server Error"}', {
          'apigw-requestid': event.requestContext.requestId,
        });
      }
      const mapped = toHttpResponse(result);
      response.writeHead(mapped.status, {
        ...mapped.headers,
        'apigw-requestid': event.requestContext.requestId,
        'content-length': mapped.body.length,
      });
      response.end(mapped.body);
    } catch (error) {
      options.onError?.(error, `${request.method} ${request.url}`);
      if (!response.headersSent) send(response, 500, '{"message":"Internal Server Error"}');
      else response.destroy();
    }
  });
}
