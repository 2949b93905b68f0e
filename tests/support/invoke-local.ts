import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { localCredentials, localRegion } from '../../infra/local/local-aws';
import type { LocalOutputs } from '../../infra/outputs';

/**
 * Invokes a declared function on the local stack's Lambda endpoint with `event`, as its schedule, stream or topic
 * would, and returns its answer parsed. The invocation must not end in a function error.
 */
export async function invokeLocal<T = Record<string, unknown>>(
  outputs: Pick<LocalOutputs, 'LambdaEndpoint'>,
  functionName: string,
  event: unknown,
): Promise<T> {
  const lambda = new LambdaClient({
    endpoint: outputs.LambdaEndpoint,
    region: localRegion,
    credentials: localCredentials,
  });
  try {
    const result = await lambda.send(new InvokeCommand({ FunctionName: functionName, Payload: JSON.stringify(event) }));
    expect(result.FunctionError).toBeUndefined();
    return JSON.parse(Buffer.from(result.Payload ?? []).toString('utf8') || 'null') as T;
  } finally {
    lambda.destroy();
  }
}
