import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { createAccessEmailSender } from '../../shared/access/access-email-sender';
import { commentKey, indexAttributes, notificationKey, recordKey } from '../../shared/data/keys';
import { findModule } from '../../shared/modules/registry';
import { createNotificationLedger } from '../../shared/notifications/notification-ledger';
import { createNotificationSender } from '../../shared/notifications/notification-sender';
import { notifyStreamBatch } from '../../shared/notifications/notify-stream-batch';
import { FakeClock, installFakes, type Fakes, type Mocks } from './support/cognito-ses-fakes';
import { startLocalTable, type LocalTable } from './support/local-table';

/**
 * Notifications under the faults the emulators cannot produce (SES refusing, a lost write, a worker that died
 * mid-send, replayed and concurrent batches), against DynamoDB Local: at most one email per event, none lost.
 */
const TABLE = 'portico';
const LEASE = 20_000;
const PORTAL = 'https://portal.example.com/';
const mocks: Mocks = {
  dynamo: mockClient(DynamoDBClient),
  cognito: mockClient(CognitoIdentityProviderClient),
  ses: mockClient(SESv2Client),
};
let fakes: Fakes;
let clock: FakeClock;
let table: LocalTable;
let stop: (() => Promise<void>) | undefined;

type Item = Record<string, unknown>;
const personId = 'con_00000001-0000-4000-8000-000000000000';
const quoteId = 'quo_00000001-0000-4000-8000-000000000000';
const ticketId = 'tkt_00000001-0000-4000-8000-000000000000';
const email = 'ada@example.com';

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  ({ table, stop } = await startLocalTable(TABLE));
}, 120_000);
beforeEach(async () => {
  await table.clear();
  fakes = installFakes(mocks, { table });
  clock = new FakeClock('2026-03-01T09:00:00.000Z');
});
afterAll(async () => {
  await stop?.();
  mocks.dynamo.restore();
  mocks.cognito.restore();
  mocks.ses.restore();
});

function sender() {
  const dynamo = new DynamoDBClient({ region: 'eu-west-1' });
  return createNotificationSender({
    dynamo,
    tableName: TABLE,
    timeZone: 'UTC',
    ledger: createNotificationLedger({ dynamo, tableName: TABLE }),
    sendEmail: createAccessEmailSender({
      ses: new SESv2Client({ region: 'eu-west-1' }),
      senderEmail: 'portal@example.com',
      configurationSetName: 'portico-set',
    }),
    branding: { organizationName: 'Acme Partners', accentColor: '#0b5cad' },
    portalUrl: PORTAL,
    leaseMs: LEASE,
    now: clock.now,
    sleep: clock.sleep,
  });
}
const run = (records: DynamoDBRecord[]) => notifyStreamBatch(records, { sender: sender(), concurrency: 4 });

const person = (portal: Item = {}): Item => ({
  ...recordKey(personId),
  id: personId,
  module: 'contacts',
  firstName: 'Ada',
  lastName: 'Lovelace',
  email,
  version: 1,
  portal: { enabled: true, ...portal },
});
const quote: Item = {
  ...recordKey(quoteId),
  id: quoteId,
  module: 'quotes',
  subject: 'Spring maintenance',
  contactId: personId,
  showOnPortal: true,
  version: 2,
};
const ticket: Item = {
  ...recordKey(ticketId),
  id: ticketId,
  module: 'tickets',
  title: 'Printer jams',
  contactId: personId,
  showOnPortal: true,
  version: 3,
};
const image = (item: Item) => marshall(item, { removeUndefinedValues: true }) as Record<string, AttributeValue>;
const streamRecord = (sequence: number, item: Item, before?: Item): DynamoDBRecord => ({
  eventName: before ? 'MODIFY' : 'INSERT',
  dynamodb: {
    Keys: image({ pk: item.pk, sk: item.sk }),
    SequenceNumber: String(sequence).padStart(21, '0'),
    NewImage: image(item),
    ...(before ? { OldImage: image(before) } : {}),
  },
});
const quoteShown = streamRecord(1, quote, { ...quote, version: 1, showOnPortal: false });
const comment = (id: string, internal: boolean, sequence: number) =>
  streamRecord(sequence, {
    ...commentKey(ticketId, '2026-03-01T09:00:00.000Z', id),
    id,
    ticketId,
    body: `Reply ${id}\nsecond line`,
    author: { kind: 'staff', id: 'staff:sam', name: 'Sam' },
    internal,
    createdAt: '2026-03-01T09:00:00.000Z',
  });
const sesError = () =>
  Object.assign(new Error('Throttling: Maximum sending rate exceeded'), { name: 'TooManyRequestsException' });
