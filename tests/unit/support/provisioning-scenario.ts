import {
  CognitoIdentityProviderClient,
  TooManyRequestsException as CognitoThrottled,
} from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client, type SendEmailCommandInput } from '@aws-sdk/client-sesv2';
import { marshall } from '@aws-sdk/util-dynamodb';
import type {
  AttributeValue as StreamAttributeValue,
  DynamoDBBatchResponse,
  DynamoDBRecord,
  DynamoDBStreamEvent,
} from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { createProvisioner, type ProvisioningDependencies } from '../../../shared/access/provisioning';
import { logger } from '../../../shared/observability/logger';
import { FakeClock, installFakes, temporaryPasswordIn, type Fakes, type Mocks } from './cognito-ses-fakes';
import { startLocalTable, type LocalTable } from './local-table';

/**
 * Faults the emulators cannot produce: Cognito and SES throttling and rejections, a crash between two steps
 * (a write lost after SES accepted the mail, a create whose answer never came back), replayed, duplicated and
 * out-of-order stream batches. Every scenario ends with one Cognito user and one invitation per enablement
 * (the single accepted exception, a crash after SES accepted, says so), and nothing lost.
 */

export const POOL = 'eu-west-1_portal';
export const TABLE = 'portico';
export const LEASE = 30_000;
export const SIGN_IN_URL = 'https://portal.example.com/sign-in';

export const mocks: Mocks = {
  dynamo: mockClient(DynamoDBClient),
  cognito: mockClient(CognitoIdentityProviderClient),
  ses: mockClient(SESv2Client),
};

export let fakes: Fakes;
export let clock: FakeClock;
export let passwords = 0;

/* ------------------------------------------------------------------ fixtures */

export const personIdOf = (prefix: string, n: number) =>
  `${prefix}_${n.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`;
export const contactId = (n: number) => personIdOf('con', n);
export const partnerContactId = (n: number) => personIdOf('pcon', n);
export const partnerOrgId = (n: number) => personIdOf('porg', n);
export const moduleOf = (id: string) =>
  ({ con: 'contacts', pcon: 'partner-contacts', lead: 'leads', porg: 'partner-organizations', org: 'organizations' })[
    id.slice(0, id.indexOf('_'))
  ]!;
export const emailOf = (id: string) => `${id.slice(0, id.indexOf('-'))}@example.com`.replace('_', '.');

export type Item = Record<string, unknown>;

