import { marshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';
import { commentKey, recordKey } from '../../shared/data/keys';
import { matchesInterest } from '../../shared/data/stream-interest';
import {
  notificationStreamInterest,
  planNotifications,
  type NotificationEvent,
} from '../../shared/notifications/notification-events';

type Item = Record<string, unknown>;
const contact = 'con_00000001-0000-4000-8000-000000000000';
const other = 'con_00000002-0000-4000-8000-000000000000';
const partnerOrg = 'porg_00000001-0000-4000-8000-000000000000';
const quoteId = 'quo_00000001-0000-4000-8000-000000000000';
const ticketId = 'tkt_00000001-0000-4000-8000-000000000000';

const image = (item: Item) => marshall(item, { removeUndefinedValues: true }) as Record<string, AttributeValue>;
let sequence = 100;

function change(key: Record<string, string>, before: Item | undefined, after: Item | undefined): DynamoDBRecord {
  return {
    eventName: !before ? 'INSERT' : !after ? 'REMOVE' : 'MODIFY',
    dynamodb: {
      Keys: image(key),
      SequenceNumber: String(++sequence).padStart(21, '0'),
      ...(before ? { OldImage: image({ ...key, ...before }) } : {}),
      ...(after ? { NewImage: image({ ...key, ...after }) } : {}),
    },
  };
}

const record = (module: string, id: string, fields: Item): Item => ({ id, module, version: 1, ...fields });
const recordChange = (module: string, id: string, before: Item | undefined, after: Item | undefined) =>
  change(recordKey(id), before && record(module, id, before), after && record(module, id, { version: 2, ...after }));
const kinds = (events: NotificationEvent[]) =>
  events.map(({ kind, recordId, audience, cause }) => ({ kind, recordId, audience, cause }));

describe('planNotifications: a record becoming shown', () => {
  const shown = { contactId: contact, showOnPortal: true, subject: 'Q' };
  it.each<[string, string, Item | undefined, Item, number]>([
    ['a quote created shown', 'quotes', undefined, shown, 1],
    ['a quote whose showOnPortal turns true', 'quotes', { ...shown, showOnPortal: false }, shown, 1],
    ['a quote linked to another person while shown', 'quotes', { ...shown, contactId: other }, shown, 1],
    ['a shown quote edited', 'quotes', shown, { ...shown, subject: 'Q2' }, 0],
    ['a quote shown but hidden from the portal', 'quotes', undefined, { ...shown, showOnPortal: false }, 0],
    ['a quote shown already decided', 'quotes', undefined, { ...shown, decision: { decision: 'accept' } }, 0],
    [
      'a quote shown whose decision was superseded',
      'quotes',
      undefined,
      { ...shown, decision: { superseded: true } },
      1,
    ],
    ['a quote shown that staff marked Accepted', 'quotes', undefined, { ...shown, status: 'Accepted' }, 0],
    ['a sales order shown unsigned', 'sales-orders', undefined, shown, 1],
    ['a sales order shown signed', 'sales-orders', undefined, { ...shown, signature: { status: 'valid' } }, 0],
    ['a sales order shown cancelled', 'sales-orders', undefined, { ...shown, status: 'Cancelled' }, 0],
    ['a document shared', 'documents', { ...shown, showOnPortal: false }, shown, 1],
    ['an invoice shown (not notified)', 'invoices', undefined, shown, 0],
    [
      'a customer organization record without a person (nobody sees it)',
      'documents',
      undefined,
      { organizationId: 'org_00000001-0000-4000-8000-000000000000', showOnPortal: true },
      0,
    ],
  ])('%s', (_, module, before, after, count) => {
    const id =
      module === 'quotes'
        ? quoteId
        : `${module === 'sales-orders' ? 'so' : module === 'invoices' ? 'inv' : 'doc'}_00000001-0000-4000-8000-000000000000`;
    expect(planNotifications([recordChange(module, id, before, after)])).toHaveLength(count);
  });

  it('names the event by the version that made the record visible, and its audience', () => {
    const events = planNotifications([recordChange('quotes', quoteId, undefined, shown)]);
    expect(kinds(events)).toEqual([{ kind: 'awaiting-you', recordId: quoteId, audience: contact, cause: 'v2' }]);
  });

  it("addresses a partner organization's record without a person to the organization", () => {
    const events = planNotifications([
      recordChange('documents', 'doc_00000001-0000-4000-8000-000000000000', undefined, {
        organizationId: partnerOrg,
        showOnPortal: true,
        title: 'T',
      }),
    ]);
    expect(events.map((event) => [event.kind, event.audience])).toEqual([['document-shared', partnerOrg]]);
  });

  it('ignores removals', () => {
    expect(planNotifications([recordChange('quotes', quoteId, shown, undefined)])).toEqual([]);
  });
});

describe('planNotifications: ticket comments', () => {
  const comment = (fields: Item): DynamoDBRecord =>
    change(commentKey(ticketId, '2026-03-01T09:00:00.000Z', 'cmt_1'), undefined, {
      id: 'cmt_1',
      ticketId,
      body: 'Line one\nline two',
      createdAt: '2026-03-01T09:00:00.000Z',
      ...fields,
    });
  const staff = { kind: 'staff', id: 'staff:abc', name: 'Sam' };
  const shown = () => ({ contactId: contact, showOnPortal: true });

  it('a staff public reply is an event, carrying the reply', () => {
    const events = planNotifications([comment({ author: staff, internal: false })]);
    expect(events).toEqual([
      expect.objectContaining({
        kind: 'ticket-reply',
        recordId: ticketId,
        cause: 'cmt_1',
        reply: 'Line one\nline two',
      }),
    ]);
  });

  it.each<[string, Item]>([
    ['an internal note', { author: staff, internal: true }],
    ['a comment without the internal flag', { author: staff }],
    ["the person's own comment", { author: { kind: 'person', id: `person:${contact}`, name: 'Ada' }, internal: false }],
  ])('%s is none', (_, fields) => {
    expect(planNotifications([comment(fields)])).toEqual([]);
  });

  it('the stream interest lets comments and the notified records through, and nothing else', () => {
    expect(matchesInterest(comment({ author: staff, internal: false }), notificationStreamInterest)).toBe(true);
    expect(matchesInterest(recordChange('quotes', quoteId, undefined, shown()), notificationStreamInterest)).toBe(true);
    expect(matchesInterest(recordChange('contacts', contact, undefined, {}), notificationStreamInterest)).toBe(false);
    expect(matchesInterest(recordChange('invoices', quoteId, undefined, shown()), notificationStreamInterest)).toBe(
      false,
    );
  });
});

describe('planNotifications: a deal registration decided', () => {
  const dealId = 'deal_00000001-0000-4000-8000-000000000000';
  const partnerContact = 'pcon_00000001-0000-4000-8000-000000000000';
  const submitted = {
    contactId: partnerContact,
    organizationId: partnerOrg,
    showOnPortal: true,
    companyName: 'Acme',
    status: 'submitted',
  };
  it.each<[string, Item | undefined, Item, number]>([
    ['registered (submitted)', undefined, submitted, 0],
    ['approved', submitted, { ...submitted, status: 'approved' }, 1],
    ['rejected', submitted, { ...submitted, status: 'rejected', reason: 'Direct customer.' }, 1],
    ['edited while approved', { ...submitted, status: 'approved' }, { ...submitted, status: 'approved' }, 0],
    ['flagged for conflicts', submitted, { ...submitted, conflicts: [] }, 0],
    ['expired', { ...submitted, status: 'approved' }, { ...submitted, status: 'expired' }, 0],
    ['approved while hidden from the portal', submitted, { ...submitted, showOnPortal: false, status: 'approved' }, 0],
  ])('%s → %i event(s), to the partner contact who registered it', (_case, before, after, count) => {
    const events = planNotifications([recordChange('deal-registrations', dealId, before, after)]);
    expect(kinds(events)).toEqual(
      Array.from({ length: count }, () => ({
        kind: 'deal-decided',
        recordId: dealId,
        audience: partnerContact,
        cause: 'v2',
      })),
    );
  });
});

describe('planNotifications: a lead assigned to a partner organization', () => {
  const leadId = 'lead_00000001-0000-4000-8000-000000000000';
  const otherOrg = 'porg_00000002-0000-4000-8000-000000000000';
  const lead = { lastName: 'Prospect', company: 'Buyer Ltd' };
  const assigned = { ...lead, assignedPartnerId: partnerOrg };
  it.each<[string, Item | undefined, Item, number]>([
    ['created assigned', undefined, assigned, 1],
    ['assigned by an edit', lead, assigned, 1],
    ['moved to the organization from another', { ...lead, assignedPartnerId: otherOrg }, assigned, 1],
    ['edited while assigned', assigned, { ...assigned, title: 'CTO' }, 0],
    ['accepted by the partner', assigned, { ...assigned, partnerDecision: { decision: 'accept' } }, 0],
    ['created unassigned', undefined, lead, 0],
    ['declined (unassigned)', assigned, { ...lead, partnerDecision: { decision: 'decline' } }, 0],
  ])('%s → %i event(s), to the organization', (_case, before, after, count) => {
    const events = planNotifications([recordChange('leads', leadId, before, after)]);
    expect(kinds(events)).toEqual(
      Array.from({ length: count }, () => ({
        kind: 'lead-assigned',
        recordId: leadId,
        audience: partnerOrg,
        cause: 'v2',
      })),
    );
  });

  it('is in the stream interest, so the subscription hears of leads', () => {
    expect(matchesInterest(recordChange('leads', leadId, lead, assigned), notificationStreamInterest)).toBe(true);
  });
});
