import {
  CognitoIdentityProviderClient,
  TooManyRequestsException as CognitoThrottled,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import {
  MessageRejected,
  SESv2Client,
  TooManyRequestsException as SesThrottled,
  type SendEmailCommandInput,
} from '@aws-sdk/client-sesv2';
import { marshall } from '@aws-sdk/util-dynamodb';
import type {
  AttributeValue as StreamAttributeValue,
  DynamoDBBatchResponse,
  DynamoDBRecord,
  DynamoDBStreamEvent,
} from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { createAccessAdmin } from '../../shared/access/access-admin';
import { applyEmailFeedback, type SesEvent } from '../../shared/access/email-feedback';
import { escapeHtml, invitationEmail } from '../../shared/access/emails';
import {
  createProvisioner,
  InvitationInProgress,
  type ProvisioningDependencies,
} from '../../shared/access/provisioning';
import { createTokenBucket } from '../../shared/access/rate-limiter';
import { planStreamWork } from '../../shared/access/stream-changes';
import { Conflict, TooManyRequests } from '../../shared/http/errors';
import { findModule } from '../../shared/modules/registry';
import { logger } from '../../shared/observability/logger';
import { FakeClock, installFakes, temporaryPasswordIn, type Fakes, type Mocks } from './support/provisioning-fakes';
import { rejectionOf } from './support/failures';

/**
 * Faults the emulators cannot produce: Cognito and SES throttling and rejections, a crash between two steps
 * (a write lost after SES accepted the mail, a create whose answer never came back), replayed, duplicated and
 * out-of-order stream batches. Every scenario ends with one Cognito user and one invitation per enablement
 * (the single accepted exception, a crash after SES accepted, says so), and nothing lost.
 */

const POOL = 'eu-west-1_portal';
const TABLE = 'portico';
const LEASE = 30_000;
const SIGN_IN_URL = 'https://portal.example.com/sign-in';

const mocks: Mocks = {
  dynamo: mockClient(DynamoDBClient),
  cognito: mockClient(CognitoIdentityProviderClient),
  ses: mockClient(SESv2Client),
};

let fakes: Fakes;
let clock: FakeClock;
let passwords = 0;
let creationsTaken = 0;

beforeAll(() => logger.setLogLevel('SILENT'));
beforeEach(() => {
  fakes = installFakes(mocks, { tableName: TABLE, userPoolId: POOL });
  clock = new FakeClock('2026-03-01T09:00:00.000Z');
  passwords = 0;
  creationsTaken = 0;
});
afterEach(() => jest.useRealTimers());
afterAll(() => {
  mocks.dynamo.restore();
  mocks.cognito.restore();
  mocks.ses.restore();
});

/* ------------------------------------------------------------------ fixtures */

const personIdOf = (prefix: string, n: number) =>
  `${prefix}_${n.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`;
const contactId = (n: number) => personIdOf('con', n);
const partnerContactId = (n: number) => personIdOf('pcon', n);
const partnerOrgId = (n: number) => personIdOf('porg', n);
const moduleOf = (id: string) =>
  ({ con: 'contacts', pcon: 'partner-contacts', lead: 'leads', porg: 'partner-organizations', org: 'organizations' })[
    id.slice(0, id.indexOf('_'))
  ]!;
const emailOf = (id: string) => `${id.slice(0, id.indexOf('-'))}@example.com`.replace('_', '.');

type Item = Record<string, unknown>;

/** A person's RECORD item as the record service stores it. */
function personItem(id: string, fields: Item = {}): Item {
  return {
    pk: id,
    sk: 'RECORD',
    id,
    module: moduleOf(id),
    firstName: 'Ada',
    lastName: 'Lovelace',
    email: emailOf(id),
    portal: { enabled: true },
    version: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    gsi1pk: moduleOf(id),
    gsi1sk: `2026-01-01T00:00:00.000Z#${id}`,
    ...(typeof fields.organizationId === 'string'
      ? { gsi2pk: `LINK#${fields.organizationId}`, gsi2sk: `${moduleOf(id)}#2026-01-01T00:00:00.000Z#${id}` }
      : {}),
    ...fields,
  };
}

/** The ACCESS item the enabling write leaves (shared/access/enablement.ts). */
function pendingAccess(id: string, enablementId = 'enablement-1', fields: Item = {}): Item {
  return {
    pk: id,
    sk: 'ACCESS',
    status: 'pending',
    enablementId,
    failures: 0,
    personId: id,
    updatedAt: '2026-03-01T08:59:00.000Z',
    gsi1pk: 'portal-access',
    gsi1sk: id,
    ...fields,
  };
}

/** A person staff just enabled: the record and the pending ACCESS item. */
function enablePerson(id: string, fields: Item = {}) {
  fakes.table.put(personItem(id, fields));
  fakes.table.put(pendingAccess(id));
}

const access = (id: string) => fakes.table.get(id, 'ACCESS') ?? {};
const history = (id: string) => fakes.table.partition(id, 'HISTORY#');

function provisioner(overrides: Partial<ProvisioningDependencies> = {}) {
  return createProvisioner({
    dynamo: new DynamoDBClient({ region: 'eu-west-1' }),
    tableName: TABLE,
    timeZone: 'UTC',
    cognito: new CognitoIdentityProviderClient({ region: 'eu-west-1' }),
    userPoolId: POOL,
    ses: new SESv2Client({ region: 'eu-west-1' }),
    senderEmail: 'portal@example.com',
    signInUrl: SIGN_IN_URL,
    creations: { take: async () => void creationsTaken++ },
    temporaryPasswordValidityDays: 7,
    maxFailures: 3,
    invitationLeaseMs: LEASE,
    now: clock.now,
    sleep: clock.sleep,
    newPassword: () => `Temporary-password-${++passwords}`,
    ...overrides,
  });
}

const throttledCognito = () => new CognitoThrottled({ message: 'Rate exceeded', $metadata: {} });
const forUser = (id: string) => (input: { Username?: string }) => input.Username === id;
const toAddress = (address: string) => (input: SendEmailCommandInput) =>
  input.Destination?.ToAddresses?.includes(address) === true;

/**
 * The invariant every scenario ends in: one Cognito user created once, `emails` accepted invitations, the
 * last of which carries the password Cognito holds, and an ACCESS item that says so with no failure left.
 */
function expectConverged(id: string, emails = 1) {
  expect(fakes.cognito.created.filter((username) => username === id)).toHaveLength(1);
  const user = fakes.cognito.users.get(id);
  expect(user).toMatchObject({ enabled: true, status: 'FORCE_CHANGE_PASSWORD' });
  expect(user!.attributes.email).toBe(fakes.table.get(id, 'RECORD')!.email);
  const invitations = fakes.ses.invitations(id);
  expect(invitations).toHaveLength(emails);
  const last = invitations.at(-1)!;
  expect(last.to).toEqual([user!.attributes.email]);
  expect(temporaryPasswordIn(last)).toBe(user!.password);
  const state = access(id);
  expect(state).toMatchObject({
    status: 'invited',
    failures: 0,
    invitation: { state: 'sent', messageId: last.messageId, enablementId: state.enablementId },
  });
  expect(state).not.toHaveProperty('lastError');
  expect(state).not.toHaveProperty('reason');
  return { user: user!, invitations, state };
}

/* ------------------------------------------------------------------ stream records */

const images = (item: Item | undefined) =>
  item
    ? (marshall(item, { removeUndefinedValues: true }) as unknown as Record<string, StreamAttributeValue>)
    : undefined;

function streamRecord(sequence: string, before: Item | undefined, after: Item | undefined): DynamoDBRecord {
  const keys = (after ?? before)!;
  return {
    eventID: `event-${sequence}`,
    eventName: !before ? 'INSERT' : !after ? 'REMOVE' : 'MODIFY',
    eventSource: 'aws:dynamodb',
    eventVersion: '1.1',
    awsRegion: 'eu-west-1',
    dynamodb: {
      Keys: { pk: { S: String(keys.pk) }, sk: { S: String(keys.sk) } },
      SequenceNumber: sequence,
      SizeBytes: 512,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
      ...(before ? { OldImage: images(before) } : {}),
      ...(after ? { NewImage: images(after) } : {}),
    },
  };
}

/** A staff write that ticks the portal flag of `id` (the record before and after). */
const enableRecord = (sequence: string, id: string, fields: Item = {}) =>
  streamRecord(sequence, personItem(id, { portal: { enabled: false }, ...fields }), personItem(id, fields));
const disableRecord = (sequence: string, id: string) =>
  streamRecord(sequence, personItem(id), personItem(id, { portal: { enabled: false } }));
const titleRecord = (sequence: string, id: string, fields: Item = {}) =>
  streamRecord(sequence, personItem(id, fields), personItem(id, { ...fields, title: 'Dr' }));

const batch = (...records: DynamoDBRecord[]): DynamoDBStreamEvent => ({ Records: records });
const failures = (response: DynamoDBBatchResponse) => response.batchItemFailures.map((f) => f.itemIdentifier);

/* ------------------------------------------------------------------ the controller handler */

let handler: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;

beforeAll(async () => {
  process.env.TABLE_NAME = TABLE;
  process.env.PORTAL_USER_POOL_ID = POOL;
  process.env.SENDER_EMAIL = 'portal@example.com';
  process.env.PORTAL_SIGN_IN_URL = SIGN_IN_URL;
  process.env.TIME_ZONE = 'UTC';
  process.env.AWS_REGION = 'eu-west-1';
  process.env.ACCESS_MAX_FAILURES = '3';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  ({ handler } = await import('../../functions/portal-access-controller'));
});

/**
 * The handler reads the real clock: fake only Date (the fakes yield with setImmediate, the rate limiter may
 * wait with setTimeout), so a test can move past the invitation lease.
 */
function fakeDateOnly(start = '2026-03-01T09:00:00.000Z') {
  jest.useFakeTimers({
    now: Date.parse(start),
    doNotFake: [
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
      'setTimeout',
      'clearTimeout',
    ],
  });
}

/* ================================================================== 1 */

describe('1. replays, duplicates and out-of-order records', () => {
  const id = contactId(1);

  it('the same reconcile run 5 times in a row creates one login and sends one invitation', async () => {
    enablePerson(id);
    const outcomes = [];
    let written = 0;
    for (let run = 0; run < 5; run++) {
      outcomes.push(await provisioner().reconcilePerson(id));
      if (run === 0) written = history(id).length;
      clock.advance(1_000);
    }
    expect(outcomes.map((o) => o.actions)).toEqual([['createLogin', 'sendInvitation'], [], [], [], []]);
    expect(outcomes.every((o) => o.status === 'invited')).toBe(true);
    expectConverged(id);
    expect(creationsTaken).toBe(1);
    // Replays write nothing more: the history has one invitationSent entry, and nothing after the first run.
    expect(history(id).filter((entry) => entry.event === 'invitationSent')).toHaveLength(1);
    expect(history(id)).toHaveLength(written);
  });

  it('5 concurrent runs: one wins the claim, the others back off with InvitationInProgress', async () => {
    enablePerson(id);
    const p = provisioner();
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => p.reconcilePerson(id)));
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    for (const r of rejected) expect(r.reason).toBeInstanceOf(InvitationInProgress);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5 - rejected.length);
    expect(rejected.length).toBeGreaterThan(0); // they really overlapped
    // The losers' retries (Lambda's, minutes later) converge without sending again.
    clock.advance(LEASE * 2);
    await Promise.all(Array.from({ length: 5 }, () => p.reconcilePerson(id)));
    expect(fakes.cognito.calls('AdminCreateUser')).toHaveLength(1);
    expect(fakes.ses.attempts).toHaveLength(1);
    expectConverged(id);
  });

  it('the same batch delivered twice to the controller: still one login, one invitation', async () => {
    const other = contactId(2);
    enablePerson(id);
    enablePerson(other);
    const event = batch(enableRecord('100', id), enableRecord('101', other), titleRecord('102', id));
    expect(failures(await handler(event))).toEqual([]);
    expect(failures(await handler(event))).toEqual([]);
    expectConverged(id);
    expectConverged(other);
    expect(fakes.ses.sent).toHaveLength(2);
  });

  it('the same batch delivered twice at once: the loser reports the people, its retry changes nothing', async () => {
    fakeDateOnly();
    enablePerson(id);
    const event = batch(enableRecord('200', id));
    const [first, second] = await Promise.all([handler(event), handler(event)]);
    // One delivery reconciled the person; the other found the claim held and asks Lambda to retry.
    expect([failures(first), failures(second)].sort()).toEqual([[], ['200']]);
    jest.setSystemTime(Date.now() + LEASE + 1_000);
    expect(failures(await handler(event))).toEqual([]);
    expectConverged(id);
    // The failed delivery counted one failure; the successful retry reset it.
    expect(access(id).failures).toBe(0);
  });

  it('a "disable" record processed after the "enable" one, while the table says enabled, ends enabled', async () => {
    enablePerson(id);
    // Staff disabled then re-enabled; the enable was handled, then the older disable arrives (replayed).
    expect(failures(await handler(batch(enableRecord('300', id))))).toEqual([]);
    expect(failures(await handler(batch(disableRecord('299', id))))).toEqual([]);
    // And both in one batch, in either order: the controller follows the table, not the records.
    expect(failures(await handler(batch(enableRecord('301', id), disableRecord('302', id))))).toEqual([]);
    expect(failures(await handler(batch(disableRecord('303', id), enableRecord('304', id))))).toEqual([]);
    expectConverged(id);
    expect(fakes.cognito.calls('AdminDisableUser')).toHaveLength(0);
    expect(fakes.cognito.calls('AdminUserGlobalSignOut')).toHaveLength(0);
  });

  it('an "enable" record processed after the table says disabled creates nothing', async () => {
    fakes.table.put(personItem(id, { portal: { enabled: false } }));
    expect(failures(await handler(batch(enableRecord('400', id))))).toEqual([]);
    expect(fakes.cognito.users.size).toBe(0);
    expect(fakes.ses.attempts).toHaveLength(0);
    expect(fakes.table.get(id, 'ACCESS')).toBeUndefined();
  });

  it('re-enabling someone who never signed in, replayed: one fresh invitation, and the login enabled', async () => {
    fakes.table.put(personItem(id));
    fakes.table.put(
      pendingAccess(id, 'enablement-2', {
        invitation: {
          enablementId: 'enablement-1',
          state: 'sent',
          claimedAt: '2026-02-01T00:00:00.000Z',
          messageId: 'old',
        },
      }),
    );
    fakes.cognito.seed({ username: id, enabled: false, attributes: { email: emailOf(id), email_verified: 'true' } });
    const p = provisioner();
    const first = await p.reconcilePerson(id);
    expect(first.actions).toEqual(['enableLogin', 'resetTemporaryPassword', 'sendInvitation']);
    for (let run = 0; run < 4; run++) expect((await p.reconcilePerson(id)).actions).toEqual([]);
    expect(fakes.ses.invitations(id)).toHaveLength(1);
    expect(fakes.cognito.users.get(id)).toMatchObject({ enabled: true });
    expect(temporaryPasswordIn(fakes.ses.invitations(id)[0]!)).toBe(fakes.cognito.users.get(id)!.password);
  });

  // Overlapping runs must agree on one fresh enablement, or each would claim its own and send its own invitation.
  it('re-enabling: two overlapping runs (controller + staff reconcile) send one invitation', async () => {
    fakes.table.put(personItem(id));
    fakes.table.put(
      pendingAccess(id, 'enablement-2', {
        invitation: {
          enablementId: 'enablement-1',
          state: 'sent',
          claimedAt: '2026-02-01T00:00:00.000Z',
          messageId: 'old',
        },
      }),
    );
    fakes.cognito.seed({ username: id, enabled: false, attributes: { email: emailOf(id), email_verified: 'true' } });
    const p = provisioner();
    await Promise.allSettled([p.reconcilePerson(id, 'controller'), p.reconcilePerson(id, 'staff:someone')]);
    expect(fakes.cognito.calls('AdminSetUserPassword', 'ok')).toHaveLength(1);
    expect(fakes.ses.invitations(id)).toHaveLength(1);
  });
});

