import { PassThrough } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { buildEvent, compileRoutes, matchRoute, toHttpResponse } from '../../infra/local/api-gateway';
import { routeTable, type FunctionDeclaration } from '../../shared/declarations/functions';

const declare = (name: string, routes: FunctionDeclaration['routes']): FunctionDeclaration => ({
  name,
  description: name,
  entry: `functions/${name}.ts`,
  memoryMb: 128,
  timeoutSeconds: 3,
  environment: [],
  tableAccess: [],
  routes,
});

const routes = routeTable([
  declare('greedy', [{ method: 'GET', path: '/files/{proxy+}', auth: 'none' }]),
  declare('by-id', [{ method: 'GET', path: '/items/{id}', auth: 'staff' }]),
  declare('literal', [{ method: 'GET', path: '/items/special', auth: 'none' }]),
  declare('nested', [{ method: 'POST', path: '/items/{id}/notes/{noteId}', auth: 'portal' }]),
]);
const compiled = compileRoutes(routes);

describe('route matching', () => {
  it('prefers a literal route over a parameterised one, whatever the declaration order', () => {
    expect(matchRoute(compiled, 'GET', '/items/special')?.binding.functionName).toBe('literal');
    expect(matchRoute(compiled, 'GET', '/items/42')?.binding.functionName).toBe('by-id');
  });

  it('extracts and decodes path parameters', () => {
    expect(matchRoute(compiled, 'POST', '/items/a%20b/notes/7')?.pathParameters).toEqual({ id: 'a b', noteId: '7' });
    expect(matchRoute(compiled, 'GET', '/files/a/b/c.txt')?.pathParameters).toEqual({ proxy: 'a/b/c.txt' });
  });

  it('matches neither another method, nor extra or missing segments', () => {
    expect(matchRoute(compiled, 'DELETE', '/items/42')).toBeUndefined();
    expect(matchRoute(compiled, 'GET', '/items/42/extra')).toBeUndefined();
    expect(matchRoute(compiled, 'GET', '/items')).toBeUndefined();
  });

  it('refuses a route table that declares one route twice', () => {
    expect(() =>
      routeTable([
        declare('a', [{ method: 'GET', path: '/x', auth: 'none' }]),
        declare('b', [{ method: 'GET', path: '/x', auth: 'staff' }]),
      ]),
    ).toThrow(/GET \/x is declared twice/);
  });
});

function fakeRequest(url: string, headers: Record<string, string | string[]>): IncomingMessage {
  const request = new PassThrough() as unknown as IncomingMessage;
  Object.assign(request, {
    url,
    method: 'GET',
    headers,
    httpVersion: '1.1',
    socket: { remoteAddress: '::ffff:127.0.0.7' },
  });
  return request;
}

describe('payload format 2.0 events', () => {
  const binding = routes.find((r) => r.functionName === 'by-id')!;

  it('carries route, raw path and query, joins repeated query values with commas, and splits cookies', () => {
    const request = fakeRequest('/items/42?tag=a&tag=b&q=x%20y', {
      host: 'api.local',
      'user-agent': 'jest',
      cookie: 'a=1; b=2',
      'content-type': 'application/json',
    });
    const event = buildEvent(request, Buffer.from('{"x":1}'), binding, { id: '42' }, 'api');
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'GET /items/{id}',
      rawPath: '/items/42',
      rawQueryString: 'tag=a&tag=b&q=x%20y',
      queryStringParameters: { tag: 'a,b', q: 'x y' },
      pathParameters: { id: '42' },
      cookies: ['a=1', 'b=2'],
      body: '{"x":1}',
      isBase64Encoded: false,
      requestContext: {
        routeKey: 'GET /items/{id}',
        stage: '$default',
        http: { sourceIp: '127.0.0.7', userAgent: 'jest' },
      },
    });
    expect(event.headers.cookie).toBeUndefined();
    expect(event.requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('base64-encodes a binary body', () => {
    const request = fakeRequest('/items/1', { 'content-type': 'application/octet-stream' });
    const event = buildEvent(request, Buffer.from([0, 255, 1]), binding, { id: '1' }, 'api');
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body!, 'base64')).toEqual(Buffer.from([0, 255, 1]));
  });
});

describe('payload format 2.0 responses', () => {
  it('turns a result without statusCode into a 200 JSON body', () => {
    const response = toHttpResponse({ hello: 'world' });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.body.toString()).toBe('{"hello":"world"}');
  });

  it('keeps a structured result, decodes base64 bodies and emits cookies as set-cookie', () => {
    const response = toHttpResponse({
      statusCode: 201,
      headers: { Location: '/items/1' },
      cookies: ['a=1', 'b=2'],
      body: Buffer.from('hi').toString('base64'),
      isBase64Encoded: true,
    });
    expect(response).toEqual({
      status: 201,
      headers: { location: '/items/1', 'set-cookie': ['a=1', 'b=2'] },
      body: Buffer.from('hi'),
    });
  });
});
