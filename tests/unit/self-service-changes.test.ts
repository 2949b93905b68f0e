import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { planStreamWork } from '../../shared/access/stream-changes';
import { commentKey, recordKey, ticketCountKey } from '../../shared/data/keys';
import { decisionAfterEdit, quoteContentHash, type QuoteDecision } from '../../shared/modules/quote-content';
import { editableProfileFields } from '../../shared/portal/portal-profile';

/** What the self-service writes mean to the rest of the system: the access stream, and a quote's decision. */

const personId = 'con_00000000-0000-4000-8000-000000000001';
const ticketId = 'tkt_00000000-0000-4000-8000-000000000002';
const person = {
  ...recordKey(personId),
  id: personId,
  module: 'contacts',
  lastName: 'Lee',
  email: 'lee@example.com',
  portal: { enabled: true },
  phone: '+1 555 0100',
  version: 3,
};
const modify = (before: Record<string, unknown>, after: Record<string, unknown>, key = recordKey(personId)) =>
  ({
    eventName: 'MODIFY',
    dynamodb: {
      Keys: marshall(key),
      SequenceNumber: '000000000000000000001',
      OldImage: marshall(before),
      NewImage: marshall(after),
    },
  }) as unknown as DynamoDBRecord;

describe('a profile edit on the portal, as the access stream sees it', () => {
  it('touches no field the access controller reconciles: no Cognito or SES work follows', () => {
    const edited = {
      ...person,
      phone: '+1 555 0199',
      mobile: '+1 555 0198',
      mailingAddress: { city: 'Elsewhere' },
      updatedBy: `portal:${personId}`,
      version: 4,
    };
    expect([...editableProfileFields].sort()).toEqual(['mailingAddress', 'mobile', 'phone']);
    expect(planStreamWork([modify(person, edited)]).people.size).toBe(0);
    // The check is not vacuous: an email change of the same person is work.
    expect(planStreamWork([modify(person, { ...person, email: 'new@example.com' })]).people.size).toBe(1);
  });

  it('ignores comment and ticket-count items, which live beside records', () => {
    const comment = { ...commentKey(ticketId, '2026-12-02T17:00:00.000Z', 'cmt_1'), body: 'x' };
    const count = { ...ticketCountKey(personId, '2026-12-02'), count: 1 };
    expect(planStreamWork([modify(comment, comment, commentKey(ticketId, 'now', 'cmt_1'))]).ignored).toBe(1);
    expect(planStreamWork([modify(count, { ...count, count: 2 }, ticketCountKey(personId, 'today'))]).ignored).toBe(1);
  });
});

describe('a quote decision after a staff edit', () => {
  const quote = { subject: 'Roof', currency: 'EUR', total: 1200, validUntil: '2027-01-31', status: 'Delivered' };
  const decision: QuoteDecision = {
    decision: 'accept',
    decidedAt: '2026-12-02T10:00:00.000Z',
    decidedBy: { id: personId, name: 'Lee', email: 'lee@example.com' },
    contentHash: quoteContentHash(quote),
    sourceIp: '203.0.113.9',
    userAgent: 'test',
  };
  const at = '2026-12-02T11:00:00.000Z';

  it.each([
    ['the subject', { subject: 'Roof and gutters' }],
    ['the total', { total: 1300 }],
    ['the currency', { currency: 'USD' }],
    ['the validity', { validUntil: '2027-02-28' }],
  ])('is superseded when staff change %s', (_what, change) => {
    expect(decisionAfterEdit(decision, { ...quote, ...change }, at)).toEqual({
      ...decision,
      superseded: true,
      supersededAt: at,
    });
  });

  it('stands when staff change anything else, and a superseded one stays as it was', () => {
    expect(decisionAfterEdit(decision, { ...quote, status: 'Reviewed' }, at)).toBe(decision);
    const superseded = { ...decision, superseded: true as const, supersededAt: at };
    expect(decisionAfterEdit(superseded, { ...quote, total: 1 }, '2026-12-03T00:00:00.000Z')).toBe(superseded);
    expect(decisionAfterEdit(undefined, quote, at)).toBeUndefined();
  });
});
