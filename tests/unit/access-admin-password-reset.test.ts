import {
  DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { createAccessAdmin } from '../../shared/access/access-admin';
import type { Provisioner } from '../../shared/access/provisioning';
import { findModule } from '../../shared/modules/registry';
import { rejectionOf } from './support/failures';

/**
 * A staff password reset when Cognito fails after the request was recorded: a fault the emulator cannot produce.
 * The minute the request took is given back (so staff can try again at once), and only this request's.
 */
const contacts = findModule('contacts')!;
const personId = 'con_00000000-0000-4000-8000-000000000001';
const at = new Date('2026-12-02T10:00:00.000Z');

function admin(reset: () => Promise<void>) {
  const dynamo = new DynamoDBClient({ region: 'eu-west-1' });
  const mock = mockClient(dynamo);
  mock.on(TransactWriteItemsCommand).resolves({});
  mock.on(UpdateItemCommand).resolves({});
  // The person's record and ACCESS item, as the table holds them: read together from the person's partition.
  const record = {
    pk: personId,
    sk: 'RECORD',
    id: personId,
    module: 'contacts',
    email: 'ann@example.com',
    portal: { enabled: true },
  };
  const access = { pk: personId, sk: 'ACCESS', personId, status: 'active' };
  mock.on(QueryCommand).resolves({ Items: [marshall(record), marshall(access)] });
  mock.on(GetItemCommand).callsFake((input: { Key: Record<string, { S: string }> }) => ({
    Item: marshall(input.Key.sk!.S === 'ACCESS' ? access : record),
  }));
  const provisioner = {} as Provisioner;
  const calls = { resets: 0 };
  const instance = createAccessAdmin({
    dynamo,
    tableName: 'portico',
    provisioner,
    timeZone: 'Europe/Berlin',
    now: () => at,
    passwordReset: {
      login: async () => ({ enabled: true, status: 'CONFIRMED' }),
      reset: async () => {
        calls.resets += 1;
        await reset();
      },
    },
  });
  return { instance, mock, calls };
}

describe('staff password reset when Cognito fails', () => {
  it('gives back the minute it recorded, conditioned on its own mark, and fails the request', async () => {
    const { instance, mock, calls } = admin(async () => {
      throw Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' });
    });
    const error = await rejectionOf(instance.requestPasswordReset(contacts, personId, 'staff-sub'));
    expect(error.message).toBe('Rate exceeded');
    expect(calls.resets).toBe(1);
    // One conditional write recorded the request (status, rate limit, history naming who asked)…
    const [recorded] = mock.commandCalls(TransactWriteItemsCommand);
    const update = recorded!.args[0].input.TransactItems![0]!.Update!;
    expect(update.ConditionExpression).toContain('lastPasswordResetAt <= :cutoff');
    const history = unmarshall(recorded!.args[0].input.TransactItems![1]!.Put!.Item!);
    expect(history).toMatchObject({ event: 'passwordResetRequested', actor: 'staff:staff-sub' });
    // …and the failure removed exactly that mark.
    const giveBack = mock.commandCalls(UpdateItemCommand).map((call) => call.args[0].input);
    expect(giveBack).toHaveLength(1);
    expect(giveBack[0]).toMatchObject({
      UpdateExpression: 'REMOVE lastPasswordResetAt',
      ConditionExpression: 'lastPasswordResetAt = :at',
    });
    expect(unmarshall(giveBack[0]!.ExpressionAttributeValues!)).toEqual({ ':at': at.toISOString() });
  });

  it('keeps the mark when Cognito accepted the reset', async () => {
    const { instance, mock } = admin(async () => {});
    await expect(instance.requestPasswordReset(contacts, personId, 'staff-sub')).resolves.toMatchObject({
      passwordResetRequestedAt: at.toISOString(),
    });
    expect(mock.commandCalls(UpdateItemCommand)).toHaveLength(0);
  });
});
