import type { AccessState } from '../../shared/access/access-state';
import type { Login } from '../../shared/access/cognito-login-gateway';
import { decideReconcile, type ReconcileStep } from '../../shared/access/reconcile-decision';
import type { Organization, Person } from '../../shared/people/person-loader';

/**
 * The reconcile decision as tables: person, organization, ACCESS item and login in, steps and status out. Pure, no
 * table and no fake one: the executor's exactly-once guarantees are proven by the fault-injection suites.
 */
const now = new Date('2026-12-02T10:00:00.000Z');
const id = 'con_00000000-0000-4000-8000-000000000001';
const person: Person = {
  id,
  module: 'contacts',
  firstName: 'Ada',
  email: 'ada@example.com',
  portal: { enabled: true },
};
const partner: Person = { ...person, module: 'partner-contacts', organizationId: 'porg_1' };
const activeOrganization: Organization = { id: 'porg_1', partnerStatus: 'Active' };
const pending: AccessState = { personId: id, status: 'pending', enablementId: 'e1', failures: 0 };
const sent = { enablementId: 'e1', state: 'sent' as const, claimedAt: '2026-12-01T00:00:00.000Z', messageId: 'm1' };
const invited: AccessState = { personId: id, status: 'invited', enablementId: 'e1', invitation: sent };
const active: AccessState = { ...invited, status: 'active', activatedAt: '2026-12-01T01:00:00.000Z' };
const login = (fields: Partial<Login> = {}): Login => ({
  enabled: true,
  status: 'FORCE_CHANGE_PASSWORD',
  email: person.email,
  ...fields,
});
const confirmed = login({ status: 'CONFIRMED' });
const settle = (status: string, history = true, fields: Record<string, unknown> = {}): ReconcileStep =>
  ({ kind: 'settle', status, history, ...fields }) as ReconcileStep;

type Case = [
  string,
  Person | undefined,
  Organization | undefined,
  AccessState | undefined,
  Login | undefined,
  readonly ReconcileStep[],
  string,
];

describe('decideReconcile: access in effect', () => {
  it.each<Case>([
    [
      'enabled, no login yet: invite, creating it',
      person,
      undefined,
      pending,
      undefined,
      [{ kind: 'invite', createLogin: true }, settle('invited')],
      'invited',
    ],
    [
      'invited and nothing changed: the invite step finds it sent, nothing else',
      person,
      undefined,
      invited,
      login(),
      [{ kind: 'invite', createLogin: false }],
      'invited',
    ],
    [
      'failures left over are cleared without a history entry',
      person,
      undefined,
      { ...invited, failures: 2, lastError: 'x' },
      login(),
      [{ kind: 'invite', createLogin: false }, settle('invited', false)],
      'invited',
    ],
    [
      'signed in (CONFIRMED): active, first activation recorded',
      person,
      undefined,
      invited,
      confirmed,
      [settle('active', true, { activatedAt: now.toISOString() })],
      'active',
    ],
    [
      'RESET_REQUIRED counts as signed in before',
      person,
      undefined,
      active,
      login({ status: 'RESET_REQUIRED' }),
      [],
      'active',
    ],
    ['active and in line: nothing at all', person, undefined, active, confirmed, [], 'active'],
    [
      'a disabled login that never signed in: a fresh enablement, enabled, invited again',
      person,
      undefined,
      { ...invited, status: 'suspended', reason: 'outsideSupportWindow' },
      login({ enabled: false }),
      [{ kind: 'renewEnablement' }, { kind: 'enableLogin' }, { kind: 'invite', createLogin: false }, settle('invited')],
      'invited',
    ],
    [
      'a disabled login that signed in: enabled, no new invitation',
      person,
      undefined,
      { ...active, status: 'suspended', reason: 'outsideSupportWindow' },
      login({ enabled: false, status: 'CONFIRMED' }),
      [{ kind: 'enableLogin' }, settle('active')],
      'active',
    ],
    [
      'a login lost after its invitation was sent: a fresh enablement, recreated',
      person,
      undefined,
      invited,
      undefined,
      [{ kind: 'renewEnablement' }, { kind: 'invite', createLogin: true }],
      'invited',
    ],
    [
      'an email changed in the CRM: the login follows, both addresses are told',
      { ...person, email: 'new@example.com' },
      undefined,
      active,
      confirmed,
      [{ kind: 'updateEmail', from: 'ada@example.com', to: 'new@example.com' }],
      'active',
    ],
    [
      'notices owed from a crashed run are sent',
      person,
      undefined,
      { ...active, pendingEmailNotice: { from: 'old@example.com', to: 'ada@example.com' } },
      confirmed,
      [{ kind: 'sendEmailChangeNotices', from: 'old@example.com', to: 'ada@example.com' }],
      'active',
    ],
    [
      "notices owed for an address no longer the person's are not sent (they wait)",
      person,
      undefined,
      { ...active, pendingEmailNotice: { from: 'a@example.com', to: 'b@example.com' } },
      confirmed,
      [],
      'active',
    ],
    [
      'a username set',
      { ...person, portal: { enabled: true, username: 'ada' } },
      undefined,
      active,
      confirmed,
      [{ kind: 'updateUsername', from: undefined, to: 'ada' }],
      'active',
    ],
    [
      'a username removed',
      person,
      undefined,
      active,
      login({ status: 'CONFIRMED', preferredUsername: 'ada' }),
      [{ kind: 'updateUsername', from: 'ada', to: undefined }],
      'active',
    ],
    [
      'a bounced invitation stands: no settle, status failed unless the invite step sends',
      person,
      undefined,
      { ...invited, status: 'failed', reason: 'emailBounced' },
      login(),
      [{ kind: 'invite', createLogin: false }],
      'failed',
    ],
    [
      'a partner contact of an active organization',
      partner,
      activeOrganization,
      pending,
      undefined,
      [{ kind: 'invite', createLogin: true }, settle('invited')],
      'invited',
    ],
  ])('%s', (_name, who, organization, access, current, steps, status) => {
    const decision = decideReconcile(who, organization, access, current, now, 'UTC');
    expect(decision.verdict).toEqual({ effective: true });
    expect(decision.steps).toEqual(steps);
    expect(decision.status).toBe(status);
  });
});