/* ================================================================== 2 */

describe('2. Cognito throttling on AdminCreateUser', () => {
  const a = contactId(0xa);
  const b = contactId(0xb);

  it("fails only that person's first sequence number; the others in the batch go through", async () => {
    enablePerson(a);
    enablePerson(b);
    fakes.cognito.faults.add({ op: 'AdminCreateUser', match: forUser(a), error: throttledCognito });
    const response = await handler(
      batch(enableRecord('500', a), enableRecord('501', b), titleRecord('502', b), titleRecord('503', a)),
    );
    expect(failures(response)).toEqual(['500']);
    expectConverged(b);
    expect(fakes.cognito.users.has(a)).toBe(false);
    expect(fakes.ses.invitations(a)).toHaveLength(0);
    expect(access(a)).toMatchObject({ failures: 1, lastError: 'TooManyRequestsException: Rate exceeded' });
  });

  it('counts failures up to maxFailures (then `failed` with lastError); a later success invites once and clears them', async () => {
    enablePerson(a);
    const p = provisioner(); // maxFailures: 3
    fakes.cognito.faults.add({ op: 'AdminCreateUser', times: 4, error: throttledCognito });
    const seen: { failures: unknown; status: unknown }[] = [];
    for (let attempt = 0; attempt < 4; attempt++) {
      const error = await rejectionOf(p.reconcilePerson(a));
      expect(error).toBeInstanceOf(CognitoThrottled);
      await p.recordFailure(a, error);
      seen.push({ failures: access(a).failures, status: access(a).status });
      // Lambda's next retry comes after the invitation lease (see the quick-retry test below).
      clock.advance(LEASE + 1_000);
    }
    expect(seen).toEqual([
      { failures: 1, status: 'pending' },
      { failures: 2, status: 'pending' },
      { failures: 3, status: 'failed' },
      { failures: 4, status: 'failed' },
    ]);
    expect(access(a).lastError).toBe('TooManyRequestsException: Rate exceeded');
    expect(history(a).filter((entry) => entry.event === 'statusChanged')).toEqual([
      expect.objectContaining({
        detail: { from: 'pending', to: 'failed', error: 'TooManyRequestsException: Rate exceeded' },
      }),
    ]);
    expect(fakes.ses.attempts).toHaveLength(0);

    const outcome = await p.reconcilePerson(a);
    expect(outcome).toMatchObject({ status: 'invited', actions: ['createLogin', 'sendInvitation'] });
    expect(fakes.cognito.calls('AdminCreateUser')).toHaveLength(5);
    expectConverged(a);
    // The history names the way out of `failed`.
    expect(history(a).some((entry) => (entry.detail as { from?: string } | undefined)?.from === 'failed')).toBe(true);
  });

  it('a failure before anything was mailed releases the claim: the retry goes ahead at once and lastError keeps the cause', async () => {
    enablePerson(a);
    const p = provisioner();
    fakes.cognito.faults.add({ op: 'AdminCreateUser', times: 1, error: throttledCognito });
    await p.recordFailure(a, await rejectionOf(p.reconcilePerson(a)));
    expect(access(a).invitation).toBeUndefined();
    expect(access(a).lastError).toBe('TooManyRequestsException: Rate exceeded');
    clock.advance(1_000);
    const outcome = await p.reconcilePerson(a);
    expect(outcome.actions).toEqual(['createLogin', 'sendInvitation']);
    expect(clock.sleeps).toEqual([]);
    expect(fakes.cognito.calls('AdminCreateUser')).toHaveLength(2);
    expectConverged(a);
  });

  it('InvitationInProgress names itself', () => {
    expect(new InvitationInProgress('x').name).toBe('InvitationInProgress');
  });

  it("the controller does not count another worker's send in progress as a failure of the person", async () => {
    enablePerson(a);
    // A claim held by another worker, fresh: the controller reports the record for retry and records nothing.
    const p = provisioner();
    await p.reconcilePerson(a);
    fakes.table.put({
      ...access(a),
      enablementId: 'enablement-2',
      // The handler's provisioner runs on the real clock: a claim made just now is fresh to it.
      invitation: { enablementId: 'enablement-2', state: 'sending', claimedAt: new Date().toISOString() },
    });
    expect(failures(await handler(batch(enableRecord('520', a))))).toEqual(['520']);
    expect(access(a).failures ?? 0).toBe(0);
    expect(access(a).lastError).toBeUndefined();
  });

  it('a failure to record the failure still fails the batch item', async () => {
    enablePerson(a);
    fakes.cognito.faults.add({ op: 'AdminCreateUser', error: throttledCognito });
    fakes.table.faults.add({
      op: 'UpdateItem',
      match: (input: { UpdateExpression?: string }) => input.UpdateExpression?.startsWith('ADD failures') === true,
      error: () => new ProvisionedThroughputExceededException({ message: 'throttled', $metadata: {} }),
    });
    expect(failures(await handler(batch(enableRecord('510', a))))).toEqual(['510']);
    expect(access(a).failures).toBe(0);
  });
});

