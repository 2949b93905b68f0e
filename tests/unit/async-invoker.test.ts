import { mkdtempSync, readFileSync, rmSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { createAsyncInvoker, type AsyncFailureRecord } from '../../infra/local/async-invoker';
import { createLambdaEndpoint } from '../../infra/local/lambda-endpoint';
import { localCredentials, localRegion } from '../../infra/local/local-aws';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'portico-async-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const records = (file: string): AsyncFailureRecord[] =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as AsyncFailureRecord)
    : [];

describe('createAsyncInvoker', () => {
  it('retries a failing event and writes nothing when a retry succeeds', async () => {
    const failureFile = join(dir, 'fn.failures.jsonl');
    let calls = 0;
    const invoker = createAsyncInvoker({
      functionName: 'fn',
      invoke: async () => {
        calls += 1;
        if (calls < 3) throw new Error(`attempt ${calls}`);
      },
      maxRetryAttempts: 2,
      failureFile,
      retryDelayMs: 1,
    });
    invoker.enqueue({ n: 1 });
    await invoker.whenIdle();
    expect(calls).toBe(3);
    expect(records(failureFile)).toEqual([]);
  });

  it("writes an event that failed every attempt to the failure file, as Lambda's on-failure destination record", async () => {
    const failureFile = join(dir, 'nested', 'fn.failures.jsonl');
    const seen: unknown[] = [];
    const invoker = createAsyncInvoker({
      functionName: 'ses-feedback',
      invoke: async (event) => {
        seen.push(event);
        throw new TypeError('no such thing');
      },
      maxRetryAttempts: 2,
      failureFile,
      retryDelayMs: 1,
    });
    const event = { Records: [{ Sns: { Message: 'null' } }] };
    invoker.enqueue(event);
    await invoker.whenIdle();
    expect(seen).toEqual([event, event, event]);
    const [record, ...more] = records(failureFile);
    expect(more).toEqual([]);
    expect(record).toMatchObject({
      version: '1.0',
      requestContext: {
        functionArn: expect.stringMatching(/:function:ses-feedback:\$LATEST$/),
        condition: 'RetriesExhausted',
        approximateInvokeCount: 3,
      },
      requestPayload: event,
      responseContext: { functionError: 'Unhandled' },
      responsePayload: { errorType: 'TypeError', errorMessage: 'no such thing' },
    });
    expect(statSync(failureFile).mode & 0o777).toBe(0o600);
  });

  it('handles the events of one function one after another, in arrival order', async () => {
    const order: string[] = [];
    const invoker = createAsyncInvoker({
      functionName: 'fn',
      invoke: async (event) => {
        order.push(`start ${String(event)}`);
        await new Promise((resolve) => setImmediate(resolve));
        order.push(`end ${String(event)}`);
      },
      maxRetryAttempts: 0,
      failureFile: undefined,
    });
    invoker.enqueue('a');
    invoker.enqueue('b');
    await invoker.whenIdle();
    expect(order).toEqual(['start a', 'end a', 'start b', 'end b']);
  });

  it('drops an event that failed every attempt when the function has no failure destination, and says so', async () => {
    const log = jest.fn();
    const invoker = createAsyncInvoker({
      functionName: 'fn',
      invoke: async () => {
        throw new Error('boom');
      },
      maxRetryAttempts: 0,
      failureFile: undefined,
      log,
    });
    invoker.enqueue({});
    await invoker.whenIdle();
    expect(log).toHaveBeenCalledWith(expect.stringMatching(/failed 1 times; no failure destination, dropped/));
  });
});

describe('the local Lambda endpoint', () => {
  it('answers an Event invocation 202 at once and hands the event to the asynchronous invoker', async () => {
    const queued: [string, unknown][] = [];
    let release: () => void = () => {};
    const blocked = new Promise<void>((resolve) => (release = resolve));
    const server = createLambdaEndpoint({
      has: () => true,
      // A synchronous invocation would wait on this; the asynchronous one must not.
      invoke: async () => blocked,
      invokeAsync: (name, event) => queued.push([name, event]),
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const lambda = new LambdaClient({
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      region: localRegion,
      credentials: localCredentials,
    });
    try {
      const answer = await lambda.send(
        new InvokeCommand({ FunctionName: 'ses-feedback', InvocationType: 'Event', Payload: JSON.stringify({ a: 1 }) }),
      );
      expect(answer.StatusCode).toBe(202);
      expect(queued).toEqual([['ses-feedback', { a: 1 }]]);
    } finally {
      release();
      lambda.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