describe('decideReconcile: access not in effect', () => {
  const disabledPerson = { ...person, portal: { enabled: false } };
  it.each<Case>([
    [
      'flag off: the login disabled and signed out everywhere, revoked',
      disabledPerson,
      undefined,
      active,
      confirmed,
      [{ kind: 'disableLogin' }, { kind: 'signOutEverywhere' }, settle('revoked', true, { reason: 'portalDisabled' })],
      'revoked',
    ],
    [
      'already revoked for this reason and disabled: nothing (no Cognito write)',
      disabledPerson,
      undefined,
      { ...active, status: 'revoked', reason: 'portalDisabled' },
      login({ enabled: false }),
      [],
      'revoked',
    ],
    [
      'disabled but recorded for another reason: signed out again, the reason recorded',
      disabledPerson,
      undefined,
      { ...active, status: 'suspended', reason: 'outsideSupportWindow' },
      login({ enabled: false }),
      [{ kind: 'signOutEverywhere' }, settle('revoked', true, { reason: 'portalDisabled' })],
      'revoked',
    ],
    [
      'person deleted: the login deleted',
      undefined,
      undefined,
      active,
      confirmed,
      [{ kind: 'deleteLogin' }, settle('revoked', true, { reason: 'personDeleted' })],
      'revoked',
    ],
    [
      'person deleted and no login: the state recorded',
      undefined,
      undefined,
      active,
      undefined,
      [settle('revoked', true, { reason: 'personDeleted' })],
      'revoked',
    ],
    ['never enabled, no item, no login: nothing', disabledPerson, undefined, undefined, undefined, [], 'none'],
    [
      'support window over: suspended',
      { ...person, portal: { enabled: true, supportEndDate: '2026-12-01' } },
      undefined,
      active,
      confirmed,
      [
        { kind: 'disableLogin' },
        { kind: 'signOutEverywhere' },
        settle('suspended', true, { reason: 'outsideSupportWindow' }),
      ],
      'suspended',
    ],
    [
      'partner organization inactive: suspended',
      partner,
      { ...activeOrganization, partnerStatus: 'Inactive' },
      active,
      confirmed,
      [
        { kind: 'disableLogin' },
        { kind: 'signOutEverywhere' },
        settle('suspended', true, { reason: 'organizationInactive' }),
      ],
      'suspended',
    ],
    [
      'no email: suspended, no item yet but a login: recorded',
      { ...person, email: undefined },
      undefined,
      undefined,
      login({ enabled: false }),
      [{ kind: 'signOutEverywhere' }, settle('suspended', true, { reason: 'emailMissing' })],
      'suspended',
    ],
  ])('%s', (_name, who, organization, access, current, steps, status) => {
    const decision = decideReconcile(who, organization, access, current, now, 'UTC');
    expect(decision.verdict.effective).toBe(false);
    expect(decision.steps).toEqual(steps);
    expect(decision.status).toBe(status);
  });

  it('the support window counts in the deployment zone: still 1 December in Los Angeles', () => {
    const lastDay = { ...person, portal: { enabled: true, supportEndDate: '2026-12-01' } };
    const early = new Date('2026-12-02T05:00:00.000Z');
    expect(decideReconcile(lastDay, undefined, active, confirmed, early, 'America/Los_Angeles').steps).toEqual([]);
    expect(decideReconcile(lastDay, undefined, active, confirmed, early, 'Europe/Berlin').steps[0]).toEqual({
      kind: 'disableLogin',
    });
  });
});