/* ================================================================== 3 */

describe('3. SES rejects the SendEmail', () => {
  const id = contactId(3);
  const sesThrottled = () => new SesThrottled({ message: 'Maximum sending rate exceeded.', $metadata: {} });

  async function firstAttemptFails() {
    enablePerson(id);
    fakes.ses.faults.add({ op: 'SendEmail', times: 1, error: sesThrottled });
    const p = provisioner();
    const error = await rejectionOf(p.reconcilePerson(id));
    expect(error).toBeInstanceOf(SesThrottled);
    await p.recordFailure(id, error);
    // The login exists, SES accepted nothing, and the claim was given up so a retry need not wait.
    expect(fakes.cognito.users.has(id)).toBe(true);
    expect(fakes.ses.sent).toHaveLength(0);
    expect(access(id).invitation).toBeUndefined();
    return p;
  }

  it('a retry right after the rejection goes ahead at once: the claim was released, nothing had been mailed', async () => {
    const p = await firstAttemptFails();
    clock.advance(1_000);
    const outcome = await p.reconcilePerson(id);
    expect(outcome.actions).toEqual(['resetTemporaryPassword', 'sendInvitation']);
    expect(clock.sleeps).toEqual([]);
    expect(fakes.ses.attempts).toHaveLength(2);
    expect(fakes.ses.sent).toHaveLength(1);
    expectConverged(id);
  });

  it('a claim left by a worker that crashed mid-send is waited out when its lease is nearly over, then taken over', async () => {
    enablePerson(id);
    const p = provisioner();
    await p.reconcilePerson(id);
    // Simulate a crash after the claim: another enablement claimed 27 s ago and never finished.
    fakes.table.put({
      ...access(id),
      enablementId: 'enablement-crashed',
      invitation: { enablementId: 'enablement-crashed', state: 'sending', claimedAt: clock.now().toISOString() },
    });
    clock.advance(LEASE - 3_000);
    const outcome = await p.reconcilePerson(id);
    expect(outcome.actions).toEqual(['resetTemporaryPassword', 'sendInvitation']);
    expect(clock.sleeps.reduce((sum, ms) => sum + ms, 0)).toBeGreaterThanOrEqual(3_000);
    expect(Math.max(...clock.sleeps)).toBeLessThanOrEqual(1_000);
    expect(fakes.ses.sent).toHaveLength(2);
  });

  it('the retry uses AdminSetUserPassword (the login exists now) and the first, never-mailed password is gone', async () => {
    const p = await firstAttemptFails();
    await p.reconcilePerson(id);
    expect(fakes.cognito.calls('AdminCreateUser')).toHaveLength(1);
    expect(fakes.cognito.calls('AdminSetUserPassword', 'ok')).toHaveLength(1);
    expect(fakes.ses.attempts).toHaveLength(2);
    const { user } = expectConverged(id);
    expect(user.password).toBe('Temporary-password-2');
  });

  it('a permanent rejection (MessageRejected) is retried the same way and is not lost', async () => {
    enablePerson(id);
    fakes.ses.faults.add({
      op: 'SendEmail',
      times: 3,
      error: () => new MessageRejected({ message: 'Email address is not verified.', $metadata: {} }),
    });
    const p = provisioner();
    for (let attempt = 0; attempt < 3; attempt++) {
      await p.recordFailure(id, await rejectionOf(p.reconcilePerson(id)));
      clock.advance(LEASE + 1);
    }
    expect(access(id)).toMatchObject({
      status: 'failed',
      failures: 3,
      lastError: 'MessageRejected: Email address is not verified.',
    });
    await p.reconcilePerson(id);
    expectConverged(id);
    expect(fakes.ses.attempts).toHaveLength(4);
  });
});

