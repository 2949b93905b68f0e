import type { DynamoDBRecord } from 'aws-lambda';
import { planStreamWork } from '../../shared/access/stream-changes';

import {
  contactId,
  type Item,
  partnerContactId,
  partnerOrgId,
  pendingAccess,
  personIdOf,
  personItem,
  streamRecord,
} from './support/provisioning-scenario';

/** planStreamWork: which stream records concern portal access, reduced to the people to reconcile. */

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