/** A person's RECORD item as the record service stores it. */
export function personItem(id: string, fields: Item = {}): Item {
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
export function pendingAccess(id: string, enablementId = 'enablement-1', fields: Item = {}): Item {
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
export async function enablePerson(id: string, fields: Item = {}) {
  await fakes.table.put(personItem(id, fields));
  await fakes.table.put(pendingAccess(id));
}

export const access = async (id: string): Promise<Item> => (await fakes.table.get(id, 'ACCESS')) ?? {};
export const history = (id: string) => fakes.table.partition(id, 'HISTORY#');

export function provisioner(overrides: Partial<ProvisioningDependencies> = {}) {
  return createProvisioner({
    dynamo: new DynamoDBClient({ region: 'eu-west-1' }),
    tableName: TABLE,
    timeZone: 'UTC',
    cognito: new CognitoIdentityProviderClient({ region: 'eu-west-1' }),
    userPoolId: POOL,
    ses: new SESv2Client({ region: 'eu-west-1' }),
    senderEmail: 'portal@example.com',
    signInUrl: SIGN_IN_URL,
    temporaryPasswordValidityDays: 7,
    maxFailures: 3,
    invitationLeaseMs: LEASE,
    now: clock.now,
    sleep: clock.sleep,
    newPassword: () => `Temporary-password-${++passwords}`,
    ...overrides,
  });
}

export const throttledCognito = () => new CognitoThrottled({ message: 'Rate exceeded', $metadata: {} });
export const forUser = (id: string) => (input: { Username?: string }) => input.Username === id;
export const toAddress = (address: string) => (input: SendEmailCommandInput) =>
  input.Destination?.ToAddresses?.includes(address) === true;

/**
 * The invariant every scenario ends in: one Cognito user created once, `emails` accepted invitations, the
 * last of which carries the password Cognito holds, and an ACCESS item that says so with no failure left.
 */
export async function expectConverged(id: string, emails = 1) {
  expect(fakes.cognito.created.filter((username) => username === id)).toHaveLength(1);
  const user = fakes.cognito.users.get(id);
  expect(user).toMatchObject({ enabled: true, status: 'FORCE_CHANGE_PASSWORD' });
  expect(user!.attributes.email).toBe((await fakes.table.get(id, 'RECORD'))!.email);
  const invitations = fakes.ses.invitations(id);
  expect(invitations).toHaveLength(emails);
  const last = invitations.at(-1)!;
  expect(last.to).toEqual([user!.attributes.email]);
  expect(temporaryPasswordIn(last)).toBe(user!.password);
  const state = await access(id);
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

export const images = (item: Item | undefined) =>
  item
    ? (marshall(item, { removeUndefinedValues: true }) as unknown as Record<string, StreamAttributeValue>)
    : undefined;

export function streamRecord(sequence: string, before: Item | undefined, after: Item | undefined): DynamoDBRecord {
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
export const enableRecord = (sequence: string, id: string, fields: Item = {}) =>
  streamRecord(sequence, personItem(id, { portal: { enabled: false }, ...fields }), personItem(id, fields));
export const disableRecord = (sequence: string, id: string) =>
  streamRecord(sequence, personItem(id), personItem(id, { portal: { enabled: false } }));
export const titleRecord = (sequence: string, id: string, fields: Item = {}) =>
  streamRecord(sequence, personItem(id, fields), personItem(id, { ...fields, title: 'Dr' }));

export const batch = (...records: DynamoDBRecord[]): DynamoDBStreamEvent => ({ Records: records });
export const failures = (response: DynamoDBBatchResponse) => response.batchItemFailures.map((f) => f.itemIdentifier);

/* ------------------------------------------------------------------ the controller handler */

export let handler: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;

/**
 * The handler reads the real clock: fake only Date (the fakes yield with setImmediate, the rate limiter may
 * wait with setTimeout), so a test can move past the invitation lease.
 */
export function fakeDateOnly(start = '2026-03-01T09:00:00.000Z') {
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

/** Registers the hooks every provisioning fault suite runs under: fresh fakes and clock per test, the handler. */
export function setUpProvisioningScenario() {
  let table: LocalTable;
  let stop: () => Promise<void>;
  beforeAll(async () => {
    logger.setLogLevel('SILENT');
    ({ table, stop } = await startLocalTable(TABLE));
  }, 60_000);
  beforeEach(async () => {
    await table.clear();
    fakes = installFakes(mocks, { table, userPoolId: POOL });
    clock = new FakeClock('2026-03-01T09:00:00.000Z');
    passwords = 0;
  });
  afterEach(() => jest.useRealTimers());
  afterAll(async () => {
    await stop?.();
    mocks.dynamo.restore();
    mocks.cognito.restore();
    mocks.ses.restore();
  });

  beforeAll(async () => {
    process.env.TABLE_NAME = TABLE;
    process.env.PORTAL_USER_POOL_ID = POOL;
    process.env.SENDER_EMAIL = 'portal@example.com';
    process.env.PORTAL_SIGN_IN_URL = SIGN_IN_URL;
    process.env.TIME_ZONE = 'UTC';
    process.env.AWS_REGION = 'eu-west-1';
    process.env.ACCESS_MAX_FAILURES = '3';
    // These scenarios inject faults into the table's writes by operation: the quota counters' writes would take
    // them. Account-wide pacing has its own tests (account-quota, bulk-onboarding-simulation).
    process.env.COGNITO_CREATE_RATE = 'unlimited';
    process.env.COGNITO_UPDATE_RATE = 'unlimited';
    process.env.SES_SEND_RATE = 'unlimited';
    process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
    ({ handler } = await import('../../../functions/portal-access-controller'));
  });
}