/* ================================================================== 4 */

describe('4. a crash after SES accepted, before the claim was marked sent', () => {
  const id = contactId(4);

  it('the retry after the lease sends again: at least one and at most two invitations, never zero', async () => {
    enablePerson(id);
    // SES accepts; the write recording it (invitation: sent, with history) is lost: throttled, or the
    // Lambda dies right there.
    fakes.table.faults.add({
      op: 'TransactWriteItems',
      times: 1,
      error: () => new ProvisionedThroughputExceededException({ message: 'throttled', $metadata: {} }),
    });
    const p = provisioner();
    await p.recordFailure(id, await rejectionOf(p.reconcilePerson(id)));
    expect(fakes.ses.sent).toHaveLength(1);
    expect(access(id).invitation).toMatchObject({ state: 'sending' });

    // Within the lease: nothing more.
    clock.advance(10_000);
    expect(await rejectionOf(p.reconcilePerson(id))).toBeInstanceOf(InvitationInProgress);
    expect(fakes.ses.sent).toHaveLength(1);

    // After the lease the retry cannot know SES took the first one. The accepted duplicate: a second
    // invitation (with a new temporary password; the first email's one no longer works) rather than risk none.
    clock.advance(LEASE);
    await p.reconcilePerson(id);
    const { invitations } = expectConverged(id, 2);
    expect(temporaryPasswordIn(invitations[0]!)).not.toBe(temporaryPasswordIn(invitations[1]!));
    expect(fakes.cognito.calls('AdminCreateUser')).toHaveLength(1);

    // And from then on, replays send nothing.
    clock.advance(LEASE * 3);
    await p.reconcilePerson(id);
    expect(fakes.ses.sent.length).toBeGreaterThanOrEqual(1);
    expect(fakes.ses.sent.length).toBeLessThanOrEqual(2);
  });
});

/* ================================================================== 5 */

