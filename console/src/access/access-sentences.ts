/**
 * The Portal panel's words: a person's access status (GET /<module>/{id}/portal-access, the `PortalAccess` schema),
 * its history as a timeline, and the warnings staff need before they expect an invitation to go out.
 */

export type AccessStatus = 'none' | 'pending' | 'invited' | 'active' | 'suspended' | 'failed' | 'revoked';

export interface HistoryEntry {
  readonly at: string;
  readonly actor: string;
  readonly event: string;
  readonly detail?: Readonly<Record<string, unknown>>;
}

export interface PortalAccess {
  readonly status: AccessStatus;
  readonly reason?: string;
  readonly recordedStatus?: AccessStatus;
  readonly effective: boolean;
  readonly ineffectiveBecause?: string;
  readonly invitedAt?: string;
  readonly activatedAt?: string;
  readonly lastSignInAt?: string;
  readonly lastError?: string;
  readonly history: readonly HistoryEntry[];
}

/** Why access is not in effect (shared/access/evaluate-access.ts `ineffectiveReasons`), as staff would say it. */
const reasons: Readonly<Record<string, string>> = {
  personDeleted: 'the person was deleted from the CRM',
  portalDisabled: 'the portal flag is off',
  emailMissing: 'the person has no email address',
  organizationInactive: "the partner organization's Partner Status is Inactive",
  outsideSupportWindow: 'today is outside the support start and end dates',
  emailBounced: 'the invitation bounced',
  emailComplained: 'the recipient marked the invitation as spam',
};

export function reasonSentence(reason: string | undefined): string | undefined {
  return reason === undefined ? undefined : (reasons[reason] ?? reason);
}

/** Short name of a status, for its badge. */
export const statusLabels: Readonly<Record<AccessStatus, string>> = {
  none: 'No portal access',
  pending: 'Pending',
  invited: 'Invited',
  active: 'Active',
  suspended: 'Suspended',
  failed: 'Failed',
  revoked: 'Revoked',
};

/** Provisioning is still under way: the panel polls until this is false. */
export function isSettling(access: PortalAccess): boolean {
  return (
    access.status === 'pending' || (access.recordedStatus !== undefined && access.recordedStatus !== access.status)
  );
}

/** One sentence on where the person's access stands. */
export function statusSentence(access: PortalAccess, formatTime: (iso: string) => string): string {
  const reason = reasonSentence(access.reason ?? access.ineffectiveBecause);
  switch (access.status) {
    case 'none':
      return 'This person has no portal access. Tick the portal flag to invite them.';
    case 'pending':
      return 'The login is being set up; the invitation goes out in a moment.';
    case 'invited':
      return access.invitedAt
        ? `Invited on ${formatTime(access.invitedAt)}; they have not signed in yet.`
        : 'Invited; they have not signed in yet.';
    case 'active':
      return access.lastSignInAt
        ? `Active. Last signed in on ${formatTime(access.lastSignInAt)}.`
        : 'Active; they have chosen a password.';
    case 'suspended':
      return `Suspended because ${reason ?? 'access is not in effect'}. Access comes back by itself when that changes.`;
    case 'failed':
      return `Setting up the login failed${access.lastError ? `: ${access.lastError}` : ''}. Resend the invitation or repair.`;
    case 'revoked':
      return `Revoked because ${reason ?? 'access was taken away'}. The person can no longer sign in.`;
  }
}

/** What became of the invitation: sent, bounced, or spam, newest event first. */
export function invitationSentence(access: PortalAccess, formatTime: (iso: string) => string): string | undefined {
  for (const entry of access.history) {
    if (entry.event === 'emailBounced') return `The invitation bounced on ${formatTime(entry.at)}.`;
    if (entry.event === 'emailComplained') return `The invitation was marked as spam on ${formatTime(entry.at)}.`;
    if (entry.event === 'invitationSent') return `Invitation sent on ${formatTime(entry.at)}.`;
  }
  return undefined;
}

function actorName(actor: string): string {
  if (actor.startsWith('staff:')) return 'staff';
  if (actor === 'ses') return 'the mail service';
  if (actor === 'sign-in') return 'the person signing in';
  if (actor === 'reconcile') return 'a repair';
  return 'the portal';
}

const events: Readonly<Record<string, string>> = {
  portalEnabled: 'Portal access granted',
  portalDisabled: 'Portal access taken away',
  invitationSent: 'Invitation sent',
  invitationRequested: 'Invitation asked for again',
  passwordResetRequested: 'Password reset asked for',
  signInRefused: 'Sign-in refused',
  emailChanged: 'Sign-in email changed',
  usernameChanged: 'Username changed',
  supportEndReminderSent: 'Support end reminder sent',
  emailBounced: 'Invitation bounced',
  emailComplained: 'Invitation marked as spam',
};

/** One line of the history timeline. */
export function historyLine(entry: HistoryEntry): string {
  if (entry.event === 'statusChanged') {
    const to = String(entry.detail?.to ?? '');
    const label = statusLabels[to as AccessStatus] ?? to;
    const error = typeof entry.detail?.error === 'string' ? `: ${entry.detail.error}` : '';
    return `Status became ${label.toLowerCase()}${error} (by ${actorName(entry.actor)})`;
  }
  const words = events[entry.event] ?? entry.event.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return `${words} (by ${actorName(entry.actor)})`;
}

/** Shown beside a partner contact's Portal panel while the organization cannot let anyone in. */
export function inactiveOrganizationWarning(
  module: string,
  organization: Readonly<Record<string, unknown>> | undefined,
): string | undefined {
  if (module !== 'partner-contacts' || !organization) return undefined;
  return organization.partnerStatus === 'Active'
    ? undefined
    : "This partner contact's organization is Inactive: no invitation will be sent until the organization is Active.";
}

/**
 * A record shown on the portal reaches the contact it names and, for a partner organization, its partner contacts;
 * one linked only to a customer organization (or to nobody) reaches no one.
 */
export function shownToNobodyWarning(record: Readonly<Record<string, unknown>>): string | undefined {
  if (record.showOnPortal !== true || typeof record.contactId === 'string') return undefined;
  if (typeof record.organizationId === 'string' && record.organizationId.startsWith('porg_')) return undefined;
  return 'Shown on the portal, but to nobody: link it to a contact so someone can see it.';
}
