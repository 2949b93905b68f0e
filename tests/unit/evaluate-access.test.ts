import { ineffectiveStatus, statusNow } from '../../shared/access/access-state';
import {
  evaluateAccess,
  insideSupportWindow,
  todayIn,
  type AccessVerdict,
  type IneffectiveReason,
} from '../../shared/access/evaluate-access';
import type { Organization, Person } from '../../shared/people/person-loader';

type Loose = Record<string, unknown> | undefined;

/** The one decision every gate, the controller and staff status ask: tables of inputs and answers. */
const today = '2026-12-02';

describe('evaluateAccess: who may use the portal today', () => {
  const active = { partnerStatus: 'Active' };
  const inactive = { partnerStatus: 'Inactive' };
  const contact = { module: 'contacts', email: 'a@example.com', portal: { enabled: true } };
  const partner = {
    module: 'partner-contacts',
    email: 'a@example.com',
    organizationId: 'porg_1',
    portal: { enabled: true },
  };

  // Stored data is whatever was written: the table includes values of the wrong type on purpose.
  it.each<[string, Loose, Loose, AccessVerdict]>([
    ['no person', undefined, active, { effective: false, reason: 'personDeleted' }],
    [
      'no portal settings',
      { module: 'contacts', email: 'a@example.com' },
      undefined,
      { effective: false, reason: 'portalDisabled' },
    ],
    [
      'portal disabled',
      { ...contact, portal: { enabled: false } },
      undefined,
      { effective: false, reason: 'portalDisabled' },
    ],
    [
      'portal "true" as a string',
      { ...contact, portal: { enabled: 'true' } },
      undefined,
      { effective: false, reason: 'portalDisabled' },
    ],
    [
      'portal disabled and no email',
      { module: 'contacts', portal: {} },
      undefined,
      { effective: false, reason: 'portalDisabled' },
    ],
    ['no email', { ...contact, email: undefined }, undefined, { effective: false, reason: 'emailMissing' }],
    ['an empty email', { ...contact, email: '' }, undefined, { effective: false, reason: 'emailMissing' }],
    [
      'an email that is not a string',
      { ...contact, email: 42 },
      undefined,
      { effective: false, reason: 'emailMissing' },
    ],
    ['a contact', contact, undefined, { effective: true }],
    ['a contact, whatever the organization', contact, inactive, { effective: true }],
    ['a lead', { ...contact, module: 'leads' }, undefined, { effective: true }],
    ['a partner contact of an active partner', partner, active, { effective: true }],
    [
      'a partner contact of an inactive partner',
      partner,
      inactive,
      { effective: false, reason: 'organizationInactive' },
    ],
    ['a partner contact of no organization', partner, undefined, { effective: false, reason: 'organizationInactive' }],
    ['a partner without a status', partner, {}, { effective: false, reason: 'organizationInactive' }],
    [
      'a partner status "active" (wrong case)',
      partner,
      { partnerStatus: 'active' },
      { effective: false, reason: 'organizationInactive' },
    ],
    [
      'a partner contact without email, inactive partner',
      { ...partner, email: undefined },
      inactive,
      { effective: false, reason: 'emailMissing' },
    ],
  ])('%s', (_what, person, organization, verdict) => {
    expect(evaluateAccess(person as Person, organization as Organization, today)).toEqual(verdict);
  });

  const windowed = (supportStartDate?: string, supportEndDate?: string) => ({
    ...contact,
    portal: { enabled: true, supportStartDate, supportEndDate },
  });
  it.each<[string, Loose, AccessVerdict]>([
    ['no window at all', windowed(), { effective: true }],
    ['inside the window', windowed('2026-12-01', '2026-12-03'), { effective: true }],
    ['a window of today alone (both ends inclusive)', windowed(today, today), { effective: true }],
    ['the window began yesterday, no end', windowed('2026-12-01'), { effective: true }],
    ['the window ends today, no start', windowed(undefined, today), { effective: true }],
    [
      'the window starts tomorrow',
      windowed('2026-12-03', '2027-01-01'),
      { effective: false, reason: 'outsideSupportWindow' },
    ],
    [
      'the window ended yesterday',
      windowed('2026-01-01', '2026-12-01'),
      { effective: false, reason: 'outsideSupportWindow' },
    ],
    ['only an end, yesterday', windowed(undefined, '2026-12-01'), { effective: false, reason: 'outsideSupportWindow' }],
    [
      'outside the window and the flag off: the flag is named',
      { ...windowed(undefined, '2026-12-01'), portal: { enabled: false, supportEndDate: '2026-12-01' } },
      { effective: false, reason: 'portalDisabled' },
    ],
  ])('%s', (_what, person, verdict) => {
    expect(evaluateAccess(person as Person, undefined, today)).toEqual(verdict);
  });

  it('names an inactive partner organization before the window', () => {
    const person = { ...partner, portal: { enabled: true, supportEndDate: '2026-01-01' } };
    expect(evaluateAccess(person, inactive, today)).toEqual({ effective: false, reason: 'organizationInactive' });
    expect(evaluateAccess(person, active, today)).toEqual({ effective: false, reason: 'outsideSupportWindow' });
  });
});