describe('5. a crash between AdminCreateUser and the email', () => {
  const id = contactId(5);

  it('the user was created but the answer lost: the retry resets the password instead of creating again', async () => {
    enablePerson(id);
    fakes.cognito.faults.add({
      op: 'AdminCreateUser',
      when: 'after',
      times: 1,
      error: () => Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }),
    });
    const p = provisioner();
    await p.recordFailure(id, await rejectionOf(p.reconcilePerson(id)));
    expect(fakes.cognito.users.has(id)).toBe(true);
    expect(fakes.ses.attempts).toHaveLength(0);

    clock.advance(LEASE + 1);
    const outcome = await p.reconcilePerson(id);
    expect(outcome.actions).toEqual(['resetTemporaryPassword', 'sendInvitation']);
    expect(fakes.cognito.calls('AdminCreateUser')).toHaveLength(1);
    expect(fakes.cognito.calls('AdminSetUserPassword', 'ok')).toHaveLength(1);
    expectConverged(id);
  });

  it('a stale read that misses the new user: AdminCreateUser says UsernameExists, the retry sets the password', async () => {
    enablePerson(id);
    fakes.ses.faults.add({
      op: 'SendEmail',
      times: 1,
      error: () => Object.assign(new Error('Task timed out after 60.00 seconds'), { name: 'Crash' }),
    });
    const p = provisioner();
    await p.recordFailure(id, await rejectionOf(p.reconcilePerson(id)));
    fakes.cognito.faults.add({
      op: 'AdminGetUser',
      times: 1,
      error: () => new UserNotFoundException({ message: 'User does not exist.', $metadata: {} }),
    });
    clock.advance(LEASE + 1);
    await p.reconcilePerson(id);
    expect(fakes.cognito.calls('AdminCreateUser').map((call) => call.outcome)).toEqual(['ok', 'error']);
    expect(fakes.cognito.calls('AdminSetUserPassword', 'ok')).toHaveLength(1);
    expectConverged(id);
  });
});

/* ================================================================== 6 */

describe('6. a partial batch', () => {
  it("names exactly the failing people's first sequence numbers, in numeric order; the rest is done once", async () => {
    fakeDateOnly();
    const [a, b, c] = [contactId(0xa1), contactId(0xb1), contactId(0xc1)];
    for (const id of [a, b, c]) enablePerson(id);
    fakes.cognito.faults.add({ op: 'AdminCreateUser', match: forUser(a), error: throttledCognito });
    fakes.ses.faults.add({
      op: 'SendEmail',
      match: toAddress(emailOf(c)),
      error: () => new SesThrottled({ message: 'Maximum sending rate exceeded.', $metadata: {} }),
    });
    // Sequence numbers beyond 2^53 and of different lengths: a string sort would put A before C.
    const records = [
      titleRecord('99999999999999999998', c, { portal: { enabled: false } }), // C not yet enabled: ignored
      enableRecord('99999999999999999999', c),
      enableRecord('100000000000000000000', b),
      enableRecord('100000000000000000001', a),
      titleRecord('100000000000000000002', a),
      titleRecord('100000000000000000003', b),
      disableRecord('100000000000000000004', c),
    ];
    const first = await handler(batch(...records));
    expect(failures(first)).toEqual(['99999999999999999999', '100000000000000000001']);
    expectConverged(b);
    expect(fakes.ses.invitations(a)).toHaveLength(0);
    expect(fakes.ses.invitations(c)).toHaveLength(0);

    // Lambda retries from the lowest failure, at once: A and C are still "in progress", B is not redone.
    const retried = records.slice(1);
    expect(failures(await handler(batch(...retried)))).toEqual(['99999999999999999999', '100000000000000000001']);

    // The faults clear; after the lease the retry finishes A and C.
    fakes.cognito.faults.clear();
    fakes.ses.faults.clear();
    jest.setSystemTime(Date.now() + LEASE + 1_000);
    expect(failures(await handler(batch(...retried)))).toEqual([]);
    for (const id of [a, b, c]) expectConverged(id);
    expect(fakes.ses.invitations(b)).toHaveLength(1);
    expect(fakes.ses.sent).toHaveLength(3);
  });

  it("a partner organization's status change reaches its contacts; a listing failure names the organization's record", async () => {
    fakeDateOnly();
    const org = partnerOrgId(1);
    const contacts = [partnerContactId(1), partnerContactId(2)];
    const orgItem = (partnerStatus: string) => ({
      pk: org,
      sk: 'RECORD',
      id: org,
      module: 'partner-organizations',
      name: 'Partner Ltd',
      partnerStatus,
      version: 1,
    });
    fakes.table.put(orgItem('Active'));
    for (const id of contacts) enablePerson(id, { organizationId: org });
    expect(
      failures(await handler(batch(...contacts.map((id, i) => enableRecord(`70${i}`, id, { organizationId: org }))))),
    ).toEqual([]);
    for (const id of contacts) expectConverged(id);

    // Deactivated: both logins disabled and signed out everywhere, with the reason.
    fakes.table.put(orgItem('Inactive'));
    expect(failures(await handler(batch(streamRecord('710', orgItem('Active'), orgItem('Inactive')))))).toEqual([]);
    for (const id of contacts) {
      expect(fakes.cognito.users.get(id)).toMatchObject({ enabled: false, signOuts: 1 });
      expect(access(id)).toMatchObject({ status: 'suspended', reason: 'organizationInactive' });
    }

    // Re-activated, but the listing is throttled: the organization's record is what Lambda retries.
    fakes.table.put(orgItem('Active'));
    fakes.table.faults.add({
      op: 'Query',
      times: 1,
      error: () => new ProvisionedThroughputExceededException({ message: 'throttled', $metadata: {} }),
    });
    const reactivation = batch(streamRecord('720', orgItem('Inactive'), orgItem('Active')));
    expect(failures(await handler(reactivation))).toEqual(['720']);
    expect(failures(await handler(reactivation))).toEqual([]);
    for (const id of contacts) {
      // Never signed in: a fresh enablement, hence exactly one fresh invitation each.
      expect(fakes.cognito.users.get(id)).toMatchObject({ enabled: true });
      expect(fakes.ses.invitations(id)).toHaveLength(2);
      expect(access(id)).toMatchObject({ status: 'invited', failures: 0 });
      expect(access(id)).not.toHaveProperty('reason');
    }
  });
});

/* ================================================================== 7 */

