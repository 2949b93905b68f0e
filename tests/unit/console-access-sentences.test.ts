import {
  historyLine,
  inactiveOrganizationWarning,
  invitationSentence,
  isSettling,
  reasonSentence,
  shownToNobodyWarning,
  statusSentence,
  type PortalAccess,
} from '../../console/src/access/access-sentences';
import { portalViewerOf } from '../../shared/data/keys';
import { ineffectiveReasons } from '../../shared/access/evaluate-access';

const time = (iso: string) => iso.slice(0, 10);
const access = (fields: Partial<PortalAccess>): PortalAccess => ({
  status: 'none',
  effective: false,
  history: [],
  ...fields,
});

describe("the Portal panel's sentences", () => {
  it.each([
    [{ status: 'none' }, /no portal access/],
    [{ status: 'pending' }, /being set up/],
    [
      { status: 'invited', invitedAt: '2026-12-03T10:00:00Z' },
      /^Invited on 2026-12-03; they have not signed in yet\.$/,
    ],
    [{ status: 'active', lastSignInAt: '2026-12-04T08:00:00Z' }, /^Active\. Last signed in on 2026-12-04\.$/],
    [
      { status: 'suspended', reason: 'organizationInactive' },
      /Suspended because the partner organization's Partner Status is Inactive/,
    ],
    [{ status: 'failed', lastError: 'UsernameExistsException' }, /failed: UsernameExistsException\./],
    [{ status: 'revoked', reason: 'portalDisabled' }, /^Revoked because the portal flag is off\./],
  ] as const)('%j → %s', (fields, sentence) => {
    expect(statusSentence(access(fields), time)).toMatch(sentence);
  });

  it('has words for every reason access can be ineffective', () => {
    for (const reason of ineffectiveReasons) expect(reasonSentence(reason)).not.toBe(reason);
  });

  it('keeps polling while provisioning has not caught up with the status', () => {
    expect(isSettling(access({ status: 'pending' }))).toBe(true);
    expect(isSettling(access({ status: 'suspended', recordedStatus: 'active' }))).toBe(true);
    expect(isSettling(access({ status: 'invited', recordedStatus: 'invited' }))).toBe(false);
    expect(isSettling(access({ status: 'active' }))).toBe(false);
  });

  it('tells what became of the invitation from the newest history entry', () => {
    const sent = { at: '2026-12-03T10:00:00Z', actor: 'controller', event: 'invitationSent' };
    const bounced = { at: '2026-12-03T10:01:00Z', actor: 'ses', event: 'emailBounced' };
    expect(invitationSentence(access({ history: [sent] }), time)).toBe('Invitation sent on 2026-12-03.');
    expect(invitationSentence(access({ history: [bounced, sent] }), time)).toBe(
      'The invitation bounced on 2026-12-03.',
    );
    expect(invitationSentence(access({}), time)).toBeUndefined();
  });

  it('writes history as lines a person reads', () => {
    expect(historyLine({ at: 'x', actor: 'staff:abc', event: 'portalEnabled' })).toBe(
      'Portal access granted (by staff)',
    );
    expect(
      historyLine({
        at: 'x',
        actor: 'controller',
        event: 'statusChanged',
        detail: { from: 'pending', to: 'failed', error: 'boom' },
      }),
    ).toBe('Status became failed: boom (by the portal)');
    expect(historyLine({ at: 'x', actor: 'sign-in', event: 'somethingNew' })).toBe(
      'something new (by the person signing in)',
    );
  });

  it("warns about a partner contact's Inactive organization only", () => {
    expect(inactiveOrganizationWarning('partner-contacts', { partnerStatus: 'Inactive' })).toBe(
      "This partner contact's organization is Inactive: no invitation will be sent until the organization is Active.",
    );
    expect(inactiveOrganizationWarning('partner-contacts', {})).toMatch(/Inactive/);
    expect(inactiveOrganizationWarning('partner-contacts', { partnerStatus: 'Active' })).toBeUndefined();
    expect(inactiveOrganizationWarning('contacts', { partnerStatus: 'Inactive' })).toBeUndefined();
  });

  it('warns exactly when the portal index gives a shown record no viewer', () => {
    const con = 'con_00000000-0000-4000-8000-000000000001';
    const org = 'org_00000000-0000-4000-8000-000000000002';
    const porg = 'porg_00000000-0000-4000-8000-000000000003';
    const cases = [
      { showOnPortal: true, organizationId: org },
      { showOnPortal: true, organizationId: porg },
      { showOnPortal: true, contactId: con },
      { showOnPortal: true, contactId: con, organizationId: org },
      { showOnPortal: true },
    ];
    for (const record of cases)
      expect(shownToNobodyWarning(record) !== undefined).toBe(portalViewerOf(record) === undefined);
    expect(shownToNobodyWarning({ showOnPortal: false, organizationId: org })).toBeUndefined();
  });
});
