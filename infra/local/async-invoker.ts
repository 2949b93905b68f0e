import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { dirname, isAbsolute } from 'node:path';
import { localAccountId, localRegion } from './local-aws';

/**
 * Lambda's asynchronous invocation (`InvocationType: Event`, how SNS invokes a function), locally: the caller gets
 * 202 at once, the event is handed to the function, retried after a failure with growing waits, and an event that
 * failed every attempt is appended to a JSON Lines file in the shape of Lambda's on-failure destination record (what
 * the cloud's failure queue receives). Events of one function run one after another, in arrival order.
 */
export interface AsyncInvokerOptions {
  readonly functionName: string;
  readonly invoke: (event: unknown) => Promise<unknown>;
  /** Retries after the first attempt (shared/declarations/functions.ts `asyncInvocation`). */
  readonly maxRetryAttempts: number;
  /** Absolute path of the file that plays the on-failure destination; undefined drops the event, as Lambda does. */
  readonly failureFile: string | undefined;
  /** Wait before the first retry, doubled for each next one. Lambda waits a minute; locally, a moment. */
  readonly retryDelayMs?: number;
  readonly log?: (message: string) => void;
}

export interface AsyncInvoker {
  /** Accepts an event; its outcome is a later matter, as with Lambda. */
  enqueue(event: unknown): void;
  /** Resolves once every event accepted so far succeeded or went to the failure file. */
  whenIdle(): Promise<void>;
}

/** What Lambda sends to an on-failure destination when retries are exhausted. */
export interface AsyncFailureRecord {
  readonly version: '1.0';
  readonly timestamp: string;
  readonly requestContext: {
    readonly requestId: string;
    readonly functionArn: string;
    readonly condition: 'RetriesExhausted';
    readonly approximateInvokeCount: number;
  };
  readonly requestPayload: unknown;
  readonly responseContext: {
    readonly statusCode: 200;
    readonly executedVersion: '$LATEST';
    readonly functionError: 'Unhandled';
  };
  readonly responsePayload: { readonly errorType: string; readonly errorMessage: string };
}

export function createAsyncInvoker(options: AsyncInvokerOptions): AsyncInvoker {
  const { failureFile } = options;
  if (failureFile !== undefined) {
    if (!isAbsolute(failureFile)) throw new TypeError(`failureFile must be an absolute path, got ${failureFile}`);
    mkdirSync(dirname(failureFile), { recursive: true });
  }
  const retryDelayMs = options.retryDelayMs ?? 200;
  const log = options.log ?? (() => {});
  let tail: Promise<void> = Promise.resolve();

  async function deliver(event: unknown): Promise<void> {
    const requestId = randomUUID();
    let attempts = 0;
    for (;;) {
      attempts += 1;
      try {
        await options.invoke(event);
        return;
      } catch (error) {
        if (attempts > options.maxRetryAttempts) return giveUp(event, requestId, attempts, error);
        const delayMs = retryDelayMs * 2 ** (attempts - 1);
        log(
          `[async ${options.functionName}] attempt ${attempts} failed (${describe(error).errorMessage}); retrying in ${delayMs} ms`,
        );
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
  }

  async function giveUp(event: unknown, requestId: string, attempts: number, error: unknown): Promise<void> {
    if (failureFile === undefined) {
      log(
        `[async ${options.functionName}] event ${requestId} failed ${attempts} times; no failure destination, dropped`,
      );
      return;
    }
    const record: AsyncFailureRecord = {
      version: '1.0',
      timestamp: new Date().toISOString(),
      requestContext: {
        requestId,
        functionArn: `arn:aws:lambda:${localRegion}:${localAccountId}:function:${options.functionName}:$LATEST`,
        condition: 'RetriesExhausted',
        approximateInvokeCount: attempts,
      },
      requestPayload: event,
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: describe(error),
    };
    // The event may name people (email addresses): readable by this user only, like the data directory's other files.
    await appendFile(failureFile, `${JSON.stringify(record)}\n`, { mode: 0o600 });
    log(`[async ${options.functionName}] event ${requestId} failed ${attempts} times; written to ${failureFile}`);
  }

  return {
    enqueue(event) {
      // A failure to write the failure file is logged, not thrown into nowhere.
      tail = tail
        .then(() => deliver(event))
        .catch((error: unknown) => log(`[async ${options.functionName}] ${String(error)}`));
    },
    whenIdle: () => tail,
  };
}

function describe(error: unknown): { errorType: string; errorMessage: string } {
  const { name = 'Error', message = String(error) } = (error ?? {}) as Error;
  return { errorType: name, errorMessage: message };
}