describe('7. planStreamWork', () => {
  const id = contactId(7);
  const lead = personIdOf('lead', 7);
  const org = partnerOrgId(7);
  const enabled = personItem(id);
  const disabled = personItem(id, { portal: { enabled: false } });
  const neverEnabled = (() => {
    const { portal: _portal, ...rest } = personItem(id);
    return rest;
  })();

  const plan = (...records: DynamoDBRecord[]) => {
    const work = planStreamWork(records);
    return {
      people: Object.fromEntries(work.people),
      organizations: Object.fromEntries(work.organizations),
      ignored: work.ignored,
    };
  };

  it('ignores access state, history and uniqueness-claim items', () => {
    const accessItem = pendingAccess(id);
    const historyEntry = { pk: id, sk: 'HISTORY#2026-03-01T09:00:00.000Z#abcd1234', event: 'portalEnabled' };
    const claim = { pk: 'UNIQUE#email#ada@example.com', sk: 'UNIQUE', kind: 'email', holderId: id };
    expect(
      plan(
        streamRecord('1', undefined, accessItem),
        streamRecord('2', accessItem, { ...accessItem, status: 'invited', invitation: { state: 'sent' } }),
        streamRecord('3', undefined, historyEntry),
        streamRecord('4', undefined, claim),
        streamRecord('5', claim, undefined),
      ),
    ).toEqual({ people: {}, organizations: {}, ignored: 5 });
  });

  it('ignores people never enabled, whatever changes, and unrelated fields of enabled people', () => {
    expect(
      plan(
        streamRecord('1', undefined, neverEnabled),
        streamRecord('2', neverEnabled, { ...neverEnabled, email: 'new@example.com' }),
        streamRecord('3', disabled, { ...disabled, email: 'new@example.com', organizationId: 'org_x' }),
        streamRecord('4', neverEnabled, undefined),
        streamRecord('5', enabled, { ...enabled, title: 'Dr', phone: '+441234567890', version: 2 }),
        streamRecord('6', enabled, { ...enabled, portal: { enabled: true, components: ['tickets'] } }),
      ),
    ).toEqual({ people: {}, organizations: {}, ignored: 6 });
  });

  it.each([
    ['an insert with the portal enabled', undefined, enabled],
    ['enabling', disabled, enabled],
    ['enabling a person without portal settings', neverEnabled, enabled],
    ['disabling', enabled, disabled],
    ['removing the portal settings', enabled, neverEnabled],
    ['an email change', enabled, { ...enabled, email: 'new@example.com' }],
    ['an email removed', enabled, { ...enabled, email: undefined }],
    ['a username set', enabled, { ...enabled, portal: { enabled: true, username: 'ada.l' } }],
    ['an organizationId change', enabled, { ...enabled, organizationId: 'org_other' }],
    ['a support window start set', enabled, { ...enabled, portal: { enabled: true, supportStartDate: '2026-04-01' } }],
    ['a support window end set', enabled, { ...enabled, portal: { enabled: true, supportEndDate: '2026-02-28' } }],
    [
      'a support window end moved',
      { ...enabled, portal: { enabled: true, supportEndDate: '2026-02-28' } },
      { ...enabled, portal: { enabled: true, supportEndDate: '2026-12-31' } },
    ],
    ['a delete of an enabled person', enabled, undefined],
    ['a delete of a disabled person (a disabled login may exist)', disabled, undefined],
  ] as const)('picks up %s', (_what, before, after) => {
    expect(plan(streamRecord('42', before as Item | undefined, after as Item | undefined))).toEqual({
      people: { [id]: '42' },
      organizations: {},
      ignored: 0,
    });
  });

  it('handles leads and partner contacts the same way', () => {
    const leadItem = personItem(lead);
    const partner = personItem(partnerContactId(7), { organizationId: org });
    expect(
      plan(
        streamRecord('1', { ...leadItem, portal: { enabled: false } }, leadItem),
        streamRecord('2', partner, { ...partner, organizationId: partnerOrgId(8) }),
      ).people,
    ).toEqual({ [lead]: '1', [partnerContactId(7)]: '2' });
  });

  it("picks up a partner organization's partnerStatus change, and nothing else of organizations", () => {
    const partnerOrg = {
      pk: org,
      sk: 'RECORD',
      id: org,
      module: 'partner-organizations',
      name: 'P',
      partnerStatus: 'Active',
    };
    const plainOrg = { pk: 'org_1', sk: 'RECORD', id: 'org_1', module: 'organizations', name: 'O' };
    const ticket = { pk: 'tkt_1', sk: 'RECORD', id: 'tkt_1', module: 'tickets', title: 'Help', contactId: id };
    expect(
      plan(
        streamRecord('1', partnerOrg, { ...partnerOrg, name: 'Renamed' }),
        streamRecord('2', partnerOrg, { ...partnerOrg, partnerStatus: 'Inactive' }),
        streamRecord('3', { ...partnerOrg, partnerStatus: 'Inactive' }, partnerOrg),
        streamRecord('4', undefined, partnerOrg),
        streamRecord('5', plainOrg, { ...plainOrg, name: 'X' }),
        streamRecord('6', undefined, ticket),
      ),
    ).toEqual({ people: {}, organizations: { [org]: '2' }, ignored: 4 });
  });

  it('keeps the FIRST relevant sequence number per person', () => {
    const other = contactId(8);
    expect(
      plan(
        streamRecord('10', enabled, { ...enabled, title: 'Dr' }), // irrelevant
        streamRecord('11', enabled, { ...enabled, email: 'a@example.com' }),
        streamRecord('12', personItem(other, { portal: { enabled: false } }), personItem(other)),
        streamRecord('13', enabled, disabled),
        streamRecord('14', disabled, enabled),
        streamRecord('15', personItem(other), undefined),
      ).people,
    ).toEqual({ [id]: '11', [other]: '12' });
  });

  it('counts records without keys or a sequence number as ignored', () => {
    const record = streamRecord('1', disabled, enabled);
    const { SequenceNumber: _sequence, ...withoutSequence } = record.dynamodb!;
    expect(plan({ ...record, dynamodb: withoutSequence }, { ...record, dynamodb: undefined })).toEqual({
      people: {},
      organizations: {},
      ignored: 2,
    });
  });
});

/* ================================================================== 8 */

