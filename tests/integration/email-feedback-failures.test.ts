import { existsSync, readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { LocalOutputs } from '../../infra/outputs';
import type { AsyncFailureRecord } from '../../infra/local/async-invoker';
import { localCredentials, localRegion } from '../../infra/local/local-aws';
import { asyncFailureFile } from '../../infra/local/local-stack';
import { waitFor } from '../../infra/local/managed-process';
import { functions } from '../../shared/declarations/functions';
import { stackOutputs } from '../support/outputs';

/**
 * SES feedback reaches `ses-feedback` as SNS delivers it: an asynchronous invocation (InvocationType Event). Locally
 * as in the cloud, an event the function fails on every attempt is not lost: it lands in the function's failure
 * destination (a file here, a queue in the cloud).
 */
jest.setTimeout(60_000);

let outputs: LocalOutputs;
let lambda: LambdaClient;
const failureFile = () => asyncFailureFile(process.env.PORTICO_DATA_DIR!, 'ses-feedback');
const failures = (): AsyncFailureRecord[] =>
  existsSync(failureFile())
    ? readFileSync(failureFile(), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as AsyncFailureRecord)
    : [];

beforeAll(() => {
  outputs = stackOutputs();
  lambda = new LambdaClient({ endpoint: outputs.LambdaEndpoint, region: localRegion, credentials: localCredentials });
});
afterAll(() => lambda.destroy());

/** An SNS notification event carrying `message` (what the feedback topic delivers). */
const snsEvent = (message: string) => ({
  Records: [
    {
      EventSource: 'aws:sns',
      EventVersion: '1.0',
      Sns: { Type: 'Notification', MessageId: randomUUID(), Message: message },
    },
  ],
});

const invokeAsync = (event: unknown) =>
  lambda.send(
    new InvokeCommand({ FunctionName: 'ses-feedback', InvocationType: 'Event', Payload: JSON.stringify(event) }),
  );

describe('ses-feedback failures, locally', () => {
  it('an event it fails on every attempt lands in its failure file after the declared retries', async () => {
    // A message SNS could carry but the handler cannot read (JSON null where an SES event belongs).
    const failing = snsEvent('null');
    const answer = await invokeAsync(failing);
    expect(answer.StatusCode).toBe(202);
    const mine = () => failures().filter((record) => JSON.stringify(record.requestPayload) === JSON.stringify(failing));
    await waitFor(async () => mine().length > 0, 30_000, `the event in ${failureFile()}`);
    const [record, ...more] = mine();
    expect(more).toEqual([]);
    const declared = functions.find((fn) => fn.name === 'ses-feedback')!.asyncInvocation!.maxRetryAttempts;
    expect(record).toMatchObject({
      requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: declared + 1 },
      responsePayload: { errorType: 'TypeError' },
    });
  });

  it('an event it handles leaves nothing there (the failure file is not written for every event)', async () => {
    // A well-formed event about nobody: ignored, successfully.
    const handled = snsEvent(JSON.stringify({ eventType: 'Bounce', bounce: { bounceType: 'Permanent' }, mail: {} }));
    expect((await invokeAsync(handled)).StatusCode).toBe(202);
    // Followed by a failing one: once that one is written, the handled one (queued before it) is done.
    const marker = snsEvent('null');
    await invokeAsync(marker);
    const payloads = () => failures().map((record) => JSON.stringify(record.requestPayload));
    await waitFor(async () => payloads().includes(JSON.stringify(marker)), 30_000, 'the failing marker event');
    expect(payloads()).not.toContain(JSON.stringify(handled));
  });
});
