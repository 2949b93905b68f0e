/**
 * Whether a person's portal access is effective, and if not, why. Pure: it takes the stored records and
 * answers; the controller and the Cognito triggers both ask it.
 */
export type IneffectiveReason = 'portalDisabled' | 'emailMissing' | 'organizationInactive' | 'personDeleted';

export type AccessVerdict =
  { readonly effective: true } | { readonly effective: false; readonly reason: IneffectiveReason };

export interface PersonForAccess {
  readonly module: string;
  readonly email?: unknown;
  readonly organizationId?: unknown;
  readonly portal?: { readonly enabled?: unknown } | undefined;
}

export interface OrganizationForAccess {
  readonly partnerStatus?: unknown;
}

export function evaluateAccess(
  person: PersonForAccess | undefined,
  partnerOrganization: OrganizationForAccess | undefined,
): AccessVerdict {
  if (!person) return { effective: false, reason: 'personDeleted' };
  if (person.portal?.enabled !== true) return { effective: false, reason: 'portalDisabled' };
  // Stored emails were validated and normalised on write; an absent one is the only way to lack one.
  if (typeof person.email !== 'string' || person.email === '') return { effective: false, reason: 'emailMissing' };
  if (person.module === 'partner-contacts' && partnerOrganization?.partnerStatus !== 'Active') {
    return { effective: false, reason: 'organizationInactive' };
  }
  return { effective: true };
}