describe('8. the invitation email', () => {
  it('escapeHtml escapes the five characters, and & first', () => {
    expect(escapeHtml(`<>&"'`)).toBe('&lt;&gt;&amp;&quot;&#39;');
    expect(escapeHtml('&lt;')).toBe('&amp;lt;');
    expect(escapeHtml('plain text, é ü')).toBe('plain text, é ü');
  });

  const content = {
    name: '<script>alert("name")</script>',
    signInUrl: 'https://portal.example.com/sign-in?x="><script>alert(1)</script>',
    email: 'ada@example.com',
    username: "<script>alert('user')</script>",
    temporaryPassword: 'Tmp<&>"pass\'1',
    passwordExpiresAt: new Date('2026-03-08T09:00:59.000Z'),
  };

  it('the HTML never carries an unescaped tag from a name, username, URL or password', () => {
    const { html, subject } = invitationEmail(content);
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt;');
    expect(html).toContain('&lt;script&gt;alert(&#39;user&#39;)&lt;/script&gt;');
    expect(html).toContain('href="https://portal.example.com/sign-in?x=&quot;&gt;&lt;script&gt;');
    expect(html).toContain('<code>Tmp&lt;&amp;&gt;&quot;pass&#39;1</code>');
    expect(subject).toBe('Your portal access');
  });

  it('the text part carries the password, the sign-in URL, the names to sign in with and the expiry', () => {
    const { text } = invitationEmail({ ...content, name: 'Ada', username: 'ada.l' });
    expect(text).toContain(`Temporary password: ${content.temporaryPassword}`);
    expect(text).toContain(`Sign in at ${content.signInUrl}`);
    expect(text).toContain('Sign-in name: ada@example.com or ada.l');
    expect(text).toContain('works until 2026-03-08 09:00 UTC');
    expect(text).not.toMatch(/Your access (runs|starts)/);
  });

  it.each([
    [
      { supportStartDate: '2026-04-01', supportEndDate: '2026-12-31' },
      'Your access runs from 2026-04-01 to 2026-12-31.',
    ],
    [{ supportStartDate: '2026-04-01' }, 'Your access starts on 2026-04-01.'],
    [{ supportEndDate: '2026-12-31' }, 'Your access runs until 2026-12-31.'],
  ])('the support window %j is in both parts', (window, sentence) => {
    const { text, html } = invitationEmail({ ...content, ...window });
    expect(text).toContain(sentence);
    expect(html).toContain(sentence);
  });

  it('end to end: the invitation the controller sends escapes a hostile name and carries the live password', async () => {
    const id = contactId(8);
    enablePerson(id, {
      firstName: '<script>',
      lastName: '<img src=x onerror=alert(1)>',
      portal: { enabled: true, username: 'ada.l', supportEndDate: '2026-12-31' },
    });
    await provisioner().reconcilePerson(id);
    const [email] = fakes.ses.invitations(id);
    expect(email!.html).not.toMatch(/<script|<img/i);
    expect(email!.text).toContain(`Temporary password: ${fakes.cognito.users.get(id)!.password}`);
    expect(email!.text).toContain('works until 2026-03-08 09:00 UTC'); // 7 days from the fake clock
    expect(email!.text).toContain('Your access runs until 2026-12-31.');
    expect(email!.text).toContain(`Sign-in name: ${emailOf(id)} or ada.l`);
    expect(fakes.cognito.users.get(id)!.attributes).toMatchObject({
      preferred_username: 'ada.l',
      email_verified: 'true',
    });
  });
});

/* ================================================================== 9 */

describe('9. createTokenBucket', () => {
  it('100 takes at 40/s: a burst of 10 at once, then one every 25 ms, never more than 50 in a second (fake clock)', async () => {
    jest.useFakeTimers({ now: 0 });
    const bucket = createTokenBucket(40, undefined, () => Date.now());
    const done: number[] = [];
    const all = Promise.all(Array.from({ length: 100 }, () => bucket.take().then(() => done.push(Date.now()))));
    await jest.advanceTimersByTimeAsync(10_000);
    await all;
    expect(done).toHaveLength(100);
    // The default burst is a quarter of the rate: 10 at t=0, then one every 25 ms.
    expect(done.slice(0, 10).every((t) => t === 0)).toBe(true);
    expect(done[10]!).toBeGreaterThan(0);
    for (let i = 10; i < 100; i++) expect(done[i]!).toBeGreaterThanOrEqual((i - 9) * 25 - 1);
    // Under Cognito's default quota of 50 a second in any one-second window.
    for (const start of done)
      expect(done.filter((t) => t >= start && t < start + 1_000).length).toBeLessThanOrEqual(50);
  });

  it('a smaller burst paces from the start', async () => {
    jest.useFakeTimers({ now: 0 });
    const bucket = createTokenBucket(10, 1, () => Date.now());
    const done: number[] = [];
    const all = Promise.all(Array.from({ length: 5 }, () => bucket.take().then(() => done.push(Date.now()))));
    await jest.advanceTimersByTimeAsync(1_000);
    await all;
    expect(done).toEqual([0, 100, 200, 300, 400]);
  });

  it('Infinity lifts the limit; zero or a negative rate is refused', async () => {
    const unlimited = createTokenBucket(Infinity);
    await Promise.all(Array.from({ length: 1_000 }, () => unlimited.take()));
    expect(() => createTokenBucket(0)).toThrow(RangeError);
    expect(() => createTokenBucket(-5)).toThrow(RangeError);
  });
});

/* ================================================================== 10 */

