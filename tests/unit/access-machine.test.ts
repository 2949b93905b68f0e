import {
  DynamoDBClient,
  TransactWriteItemsCommand,
  TransactionCanceledException,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { createAccessMachine, portalFlagItems } from '../../shared/access/access-machine';
import {
  accessStatuses,
  accessTransitions,
  transitionAllowed,
  type AccessStatus,
  type AccessTransitionName,
} from '../../shared/access/access-state';

/**
 * The access state machine's transition table, enumerated: every transition from every status, allowed or refused
 * as this test declares it (written out independently of the declaration, so changing one alone fails). That
 * DynamoDB really refuses what is refused here is tests/integration/access-transitions.test.ts.
 */
const all = accessStatuses;
const except = (...statuses: AccessStatus[]) => all.filter((status) => !statuses.includes(status));
const expected: Record<AccessTransitionName, { from: readonly AccessStatus[]; to: AccessStatus | 'same' }> = {
  markPending: { from: all, to: 'pending' },
  ensureEnablement: { from: all, to: 'same' },
  renewEnablement: { from: all, to: 'same' },
  claimInvitation: { from: all, to: 'same' },
  releaseInvitation: { from: all, to: 'same' },
  markInvited: { from: all, to: 'invited' },
  confirmInvited: { from: all, to: 'invited' },
  markActive: { from: ['invited'], to: 'active' },
  confirmActive: { from: all, to: 'active' },
  suspend: { from: all, to: 'suspended' },
  revoke: { from: all, to: 'revoked' },
  recordFailure: { from: all, to: 'same' },
  markFailed: { from: except('failed'), to: 'failed' },
  markEmailFailed: { from: except('none'), to: 'failed' },
  requestResend: { from: ['invited', 'failed'], to: 'same' },
  requestPasswordReset: { from: ['active'], to: 'same' },
  giveBackPasswordReset: { from: all, to: 'same' },
  recordSignIn: { from: all, to: 'same' },
  noteEmailChange: { from: all, to: 'same' },
  markEmailChangeAnnounced: { from: all, to: 'same' },
  recordUsernameChange: { from: all, to: 'same' },
  claimReminder: { from: all, to: 'same' },
  releaseReminder: { from: all, to: 'same' },
  markReminderSent: { from: all, to: 'same' },
};

describe('the access transition table', () => {
  it('declares exactly the transitions this test expects', () => {
    expect(Object.keys(accessTransitions).sort()).toEqual(Object.keys(expected).sort());
  });

  const pairs = (Object.keys(expected) as AccessTransitionName[]).flatMap((name) =>
    all.map((from) => [name, from, expected[name].from.includes(from)] as const),
  );
  it.each(pairs)('%s from %s: allowed %s', (name, from, allowed) => {
    expect(transitionAllowed(name, from)).toBe(allowed);
  });

  it.each(Object.keys(expected) as AccessTransitionName[])('%s leaves the declared status', (name) => {
    expect(accessTransitions[name].to).toBe(expected[name].to);
  });
});

describe('the access machine carries the table into its writes', () => {
  const dynamo = new DynamoDBClient({ region: 'eu-west-1' });
  const mock = mockClient(dynamo);
  const machine = createAccessMachine({ dynamo, tableName: 'portico', now: () => new Date('2026-12-02T10:00:00Z') });
  const id = 'con_00000000-0000-4000-8000-000000000001';
  afterEach(() => mock.reset());

  it('every declared transition is a named function of the machine (markPending: the staff write items)', () => {
    for (const name of Object.keys(expected).filter((name) => name !== 'markPending')) {
      expect(typeof (machine as Record<string, unknown>)[name]).toBe('function');
    }
    const items = portalFlagItems('portico', { personId: id, enabled: true, actor: 'sub', at: '2026-12-02T10:00:00Z' });
    expect(unmarshall(items[0]!.Update!.ExpressionAttributeValues!)).toMatchObject({ ':v0': 'pending' });
    expect(unmarshall(items[1]!.Put!.Item!)).toMatchObject({ event: 'portalEnabled', actor: 'staff:sub' });
  });

  it.each<[AccessTransitionName, () => Promise<unknown>]>([
    ['markActive', () => machine.markActive(id, '2026-12-02T10:00:00Z')],
    ['requestResend', () => machine.requestResend(id, 'sub', '2026-12-02T10:00:00Z', '2026-12-02T09:59:00Z')],
    [
      'requestPasswordReset',
      () => machine.requestPasswordReset(id, 'sub', '2026-12-02T10:00:00Z', '2026-12-02T09:59:00Z'),
    ],
    ['markFailed', () => machine.markFailed(id, 'invited', 'Error: x')],
    ['markEmailFailed', () => machine.markEmailFailed(id, 'm1', 'emailBounced', 'bounced')],
  ])('%s: the statuses it starts from are in its condition', async (name, call) => {
    mock.on(TransactWriteItemsCommand).resolves({});
    await call();
    const update = mock.commandCalls(TransactWriteItemsCommand)[0]!.args[0].input.TransactItems![0]!.Update!;
    const values = unmarshall(update.ExpressionAttributeValues!);
    const listed = Object.entries(values)
      .filter(([name]) => name.startsWith(':from'))
      .map(([, status]) => status as string);
    expect(listed.sort()).toEqual(expected[name].from.filter((status) => status !== 'none').sort());
    expect(update.ConditionExpression).toContain('#status IN (');
    expect(update.ConditionExpression!.includes('attribute_not_exists(#status)')).toBe(
      expected[name].from.includes('none'),
    );
  });

  it('a refused transition answers the state as it was, so the caller can say why', async () => {
    mock.on(TransactWriteItemsCommand).rejects(
      new TransactionCanceledException({
        message: 'cancelled',
        $metadata: {},
        CancellationReasons: [
          { Code: 'ConditionalCheckFailed', Item: marshall({ personId: id, status: 'pending' }) },
          { Code: 'None' },
        ],
      }),
    );
    await expect(machine.markActive(id, '2026-12-02T10:00:00Z')).resolves.toEqual({
      applied: false,
      current: { personId: id, status: 'pending' },
    });
  });

  it('other errors are not swallowed', async () => {
    mock.on(UpdateItemCommand).rejects(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }));
    await expect(machine.recordFailure(id, 'x')).rejects.toThrow('throttled');
  });
});