const sequenceOf = (record: DynamoDBRecord) => record.dynamodb!.SequenceNumber!;

describe('a quote shown to the person', () => {
  beforeEach(async () => {
    await table.put(person());
    await table.put(quote);
  });

  it('sends one email naming the organization, with a deep link that opens in a new tab', async () => {
    expect(await run([quoteShown])).toEqual([]);
    expect(fakes.ses.sent).toHaveLength(1);
    const [sent] = fakes.ses.sent;
    expect(sent).toMatchObject({ to: [email], tags: { personId, purpose: 'portal-notification' } });
    expect(sent!.subject).toBe('Acme Partners: a quote awaits your decision');
    expect(sent!.text).toContain(`${PORTAL}#/quotes/${quoteId}`);
    expect(sent!.html).toContain(`href="${PORTAL}#/quotes/${quoteId}" target="_blank" rel="noopener noreferrer"`);
    expect(mocks.ses.calls()[0]!.args[0].input).toMatchObject({ ConfigurationSetName: 'portico-set' });
    expect(await table.get(quoteId, notificationKey(quoteId, 'awaiting-you#v2').sk!)).toMatchObject({
      state: 'sent',
      messageId: sent!.messageId,
      personId,
    });
  });

  it('SES refuses, then the retry sends it: one email', async () => {
    fakes.ses.faults.add({ op: 'SendEmail', times: 1, error: sesError });
    expect(await run([quoteShown])).toEqual([sequenceOf(quoteShown)]);
    expect(fakes.ses.sent).toHaveLength(0);
    // The claim was given back: the retry goes ahead at once, without waiting out the lease.
    expect(await run([quoteShown])).toEqual([]);
    expect(fakes.ses.sent).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('a replayed batch, and two batches at once, send one email', async () => {
    await Promise.all([run([quoteShown]), run([quoteShown])]);
    expect(await run([quoteShown])).toEqual([]);
    expect(fakes.ses.sent).toHaveLength(1);
  });

  it('the write recording it sent fails once: still one email, and no replay', async () => {
    fakes.table.faults.add({ op: 'UpdateItem', times: 1, error: () => new Error('ProvisionedThroughputExceeded') });
    expect(await run([quoteShown])).toEqual([]);
    expect(await run([quoteShown])).toEqual([]);
    expect(fakes.ses.sent).toHaveLength(1);
  });

  it('a worker that died mid-send: the replay waits out its lease, then sends; nothing is lost', async () => {
    await table.put({
      ...notificationKey(quoteId, 'awaiting-you#v2'),
      state: 'sending',
      claimedAt: clock.now().toISOString(),
      personId,
    });
    expect(await run([quoteShown])).toEqual([]);
    expect(fakes.ses.sent).toHaveLength(1);
    expect(clock.sleeps.reduce((sum, ms) => sum + ms, 0)).toBeGreaterThanOrEqual(LEASE);
  });

  it('an opted-out person gets none', async () => {
    await table.put(person({ notifications: false }));
    expect(await run([quoteShown])).toEqual([]);
    expect(fakes.ses.sent).toHaveLength(0);
  });

  it('none when the quote is no longer shown, the portal lacks quotes, or access is not effective', async () => {
    await table.put({ ...quote, showOnPortal: false, version: 3 });
    await run([quoteShown]);
    await table.put(quote);
    await table.put(person({ components: ['tickets'] }));
    await run([quoteShown]);
    await table.put(person({ supportEndDate: '2026-02-28' }));
    await run([quoteShown]);
    expect(fakes.ses.sent).toHaveLength(0);
  });
});

describe('staff replies on a ticket', () => {
  beforeEach(async () => {
    await table.put(person());
    await table.put(ticket);
  });

  it('a public reply sends one email carrying the reply and linking to the ticket; an internal note none', async () => {
    const note = comment('cmt_note', true, 10);
    const reply = comment('cmt_reply', false, 11);
    expect(await run([note, reply])).toEqual([]);
    expect(await run([note, reply])).toEqual([]);
    expect(fakes.ses.sent).toHaveLength(1);
    const [sent] = fakes.ses.sent;
    expect(sent!.subject).toBe('Acme Partners: new reply on your ticket "Printer jams"');
    expect(sent!.text).toContain('Reply cmt_reply\nsecond line');
    expect(sent!.text).not.toContain('cmt_note');
    expect(sent!.text).toContain(`${PORTAL}#/tickets/${ticketId}`);
  });

  it('an opted-out person gets none', async () => {
    await table.put(person({ notifications: false }));
    expect(await run([comment('cmt_reply', false, 11)])).toEqual([]);
    expect(fakes.ses.sent).toHaveLength(0);
  });

  it('a failed reply is reported by its record, and the ones after it are sent once on the replay', async () => {
    const first = comment('cmt_1', false, 20);
    const second = comment('cmt_2', false, 21);
    fakes.ses.faults.add({
      op: 'SendEmail',
      times: 1,
      match: (input: { Content?: { Simple?: { Body?: { Text?: { Data?: string } } } } }) =>
        input.Content?.Simple?.Body?.Text?.Data?.includes('Reply cmt_1') === true,
      error: sesError,
    });
    expect(await run([first, second])).toEqual([sequenceOf(first)]);
    expect(await run([first, second])).toEqual([]);
    expect(fakes.ses.sent.map((sent) => /Reply (cmt_\d)/.exec(sent.text)![1]).sort()).toEqual(['cmt_1', 'cmt_2']);
  });
});

describe('a lead assigned to a partner organization', () => {
  const organizationId = 'porg_00000001-0000-4000-8000-000000000000';
  const leadId = 'lead_00000001-0000-4000-8000-000000000000';
  const partnerContact = (n: number, portal: Item, organization = organizationId): Item => {
    const id = `pcon_0000000${n}-0000-4000-8000-000000000000`;
    const item = {
      ...recordKey(id),
      id,
      module: 'partner-contacts',
      lastName: `Partner ${n}`,
      email: `partner${n}@example.com`,
      organizationId: organization,
      createdAt: '2026-02-01T09:00:00.000Z',
      version: 1,
      portal: { enabled: true, ...portal },
    };
    // The organization's people are found as staff list them: its link partition (gsi2).
    return { ...item, ...indexAttributes(findModule('partner-contacts')!, item) };
  };
  const lead: Item = {
    ...recordKey(leadId),
    id: leadId,
    module: 'leads',
    lastName: 'Prospect',
    company: 'Buyer Ltd',
    assignedPartnerId: organizationId,
    version: 2,
  };
  const assigned = streamRecord(30, lead, { ...lead, assignedPartnerId: undefined, version: 1 });

  beforeEach(async () => {
    await table.put({
      ...recordKey(organizationId),
      id: organizationId,
      module: 'partner-organizations',
      partnerStatus: 'Active',
    });
    await table.put(lead);
    await table.put(partnerContact(1, { components: ['leads'] }));
    await table.put(partnerContact(2, { components: ['tickets', 'leads'] }));
    await table.put(partnerContact(3, { components: ['tickets'] }));
    await table.put(partnerContact(4, { components: ['leads'], notifications: false }));
    await table.put(partnerContact(5, { components: ['leads'], supportEndDate: '2026-02-28' }));
  });

  it('emails each contact with effective access, leads and notifications on, once each', async () => {
    expect(await run([assigned])).toEqual([]);
    expect(fakes.ses.sent.map((sent) => sent.to[0]).sort()).toEqual(['partner1@example.com', 'partner2@example.com']);
    expect(fakes.ses.sent[0]!.subject).toBe('Acme Partners: a new lead for your organization, "Buyer Ltd"');
    expect(fakes.ses.sent[0]!.text).toContain(`${PORTAL}#/leads/${leadId}`);
    expect(await run([assigned])).toEqual([]);
    expect(fakes.ses.sent).toHaveLength(2);
  });

  it('one refused send fails the record; its replay reaches only the contact it missed', async () => {
    fakes.ses.faults.add({
      op: 'SendEmail',
      times: 1,
      match: (input: { Destination?: { ToAddresses?: string[] } }) =>
        input.Destination?.ToAddresses?.includes('partner2@example.com') === true,
      error: sesError,
    });
    expect(await run([assigned])).toEqual([sequenceOf(assigned)]);
    expect(fakes.ses.sent.map((sent) => sent.to[0])).toEqual(['partner1@example.com']);
    expect(await run([assigned])).toEqual([]);
    expect(fakes.ses.sent.map((sent) => sent.to[0])).toEqual(['partner1@example.com', 'partner2@example.com']);
  });

  it('none once the lead is assigned elsewhere or gone back to the vendor', async () => {
    await table.put({ ...lead, assignedPartnerId: 'porg_00000002-0000-4000-8000-000000000000', version: 3 });
    expect(await run([assigned])).toEqual([]);
    await table.put({ ...lead, assignedPartnerId: undefined, version: 4 });
    expect(await run([assigned])).toEqual([]);
    expect(fakes.ses.sent).toHaveLength(0);
  });
});