describe('10. applyEmailFeedback', () => {
  const id = contactId(10);
  const deps = () => ({ dynamo: new DynamoDBClient({ region: 'eu-west-1' }), tableName: TABLE, now: clock.now });
  const event = (fields: Partial<SesEvent> & { messageId?: string; purpose?: string } = {}): SesEvent => ({
    eventType: 'Bounce',
    bounce: { bounceType: 'Permanent', bouncedRecipients: [{ emailAddress: emailOf(id) }] },
    ...fields,
    mail: {
      messageId: fields.messageId ?? 'msg-2',
      tags: { personId: [id], purpose: [fields.purpose ?? 'invitation'] },
    },
  });

  beforeEach(() => {
    fakes.table.put(personItem(id));
    fakes.table.put(
      pendingAccess(id, 'enablement-2', {
        status: 'invited',
        invitation: {
          enablementId: 'enablement-2',
          state: 'sent',
          claimedAt: '2026-03-01T08:00:00.000Z',
          messageId: 'msg-2',
        },
      }),
    );
  });

  it('a permanent bounce of the latest invitation marks the person failed with emailBounced', async () => {
    expect(await applyEmailFeedback(deps(), event())).toBe('marked');
    expect(access(id)).toMatchObject({
      status: 'failed',
      reason: 'emailBounced',
      lastError: 'The invitation bounced permanently.',
      updatedAt: '2026-03-01T09:00:00.000Z',
    });
    expect(history(id)).toEqual([
      expect.objectContaining({ actor: 'ses', event: 'emailBounced', detail: { messageId: 'msg-2' } }),
    ]);
  });

  it('a bounce of an older invitation is stale and changes nothing', async () => {
    const before = access(id);
    expect(await applyEmailFeedback(deps(), event({ messageId: 'msg-1' }))).toBe('stale');
    expect(access(id)).toEqual(before);
    expect(history(id)).toEqual([]);
  });

  it('a transient bounce is ignored without a write', async () => {
    const transient = event({ bounce: { bounceType: 'Transient' } });
    expect(await applyEmailFeedback(deps(), transient)).toBe('ignored');
    expect(await applyEmailFeedback(deps(), event({ bounce: { bounceType: 'Undetermined' } }))).toBe('ignored');
    expect(mocks.dynamo.calls()).toHaveLength(0);
    expect(access(id).status).toBe('invited');
  });

  it('a complaint marks emailComplaint (SES event publishing or SNS notification form)', async () => {
    expect(await applyEmailFeedback(deps(), event({ eventType: 'Complaint', bounce: undefined }))).toBe('marked');
    expect(access(id)).toMatchObject({ status: 'failed', reason: 'emailComplaint' });
    fakes.table.put(pendingAccess(id, 'e', { status: 'invited', invitation: { messageId: 'msg-2', state: 'sent' } }));
    expect(await applyEmailFeedback(deps(), { ...event(), eventType: undefined, notificationType: 'Complaint' })).toBe(
      'marked',
    );
    expect(access(id)).toMatchObject({ reason: 'emailComplaint' });
  });

  it('feedback on other mail (email-change notices), or without a person or message id, is ignored', async () => {
    expect(await applyEmailFeedback(deps(), event({ purpose: 'email-change' }))).toBe('ignored');
    expect(
      await applyEmailFeedback(deps(), { ...event(), mail: { messageId: 'msg-2', tags: { purpose: ['invitation'] } } }),
    ).toBe('ignored');
    expect(
      await applyEmailFeedback(deps(), { ...event(), mail: { tags: { personId: [id], purpose: ['invitation'] } } }),
    ).toBe('ignored');
    expect(await applyEmailFeedback(deps(), { ...event(), eventType: 'Delivery' })).toBe('ignored');
    expect(mocks.dynamo.calls()).toHaveLength(0);
  });

  it('feedback for a person without an ACCESS item is stale and creates none', async () => {
    fakes.table.delete(id, 'ACCESS');
    expect(await applyEmailFeedback(deps(), event())).toBe('stale');
    expect(fakes.table.get(id, 'ACCESS')).toBeUndefined();
  });

  it('end to end: the bounce of the invitation the controller sent (its SES message id) is marked', async () => {
    const other = contactId(11);
    enablePerson(other);
    await provisioner().reconcilePerson(other);
    const [sent] = fakes.ses.invitations(other);
    const bounce: SesEvent = {
      eventType: 'Bounce',
      bounce: { bounceType: 'Permanent' },
      mail: {
        messageId: sent!.messageId,
        tags: Object.fromEntries(Object.entries(sent!.tags).map(([k, v]) => [k, [v]])),
      },
    };
    expect(await applyEmailFeedback(deps(), bounce)).toBe('marked');
    expect(access(other)).toMatchObject({ status: 'failed', reason: 'emailBounced' });
  });

  // A reconcile that sends nothing must not erase the bounce staff need to see.
  it('a bounce is not erased by a later reconcile that sends nothing', async () => {
    const other = contactId(12);
    enablePerson(other);
    const p = provisioner();
    await p.reconcilePerson(other);
    const [sent] = fakes.ses.invitations(other);
    await applyEmailFeedback(deps(), {
      eventType: 'Bounce',
      bounce: { bounceType: 'Permanent' },
      mail: { messageId: sent!.messageId, tags: { personId: [other], purpose: ['invitation'] } },
    });
    clock.advance(60_000);
    await p.reconcilePerson(other); // e.g. the same stream record replayed
    expect(fakes.ses.invitations(other)).toHaveLength(1);
    expect(access(other)).toMatchObject({ status: 'failed', reason: 'emailBounced' });
  });
});

/* ================================================================== 11 */

describe('11. staff resend and drift', () => {
  const id = contactId(13);
  const contacts = findModule('contacts')!;
  const admin = () =>
    createAccessAdmin({
      dynamo: new DynamoDBClient({ region: 'eu-west-1' }),
      tableName: TABLE,
      provisioner: provisioner(),
      timeZone: 'UTC',
      now: clock.now,
    });

  it('resend: a new enablement and exactly one more invitation; 429 within a minute; 409 once signed in', async () => {
    enablePerson(id);
    await provisioner().reconcilePerson(id);
    clock.advance(5_000);
    const outcome = await admin().resendInvitation(contacts, id, 'staff-1');
    expect(outcome.actions).toEqual(['resetTemporaryPassword', 'sendInvitation']);
    const { invitations, state } = expectConverged(id, 2);
    expect(state.enablementId).not.toBe('enablement-1');

    clock.advance(30_000);
    const tooSoon = await rejectionOf(admin().resendInvitation(contacts, id, 'staff-1'));
    expect(tooSoon).toBeInstanceOf(TooManyRequests);
    expect((tooSoon as TooManyRequests).headers['retry-after']).toBe('30');
    expect(fakes.ses.sent).toHaveLength(2);

    // The person signs in (Cognito confirms them): the next reconcile shows active; a resend is a conflict.
    fakes.cognito.users.get(id)!.status = 'CONFIRMED';
    expect((await provisioner().reconcilePerson(id)).status).toBe('active');
    clock.advance(60_000);
    const conflict = await rejectionOf(admin().resendInvitation(contacts, id, 'staff-1'));
    expect(conflict).toBeInstanceOf(Conflict);
    expect(conflict.message).toContain('this person is active');
    expect(fakes.ses.sent).toHaveLength(2);
    expect(invitations).toHaveLength(2);
  });

  it('two staff resends at once: one goes through, the other is 429; one more invitation in all', async () => {
    enablePerson(id);
    await provisioner().reconcilePerson(id);
    clock.advance(120_000);
    const results = await Promise.allSettled([
      admin().resendInvitation(contacts, id, 'staff-1'),
      admin().resendInvitation(contacts, id, 'staff-2'),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
    expect(rejected.reason).toBeInstanceOf(TooManyRequests);
    expectConverged(id, 2);
  });

  it('a login deleted out of band is recreated by reconcile, with one fresh invitation', async () => {
    enablePerson(id);
    await provisioner().reconcilePerson(id);
    fakes.cognito.users.delete(id);
    clock.advance(60_000);
    const p = provisioner();
    expect((await p.reconcilePerson(id)).actions).toEqual(['createLogin', 'sendInvitation']);
    expect((await p.reconcilePerson(id)).actions).toEqual([]);
    expect(fakes.cognito.created).toEqual([id, id]);
    expect(fakes.ses.invitations(id)).toHaveLength(2);
    expect(temporaryPasswordIn(fakes.ses.invitations(id)[1]!)).toBe(fakes.cognito.users.get(id)!.password);
    expect(access(id)).toMatchObject({ status: 'invited', invitation: { state: 'sent' } });
  });

  // As for a re-enable: overlapping runs agree on one fresh enablement, so one new invitation goes out.
  it('a lost login seen by two overlapping runs is recreated with one invitation', async () => {
    enablePerson(id);
    await provisioner().reconcilePerson(id);
    fakes.cognito.users.delete(id);
    clock.advance(60_000);
    const p = provisioner();
    await Promise.allSettled([p.reconcilePerson(id), p.reconcilePerson(id, 'staff:someone')]);
    expect(fakes.ses.invitations(id)).toHaveLength(2);
  });
});
