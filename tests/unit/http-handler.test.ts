import type { Context } from 'aws-lambda';
import { NotFound } from '../../shared/http/errors';
import { httpHandler, json, type HttpEvent } from '../../shared/http/http-handler';

const event = { requestContext: { requestId: 'api-req-1' } } as unknown as HttpEvent;
const context = (remainingMs?: number) =>
  ({
    awsRequestId: 'lambda-req-1',
    functionName: 'test',
    ...(remainingMs === undefined ? {} : { getRemainingTimeInMillis: () => remainingMs }),
  }) as unknown as Context;

let logged: string[];
beforeEach(() => {
  logged = [];
  // The logger writes errors to stderr, the rest to stdout.
  for (const stream of [process.stdout, process.stderr]) {
    jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      logged.push(String(chunk));
      return true;
    });
  }
});
afterEach(() => jest.restoreAllMocks());

describe('httpHandler', () => {
  it("returns the adapter's answer with the correlation id added to its headers", async () => {
    const handler = httpHandler(async () => json(200, { ok: true }, { etag: '"1"' }));
    const response = await handler(event, context(30_000));
    expect(response).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'application/json', etag: '"1"', 'x-correlation-id': 'api-req-1' },
      body: '{"ok":true}',
    });
  });

  it("uses the Lambda request id when API Gateway's is missing", async () => {
    const handler = httpHandler(async () => ({ statusCode: 204 }));
    const response = await handler({ requestContext: {} } as unknown as HttpEvent, context());
    expect(response.headers).toEqual({ 'x-correlation-id': 'lambda-req-1' });
  });

  it('maps a domain error to its problem answer and logs it as a refusal', async () => {
    const handler = httpHandler(async () => {
      throw new NotFound('There is no ticket tkt_1.');
    });
    const response = await handler(event, context(30_000));
    expect(response.statusCode).toBe(404);
    expect(response.headers).toMatchObject({
      'content-type': 'application/problem+json',
      'x-correlation-id': 'api-req-1',
    });
    expect(JSON.parse(response.body!)).toMatchObject({ status: 404, detail: 'There is no ticket tkt_1.' });
    expect(logged.join('')).toContain('"message":"Request refused"');
  });

  it('answers any other error with a 500 that names the correlation id and hides the internals', async () => {
    const handler = httpHandler(async () => {
      throw new Error('connect ECONNREFUSED 10.1.2.3:8000');
    });
    const response = await handler(event, context(30_000));
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('ECONNREFUSED');
    expect(JSON.parse(response.body!)).toMatchObject({ status: 500, correlationId: 'api-req-1' });
    expect(logged.join('')).toContain('"message":"Request failed"');
  });

  it("answers with a 500 problem just before Lambda's timeout instead of not at all", async () => {
    const handler = httpHandler(() => new Promise(() => {}));
    const response = await handler(event, context(20));
    expect(response.statusCode).toBe(500);
    expect(response.headers).toMatchObject({ 'x-correlation-id': 'api-req-1' });
    expect(logged.join('')).toContain('TimeoutError');
  });
});