describe('todayIn: the date in the deployment zone', () => {
  it.each([
    ['UTC', '2026-12-01T23:30:00Z', '2026-12-01'],
    ['Europe/Berlin', '2026-12-01T23:30:00Z', '2026-12-02'],
    ['America/Los_Angeles', '2026-12-02T07:59:00Z', '2026-12-01'],
    ['Pacific/Kiritimati', '2026-12-01T10:00:00Z', '2026-12-02'],
    // UTC takes the shortcut without Intl; the day turns at midnight exactly.
    ['UTC', '2026-12-01T23:59:59.999Z', '2026-12-01'],
    ['UTC', '2026-12-02T00:00:00Z', '2026-12-02'],
  ])('%s at %s is %s', (zone, instant, date) => {
    expect(todayIn(zone, new Date(instant))).toBe(date);
  });

  it('a window ending on the 1st is over in Berlin while it is still the 1st in UTC', () => {
    const portal = { enabled: true, supportEndDate: '2026-12-01' };
    const instant = new Date('2026-12-01T23:30:00Z');
    expect(insideSupportWindow(portal, todayIn('UTC', instant))).toBe(true);
    expect(insideSupportWindow(portal, todayIn('Europe/Berlin', instant))).toBe(false);
  });
});

describe('the date is read only when a support window needs it', () => {
  const person = { module: 'contacts', email: 'a@example.com', portal: { enabled: true } };

  it('never asks for the date of a person without a window', () => {
    const today = jest.fn(() => '2026-12-02');
    expect(evaluateAccess(person, undefined, today)).toEqual({ effective: true });
    expect(today).not.toHaveBeenCalled();
  });

  it.each([
    [{ supportStartDate: '2026-12-03' }, false],
    [{ supportEndDate: '2026-12-01' }, false],
    [{ supportStartDate: '2026-12-01', supportEndDate: '2026-12-02' }, true],
  ])('asks once for a window %j and decides as with the date given', (window, inside) => {
    const today = jest.fn(() => '2026-12-02');
    const withWindow = { ...person, portal: { enabled: true, ...window } };
    expect(evaluateAccess(withWindow, undefined, today).effective).toBe(inside);
    expect(evaluateAccess(withWindow, undefined, '2026-12-02').effective).toBe(inside);
    expect(today).toHaveBeenCalledTimes(1);
  });
});

describe('the status staff see now', () => {
  it.each<[IneffectiveReason, string]>([
    ['personDeleted', 'revoked'],
    ['portalDisabled', 'revoked'],
    ['emailMissing', 'suspended'],
    ['organizationInactive', 'suspended'],
    ['outsideSupportWindow', 'suspended'],
  ])('%s leads to %s', (reason, status) => {
    expect(ineffectiveStatus(reason)).toBe(status);
  });

  const ended: AccessVerdict = { effective: false, reason: 'outsideSupportWindow' };
  it.each<[string, Parameters<typeof statusNow>[0], AccessVerdict, ReturnType<typeof statusNow>]>([
    [
      'active, window ended overnight',
      { status: 'active' },
      ended,
      { status: 'suspended', reason: 'outsideSupportWindow' },
    ],
    ['invited, window ended', { status: 'invited' }, ended, { status: 'suspended', reason: 'outsideSupportWindow' }],
    ['pending, window ended', { status: 'pending' }, ended, { status: 'suspended', reason: 'outsideSupportWindow' }],
    [
      'suspended for the organization, now the window',
      { status: 'suspended', reason: 'organizationInactive' },
      ended,
      { status: 'suspended', reason: 'outsideSupportWindow' },
    ],
    [
      'failed after a bounce, flag now off',
      { status: 'failed', reason: 'emailBounced' },
      { effective: false, reason: 'portalDisabled' },
      { status: 'revoked', reason: 'portalDisabled' },
    ],
    ['never had access', undefined, { effective: false, reason: 'portalDisabled' }, { status: 'none' }],
    ['active and effective', { status: 'active' }, { effective: true }, { status: 'active' }],
    [
      'suspended by the window, window began (login not enabled yet)',
      { status: 'suspended', reason: 'outsideSupportWindow' },
      { effective: true },
      { status: 'suspended', reason: 'outsideSupportWindow' },
    ],
    [
      'failed after a bounce, still effective',
      { status: 'failed', reason: 'emailBounced' },
      { effective: true },
      { status: 'failed', reason: 'emailBounced' },
    ],
  ])('%s', (_what, recorded, verdict, expected) => {
    expect(statusNow(recorded, verdict)).toEqual(expected);
  });
});
