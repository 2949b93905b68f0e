import {
  evaluateAccess,
  type IneffectiveReason,
  type OrganizationForAccess,
  type PersonForAccess,
} from '../access/evaluate-access';

/**
 * Whether a person may use the portal right now: access effective (flag, email, partner organization, not
 * deleted) and today inside the support window. Asked at every token issue (sign-in, hosted sign-in,
 * refresh) and on every portal request, so revocation and the end of the window take effect at once.
 */
export type SessionRefusal = IneffectiveReason | 'beforeSupportWindow' | 'afterSupportWindow';

export type SessionVerdict = { readonly allowed: true } | { readonly allowed: false; readonly reason: SessionRefusal };

/** What a refused person is told, whatever the reason: no hint of which accounts exist or why. */
export const refusalMessage = 'Portal access is not available for this account. Contact your account manager.';

/** Today's date (`YYYY-MM-DD`) in the deployment's time zone. */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

export function evaluatePortalSession(
  person: (PersonForAccess & { portal?: { supportStartDate?: unknown; supportEndDate?: unknown } }) | undefined,
  partnerOrganization: OrganizationForAccess | undefined,
  today: string,
): SessionVerdict {
  const access = evaluateAccess(person, partnerOrganization);
  if (!access.effective) return { allowed: false, reason: access.reason };
  const { supportStartDate: start, supportEndDate: end } = person?.portal ?? {};
  // ISO dates compare as strings; both ends are inclusive.
  if (typeof start === 'string' && today < start) return { allowed: false, reason: 'beforeSupportWindow' };
  if (typeof end === 'string' && today > end) return { allowed: false, reason: 'afterSupportWindow' };
  return { allowed: true };
}
