import { BatchGetItemCommand, DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import {
  addDays,
  createDailyAccessCheck,
  planDailyCheck,
  type DailyPlan,
} from '../../shared/access/daily-access-check';
import type { AccessVerdict } from '../../shared/access/evaluate-access';

/** What the daily check does for one person: a table of recorded state, today's verdict and the window. */
const today = '2026-12-02';
const effective: AccessVerdict = { effective: true };
const outside: AccessVerdict = { effective: false, reason: 'outsideSupportWindow' };
const person = (supportEndDate?: string) => ({
  module: 'contacts',
  email: 'a@example.com',
  portal: { enabled: true, supportEndDate },
});

describe('planDailyCheck: bring the login in line', () => {
  it.each<[string, Parameters<typeof planDailyCheck>[0], AccessVerdict, DailyPlan]>([
    ['active, window ended overnight → reconcile (disable)', { status: 'active' }, outside, { reconcile: true }],
    ['invited, window ended → reconcile', { status: 'invited' }, outside, { reconcile: true }],
    ['pending, window ended → reconcile', { status: 'pending' }, outside, { reconcile: true }],
    ['failed, window ended → reconcile', { status: 'failed', reason: 'emailBounced' }, outside, { reconcile: true }],
    [
      'already suspended for the window → nothing (no Cognito call)',
      { status: 'suspended', reason: 'outsideSupportWindow' },
      outside,
      { reconcile: false },
    ],
    [
      'suspended for the organization, now outside the window → reconcile (the reason changes)',
      { status: 'suspended', reason: 'organizationInactive' },
      outside,
      { reconcile: true },
    ],
    [
      'suspended by the window, window began → reconcile (enable, or invite)',
      { status: 'suspended', reason: 'outsideSupportWindow' },
      effective,
      { reconcile: true },
    ],
    [
      'revoked but effective again → reconcile',
      { status: 'revoked', reason: 'portalDisabled' },
      effective,
      { reconcile: true },
    ],
    ['active and effective → nothing', { status: 'active' }, effective, { reconcile: false }],
    ['invited and effective → nothing', { status: 'invited' }, effective, { reconcile: false }],
    [
      'revoked, flag still off → nothing',
      { status: 'revoked', reason: 'portalDisabled' },
      { effective: false, reason: 'portalDisabled' },
      { reconcile: false },
    ],
    [
      'no access ever → nothing',
      { status: 'none' },
      { effective: false, reason: 'portalDisabled' },
      { reconcile: false },
    ],
  ])('%s', (_what, recorded, verdict, plan) => {
    expect(planDailyCheck(recorded, verdict, person(), today, 0)).toEqual(plan);
  });
});

describe('planDailyCheck: the window-end reminder', () => {
  const active = { status: 'active' } as const;
  it.each<[string, Parameters<typeof planDailyCheck>[0], string | undefined, number, string | undefined]>([
    ['reminders off', active, '2026-12-05', 0, undefined],
    ['end within the days', active, '2026-12-05', 7, '2026-12-05'],
    ['end exactly N days ahead', active, '2026-12-09', 7, '2026-12-09'],
    ['end one day beyond', active, '2026-12-10', 7, undefined],
    ['end today (the last day)', active, today, 7, today],
    ['no end', active, undefined, 7, undefined],
    ['invited people too', { status: 'invited' }, '2026-12-05', 7, '2026-12-05'],
    ['not someone suspended', { status: 'suspended', reason: 'organizationInactive' }, '2026-12-05', 7, undefined],
    [
      'already reminded of this end',
      { ...active, supportEndReminder: { endDate: '2026-12-05' } },
      '2026-12-05',
      7,
      undefined,
    ],
    [
      'reminded of an earlier end, then extended',
      { ...active, supportEndReminder: { endDate: '2026-11-30' } },
      '2026-12-05',
      7,
      '2026-12-05',
    ],
  ])('%s', (_what, recorded, end, days, remindOf) => {
    expect(planDailyCheck(recorded, effective, person(end), today, days).remindOf).toBe(remindOf);
  });

  it('never reminds someone whose access is not effective', () => {
    expect(planDailyCheck({ status: 'active' }, outside, person('2026-12-05'), today, 7).remindOf).toBeUndefined();
  });
});

describe('addDays', () => {
  it.each([
    ['2026-12-02', 7, '2026-12-09'],
    ['2026-12-30', 3, '2027-01-02'],
    ['2028-02-27', 2, '2028-02-29'],
    ['2026-03-01', -1, '2026-02-28'],
  ])('%s + %d = %s', (date, days, sum) => expect(addDays(date, days)).toBe(sum));
});

describe('createDailyAccessCheck: the walk', () => {
  const dynamo = new DynamoDBClient({ region: 'eu-west-1' });
  const dynamoMock = mockClient(dynamo);
  afterEach(() => dynamoMock.reset());
  afterAll(() => dynamoMock.restore());

  const accessItem = (personId: string, status: string, reason?: string) =>
    marshall(
      { pk: personId, sk: 'ACCESS', gsi1pk: 'portal-access', gsi1sk: personId, personId, status, reason },
      {
        removeUndefinedValues: true,
      },
    );
  const personItem = (id: string, supportEndDate: string) =>
    marshall({
      pk: id,
      sk: 'RECORD',
      id,
      module: 'contacts',
      email: `${id}@example.com`,
      portal: { enabled: true, supportEndDate },
    });

  it('pages through the access index (one Query per page, no Scan), reconciles only who disagrees, and names failures', async () => {
    dynamoMock
      .on(QueryCommand)
      .resolvesOnce({
        Items: [accessItem('con_1', 'active'), accessItem('con_2', 'active')],
        LastEvaluatedKey: { pk: { S: 'con_2' } },
      })
      .resolvesOnce({
        Items: [accessItem('con_3', 'suspended', 'outsideSupportWindow'), accessItem('con_4', 'active')],
      });
    dynamoMock
      .on(BatchGetItemCommand)
      .callsFake((input: { RequestItems: Record<string, { Keys: { pk: { S: string } }[] }> }) => {
        const ends: Record<string, string> = {
          con_1: '2026-12-01',
          con_2: '2027-01-01',
          con_3: '2026-12-01',
          con_4: '2026-11-30',
        };
        const keys = input.RequestItems.table!.Keys.map((key) => key.pk.S);
        return { Responses: { table: keys.filter((id) => ends[id]).map((id) => personItem(id, ends[id]!)) } };
      });
    const reconciled: string[] = [];
    const failures: string[] = [];
    const check = createDailyAccessCheck({
      dynamo,
      tableName: 'table',
      timeZone: 'UTC',
      reminderDays: 0,
      signInUrl: 'https://portal.example.com/',
      now: () => new Date('2026-12-02T00:05:00Z'),
      provisioner: {
        reconcilePerson: async (personId) => {
          if (personId === 'con_4') throw new Error('Cognito is down');
          reconciled.push(personId);
          return {
            personId,
            status: 'suspended',
            verdict: { effective: false, reason: 'outsideSupportWindow' },
            actions: [],
          };
        },
        recordFailure: async (personId) => void failures.push(personId),
        sendEmail: async () => undefined,
      },
    });
    const summary = await check.run();
    expect(summary).toEqual({ today: '2026-12-02', checked: 4, reconciled: 1, reminded: 0, failed: ['con_4'] });
    // con_2 is inside its window and active; con_3 is already suspended for it: no reconcile, no Cognito call.
    expect(reconciled).toEqual(['con_1']);
    expect(failures).toEqual(['con_4']);
    const queries = dynamoMock.commandCalls(QueryCommand).map((call) => call.args[0].input);
    expect(queries).toHaveLength(2);
    expect(queries[1]!.ExclusiveStartKey).toEqual({ pk: { S: 'con_2' } });
    expect(queries.every((query) => query.IndexName === 'gsi1')).toBe(true);
  });
});
