import { randomUUID } from 'node:crypto';
import { DynamoDBClient, GetItemCommand, PutItemCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { localCredentials, localRegion } from '../../infra/local/local-aws';
import type { LocalOutputs } from '../../infra/outputs';
import { createAccessMachine, portalFlagItems } from '../../shared/access/access-machine';
import {
  accessKey,
  accessStatuses,
  accessTransitions,
  transitionAllowed,
  type AccessStatus,
  type AccessTransitionName,
} from '../../shared/access/access-state';
import { stackOutputs } from '../support/outputs';

/**
 * The access state machine against DynamoDB Local: every status-changing or status-guarded transition, tried from
 * every status (`none`: no ACCESS item), is applied exactly when the table (access-state.ts) allows it, and leaves
 * the status it declares. The refusal is DynamoDB's: the guard is part of the transition's conditional write.
 */
let outputs: LocalOutputs;
let dynamo: DynamoDBClient;
let machine: ReturnType<typeof createAccessMachine>;
const at = '2026-12-02T10:00:00.000Z';

beforeAll(() => {
  outputs = stackOutputs();
  dynamo = new DynamoDBClient({
    endpoint: outputs.DynamoDbEndpoint,
    region: localRegion,
    credentials: localCredentials,
  });
  machine = createAccessMachine({ dynamo, tableName: outputs.TableName, now: () => new Date(at) });
});
afterAll(() => dynamo.destroy());

/** A person (never enabled through the record service: this test writes their ACCESS item directly) in `status`. */
async function personIn(status: AccessStatus): Promise<string> {
  const id = `con_${randomUUID()}`;
  if (status === 'none') return id;
  const invitation = { enablementId: 'e1', state: 'sent', claimedAt: at, messageId: 'm1' };
  await dynamo.send(
    new PutItemCommand({
      TableName: outputs.TableName,
      Item: marshall({ ...accessKey(id), personId: id, status, enablementId: 'e1', invitation }),
    }),
  );
  return id;
}

async function statusOf(id: string): Promise<string | undefined> {
  const { Item } = await dynamo.send(
    new GetItemCommand({ TableName: outputs.TableName, Key: marshall(accessKey(id)), ConsistentRead: true }),
  );
  return Item ? ((unmarshall(Item).status as string | undefined) ?? 'none') : undefined;
}

const settlement = { history: { actor: 'test', event: 'statusChanged' } };
const calls: Partial<Record<AccessTransitionName, (id: string) => Promise<{ applied: boolean }>>> = {
  markPending: async (id) => {
    const items = portalFlagItems(outputs.TableName, { personId: id, enabled: true, actor: 'test', at });
    await dynamo.send(new TransactWriteItemsCommand({ TransactItems: items }));
    return { applied: true };
  },
  markInvited: (id) =>
    machine.markInvited(id, { enablementId: 'e1', state: 'sent', claimedAt: at, messageId: 'm2' }, {}),
  confirmInvited: (id) => machine.confirmInvited(id, settlement),
  confirmActive: (id) => machine.confirmActive(id, settlement),
  suspend: (id) => machine.suspend(id, { ...settlement, reason: 'outsideSupportWindow' }),
  revoke: (id) => machine.revoke(id, { ...settlement, reason: 'portalDisabled' }),
  markFailed: (id) => machine.markFailed(id, 'invited', 'Error: x'),
  markEmailFailed: (id) => machine.markEmailFailed(id, 'm1', 'emailBounced', 'bounced'),
  markActive: (id) => machine.markActive(id, at),
  requestResend: (id) => machine.requestResend(id, 'test', at, '2026-12-02T09:59:00.000Z'),
  requestPasswordReset: (id) => machine.requestPasswordReset(id, 'test', at, '2026-12-02T09:59:00.000Z'),
};

const cases = (Object.keys(calls) as AccessTransitionName[]).flatMap((name) =>
  accessStatuses.map((from) => [name, from] as const),
);

describe('access transitions in DynamoDB', () => {
  it.each(cases)('%s from %s', async (name, from) => {
    const id = await personIn(from);
    const outcome = await calls[name]!(id);
    const allowed = transitionAllowed(name, from);
    expect(outcome.applied).toBe(allowed);
    const to = accessTransitions[name].to;
    const expectedStatus = !allowed ? from : to === 'same' ? from : to;
    expect((await statusOf(id)) ?? 'none').toBe(expectedStatus);
  });
});
