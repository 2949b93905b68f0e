import type { Organization, Person } from '../people/person-loader';

/**
 * Whether a person's portal access is effective on a given day, and if not, why. Pure: it takes the stored records
 * and today's date in the deployment's time zone, and answers. Every place that decides access asks it: staff
 * status, the provisioning controller and the daily check (what Cognito should hold), the sign-in and token
 * gates, and every portal API request. Evaluated at the moment of asking, never cached, so the end of a support
 * window counts from its first day without anyone editing anything.
 */
export const ineffectiveReasons = [
  'personDeleted',
  'portalDisabled',
  'emailMissing',
  'organizationInactive',
  'outsideSupportWindow',
] as const;
export type IneffectiveReason = (typeof ineffectiveReasons)[number];

export type AccessVerdict =
  { readonly effective: true } | { readonly effective: false; readonly reason: IneffectiveReason };

/** What the verdict reads of a person (shared/people/person-loader.ts) and of their partner organization. */
export type PersonForAccess = Pick<Person, 'module' | 'email' | 'organizationId' | 'portal'>;
export type OrganizationForAccess = Pick<Organization, 'partnerStatus'>;

const dayFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * Today's date (`YYYY-MM-DD`) in `timeZone`: support windows are whole days there. UTC's date needs no `Intl`;
 * another zone's formatter is built once per process, on the first date asked for there.
 */
export function todayIn(timeZone: string, now: Date): string {
  if (timeZone === 'UTC') return now.toISOString().slice(0, 10);
  let format = dayFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormats.set(timeZone, format);
  }
  return format.format(now);
}

/** Today's date, or how to learn it when it is needed: only a support window needs the date. */
export type Today = string | (() => string);

/** Whether `today` lies in the person's support window; both ends inclusive, an absent end is open. */
export function insideSupportWindow(portal: PersonForAccess['portal'], today: Today): boolean {
  const { supportStartDate: start, supportEndDate: end } = portal ?? {};
  if (typeof start !== 'string' && typeof end !== 'string') return true;
  const date = typeof today === 'string' ? today : today();
  // ISO dates compare as strings.
  if (typeof start === 'string' && date < start) return false;
  if (typeof end === 'string' && date > end) return false;
  return true;
}

/**
 * The reasons are checked in this order, so the answer names the most fundamental one: a deleted person, then the
 * flag staff set, then what the login needs (an email), then the partner organization, then the window.
 */
export function evaluateAccess(
  person: PersonForAccess | undefined,
  partnerOrganization: OrganizationForAccess | undefined,
  today: Today,
): AccessVerdict {
  if (!person) return { effective: false, reason: 'personDeleted' };
  if (person.portal?.enabled !== true) return { effective: false, reason: 'portalDisabled' };
  // Stored emails were validated and normalised on write; an absent one is the only way to lack one.
  if (typeof person.email !== 'string' || person.email === '') return { effective: false, reason: 'emailMissing' };
  if (person.module === 'partner-contacts' && partnerOrganization?.partnerStatus !== 'Active') {
    return { effective: false, reason: 'organizationInactive' };
  }
  if (!insideSupportWindow(person.portal, today)) return { effective: false, reason: 'outsideSupportWindow' };
  return { effective: true };
}
