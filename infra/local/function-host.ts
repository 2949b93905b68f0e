import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import type { FunctionDeclaration } from '../../shared/declarations/functions';
import { localAccountId, localRegion } from './local-aws';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

export class FunctionTimedOut extends Error {}

/**
 * Runs the very bundles that deploy to Lambda: loads each on first use (its cold start) and invokes its
 * `handler` with a Lambda-shaped context and the declared timeout.
 */
export class FunctionHost {
  private readonly loaded = new Map<string, Promise<Handler>>();

  constructor(
    private readonly declarations: readonly FunctionDeclaration[],
    private readonly bundles: ReadonlyMap<string, string>,
  ) {}

  has(name: string): boolean {
    return this.declarations.some((fn) => fn.name === name);
  }

  async invoke(name: string, event: unknown): Promise<unknown> {
    const declaration = this.declarations.find((fn) => fn.name === name);
    if (!declaration) throw new Error(`Function not found: ${name}`);
    const handler = await this.load(declaration);
    const deadline = Date.now() + declaration.timeoutSeconds * 1000;
    const context = lambdaContext(declaration, deadline);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new FunctionTimedOut(`Task timed out after ${declaration.timeoutSeconds} seconds`)),
        declaration.timeoutSeconds * 1000,
      );
    });
    try {
      return await Promise.race([handler(event, context), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private load(declaration: FunctionDeclaration): Promise<Handler> {
    let handler = this.loaded.get(declaration.name);
    if (!handler) {
      const bundle = this.bundles.get(declaration.name);
      if (!bundle) throw new Error(`No bundle for ${declaration.name}`);
      handler = Promise.resolve()
        .then(() => loadBundle(bundle))
        .then((module) => {
          if (typeof module.handler !== 'function') throw new Error(`${declaration.entry} exports no handler`);
          return module.handler;
        });
      // A module that failed to load is retried next time, as Lambda retries a failed init.
      handler.catch(() => this.loaded.delete(declaration.name));
      this.loaded.set(declaration.name, handler);
    }
    return handler;
  }
}

/** A CommonJS bundle, loaded the way the Lambda runtime loads it. */
function loadBundle(file: string): { handler?: Handler } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(file) as { handler?: Handler };
}

function lambdaContext(declaration: FunctionDeclaration, deadline: number): Context {
  const fail = () => {
    throw new Error('Callback-style completion is not supported; return a promise');
  };
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: declaration.name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${localRegion}:${localAccountId}:function:${declaration.name}`,
    memoryLimitInMB: String(declaration.memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${declaration.name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: fail,
    fail,
    succeed: fail,
  };
}
