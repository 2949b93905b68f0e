import { randomUUID } from 'node:crypto';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { recordKey } from '../../shared/data/keys';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { MailboxEmail } from '../support/mailbox';
import { invokeLocal } from '../support/invoke-local';
import { localStackContext } from '../support/local-stack-context';
import { portalOnboarding, type OnboardedPerson } from '../support/portal-onboarding';
import { stackTable } from '../support/stack-table';

/**
 * Lead-assignment emails on the local stack (issue 16): when staff assign a lead to a partner organization (or
 * move it to another), every partner contact of that organization whose portal includes `leads` gets one email
 * linking to the lead; a colleague without the component, and other organizations' partners, get none; the same
 * stream record handled again (Lambda's retry of a batch) sends nothing twice.
 */
jest.setTimeout(180_000);

type Json = Record<string, unknown>;
const local = localStackContext();
const table = stackTable();
let onboarding: ReturnType<typeof portalOnboarding>;
const short = () => randomUUID().slice(0, 8);

let organizationA: string;
let organizationB: string;
let seller: OnboardedPerson;
let manager: OnboardedPerson;
let support: OnboardedPerson;
let otherPartner: OnboardedPerson;

beforeAll(async () => {
  onboarding = portalOnboarding(local.outputs, local.api);
  const organization = async (name: string) =>
    (await local.api.create('partner-organizations', { name: `Partner ${name} ${short()}`, partnerStatus: 'Active' }))
      .id;
  [organizationA, organizationB] = await Promise.all([organization('A'), organization('B')]);
  [seller, manager, support, otherPartner] = await Promise.all([
    onboarding.onboard({ organizationId: organizationA, portal: { components: ['leads'] } }),
    onboarding.onboard({ organizationId: organizationA, portal: { components: ['deal-registrations', 'leads'] } }),
    onboarding.onboard({ organizationId: organizationA, portal: { components: ['tickets'] } }),
    onboarding.onboard({ organizationId: organizationB, portal: { components: ['leads'] } }),
  ]);
});
afterAll(() => onboarding.close());

/** The lead-assignment emails a person received about one lead. */
async function leadEmails(person: OnboardedPerson, leadId: string): Promise<MailboxEmail[]> {
  return (await local.mail.to(person.email)).filter(
    (email) => email.subject.includes('a new lead') && email.body.text.includes(leadId),
  );
}

async function untilLeadEmail(person: OnboardedPerson, leadId: string): Promise<MailboxEmail> {
  return local.mail.first(
    person.email,
    (email) => email.subject.includes('a new lead') && email.body.text.includes(leadId),
  );
}

/** The stream record of the lead's assignment, as the table's stream carried it: same keys, same version. */
async function assignmentRecord(leadId: string): Promise<DynamoDBStreamEvent> {
  const stored = await table.dynamo.send(
    new GetItemCommand({ TableName: table.tableName, Key: marshall(recordKey(leadId)), ConsistentRead: true }),
  );
  const { assignedPartnerId: _assigned, gsi4pk: _pk, gsi4sk: _sk, ...before } = stored.Item!;
  return {
    Records: [
      {
        eventID: randomUUID(),
        eventName: 'MODIFY',
        eventSource: 'aws:dynamodb',
        awsRegion: 'ddblocal',
        dynamodb: {
          Keys: marshall(recordKey(leadId)),
          NewImage: stored.Item,
          OldImage: before,
          SequenceNumber: String(Date.now()).padStart(21, '0'),
          StreamViewType: 'NEW_AND_OLD_IMAGES',
        },
      },
    ],
  } as unknown as DynamoDBStreamEvent;
}

const invokeNotifications = (event: DynamoDBStreamEvent) =>
  invokeLocal<Json>(local.outputs, 'portal-notifications', event);

describe('a lead assigned to a partner organization', () => {
  it("emails each of the organization's contacts with `leads` once, nobody else, and a replay sends nothing", async () => {
    const company = `Assigned ${short()} AG`;
    const lead = await local.api.create('leads', {
      lastName: 'Prospect',
      company,
      email: `p.${short()}@buyer.example`,
    });
    expect((await local.api.call('PATCH', `/leads/${lead.id}`, { assignedPartnerId: organizationA })).status).toBe(200);

    const [toSeller] = await Promise.all([untilLeadEmail(seller, lead.id), untilLeadEmail(manager, lead.id)]);
    expect(toSeller.subject).toBe(`Portico: a new lead for your organization, "${company}"`);
    expect(toSeller.body.text).toContain(`${local.outputs.PortalWebUrl}#/leads/${lead.id}`);
    // Both recipients come out of one pass over the organization: once they have theirs, the event is done.
    expect(await leadEmails(support, lead.id)).toEqual([]);
    expect(await leadEmails(otherPartner, lead.id)).toEqual([]);

    // Lambda retrying the batch hands the same record over again: the ledger finds each email sent.
    expect(await invokeNotifications(await assignmentRecord(lead.id))).toEqual({ batchItemFailures: [] });
    for (const person of [seller, manager]) expect(await leadEmails(person, lead.id)).toHaveLength(1);
    expect(await leadEmails(support, lead.id)).toEqual([]);
  });

  it('emails the new organization when staff move the lead, and no one for an edit that keeps the assignment', async () => {
    const lead = await local.api.create('leads', {
      lastName: 'Mover',
      company: `Moved ${short()} Ltd`,
      assignedPartnerId: organizationA,
    });
    await untilLeadEmail(seller, lead.id);
    expect((await local.api.call('PATCH', `/leads/${lead.id}`, { title: 'Head of IT' })).status).toBe(200);
    expect((await local.api.call('PATCH', `/leads/${lead.id}`, { assignedPartnerId: organizationB })).status).toBe(200);
    const moved = await untilLeadEmail(otherPartner, lead.id);
    expect(moved.body.text).toContain(`#/leads/${lead.id}`);
    // The stream is read in order: the title edit came before the move that just arrived, and sent nothing.
    for (const person of [seller, manager]) expect(await leadEmails(person, lead.id)).toHaveLength(1);
  });
});
