import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';

/**
 * A stand-in for the Lambda service's Invoke API (`POST /2015-03-31/functions/{name}/invocations`), which
 * is how cognito-local calls its triggers. Handler errors come back the way Lambda reports them: status
 * 200 with `X-Amz-Function-Error: Unhandled` and `{errorType, errorMessage}`. An asynchronous invocation
 * (`X-Amz-Invocation-Type: Event`, as SNS invokes) is answered 202 at once and handed to `invokeAsync`.
 */
export interface LambdaEndpointOptions {
  readonly has: (name: string) => boolean;
  readonly invoke: (name: string, event: unknown) => Promise<unknown>;
  /** Queues an event for an asynchronous invocation (infra/local/async-invoker.ts). */
  readonly invokeAsync?: (name: string, event: unknown) => void;
  readonly onError?: (error: unknown, functionName: string) => void;
}

const invocationPath = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

export function createLambdaEndpoint(options: LambdaEndpointOptions): Server {
  return createServer(async (request, response) => {
    const match =
      request.method === 'POST' ? invocationPath.exec(new URL(request.url ?? '/', 'http://x').pathname) : null;
    if (!match) {
      response.writeHead(404, { 'content-type': 'application/json', 'x-amzn-errortype': 'UnknownOperationException' });
      return response.end('{"message":"Unknown operation"}');
    }
    // Callers may name a function by its ARN; the name is the last segment.
    const name = decodeURIComponent(match[1]!)
      .split(':')
      .filter((part) => part !== '$LATEST')
      .pop()!;
    if (!options.has(name)) {
      response.writeHead(404, { 'content-type': 'application/json', 'x-amzn-errortype': 'ResourceNotFoundException' });
      return response.end(JSON.stringify({ Type: 'User', message: `Function not found: ${name}` }));
    }
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let event: unknown;
    try {
      event = raw ? JSON.parse(raw) : {};
    } catch {
      response.writeHead(400, {
        'content-type': 'application/json',
        'x-amzn-errortype': 'InvalidRequestContentException',
      });
      return response.end('{"message":"Could not parse request body into json"}');
    }
    if (request.headers['x-amz-invocation-type'] === 'Event' && options.invokeAsync) {
      options.invokeAsync(name, event);
      response.writeHead(202, { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID() });
      return response.end();
    }
    try {
      const result = await options.invoke(name, event);
      response.writeHead(200, { 'content-type': 'application/json', 'x-amz-executed-version': '$LATEST' });
      response.end(result === undefined ? 'null' : JSON.stringify(result));
    } catch (error) {
      options.onError?.(error, name);
      const { name: errorType = 'Error', message: errorMessage = String(error) } = (error ?? {}) as Error;
      response.writeHead(200, {
        'content-type': 'application/json',
        'x-amz-executed-version': '$LATEST',
        'x-amz-function-error': 'Unhandled',
      });
      response.end(JSON.stringify({ errorType, errorMessage, trace: [] }));
    }
  });
}
