import { historyItem as catalogHistoryItem } from '../data/keys';
import type { AccessVerdict, IneffectiveReason } from './evaluate-access';

/**
 * The portal-access state of one person, kept beside the person's record (same partition):
 * `ACCESS` holds the current state, `HISTORY#<time>#<id>` items the audit trail. They outlive the person,
 * so the trail survives a deletion.
 */
export type AccessStatus = 'none' | 'pending' | 'invited' | 'active' | 'suspended' | 'failed' | 'revoked';

/**
 * Where access that is not effective leads: taken away by staff (flag off, person deleted) → `revoked`; anything
 * that can come back without staff re-granting it (support window, partner organization, email) → `suspended`.
 * The controller writes it when it disables the login; staff status shows it from the moment the verdict changes.
 */
export function ineffectiveStatus(reason: IneffectiveReason): 'revoked' | 'suspended' {
  return reason === 'personDeleted' || reason === 'portalDisabled' ? 'revoked' : 'suspended';
}

/**
 * The status staff see now: the recorded one, unless access stopped being effective since it was recorded (the
 * support window ended overnight, say), in which case the status the controller will record (`suspended` with the
 * reason) is shown at once instead of a stale `active`. Access that became effective again keeps the recorded
 * `suspended` until the controller has enabled the login again, because until then the person cannot sign in.
 */
export function statusNow(
  recorded: Pick<AccessState, 'status' | 'reason'> | undefined,
  verdict: AccessVerdict,
): { readonly status: AccessStatus; readonly reason?: string } {
  const status = recorded?.status ?? 'none';
  if (!verdict.effective && status !== 'none')
    return { status: ineffectiveStatus(verdict.reason), reason: verdict.reason };
  if (!verdict.effective) return { status };
  return recorded?.reason ? { status, reason: recorded.reason } : { status };
}

// The access item's keys are in the key catalog (shared/data/keys.ts); named here too for this module's readers.
export {
  accessKey,
  accessListAttributes,
  accessListName,
  accessSortKey,
  accessStatusAttributes,
  accessStatusPartition,
  historyPrefix,
} from '../data/keys';

export interface InvitationClaim {
  readonly enablementId: string;
  readonly state: 'sending' | 'sent';
  readonly claimedAt: string;
  readonly messageId?: string;
}

export interface AccessState {
  readonly personId: string;
  readonly status: AccessStatus;
  readonly reason?: string;
  /** Changes each time staff enable access (or ask for a fresh invitation): one invitation per value. */
  readonly enablementId?: string;
  readonly invitation?: InvitationClaim;
  readonly invitedAt?: string;
  readonly activatedAt?: string;
  readonly lastSignInAt?: string;
  readonly lastError?: string;
  readonly failures?: number;
  readonly lastResendAt?: string;
  /** When staff last asked for a password reset code (one a minute). */
  readonly lastPasswordResetAt?: string;
  /** An email change whose notices are not sent yet: sent before this is cleared, so none is lost. */
  readonly pendingEmailNotice?: { readonly from: string; readonly to: string };
  readonly updatedAt?: string;
}

export interface HistoryEntry {
  readonly at: string;
  /** Who acted: `staff:<sub>`, `partner:<personId>` (a partner admin), `controller`, `reconcile`, `ses`, `sign-in`. */
  readonly actor: string;
  readonly event: string;
  readonly detail?: Record<string, unknown>;
}

/**
 * The history actor of someone who changed a person's record or asked for an invitation: record writes carry the
 * staff user's sub as it is, or `partner:<personId>` when a partner admin acted (shared/partners), kept as it is.
 */
export function accessActor(actor: string): string {
  return actor.startsWith('partner:') ? actor : `staff:${actor}`;
}

export function historyItem(personId: string, entry: HistoryEntry) {
  return catalogHistoryItem(personId, entry);
}

/** Every status, `none` standing for "no ACCESS item yet". */
export const accessStatuses: readonly AccessStatus[] = [
  'none',
  'pending',
  'invited',
  'active',
  'suspended',
  'failed',
  'revoked',
];

/**
 * The transitions of the access state machine (shared/access/access-machine.ts writes them): the statuses each may
 * start from (`any`: every status, `none` included where the write creates the item) and the status it leaves
 * (`same`: the status does not change). A guard narrower than `any` is part of the transition's conditional
 * write, so DynamoDB refuses a transition from a status not listed, even under concurrency.
 */
export const accessTransitions = {
  markPending: { from: 'any', to: 'pending' },
  ensureEnablement: { from: 'any', to: 'same' },
  renewEnablement: { from: 'any', to: 'same' },
  claimInvitation: { from: 'any', to: 'same' },
  releaseInvitation: { from: 'any', to: 'same' },
  markInvited: { from: 'any', to: 'invited' },
  confirmInvited: { from: 'any', to: 'invited' },
  markActive: { from: ['invited'], to: 'active' },
  confirmActive: { from: 'any', to: 'active' },
  suspend: { from: 'any', to: 'suspended' },
  revoke: { from: 'any', to: 'revoked' },
  recordFailure: { from: 'any', to: 'same' },
  markFailed: { from: ['none', 'pending', 'invited', 'active', 'suspended', 'revoked'], to: 'failed' },
  markEmailFailed: { from: ['pending', 'invited', 'active', 'suspended', 'failed', 'revoked'], to: 'failed' },
  requestResend: { from: ['invited', 'failed'], to: 'same' },
  requestPasswordReset: { from: ['active'], to: 'same' },
  giveBackPasswordReset: { from: 'any', to: 'same' },
  recordSignIn: { from: 'any', to: 'same' },
  noteEmailChange: { from: 'any', to: 'same' },
  markEmailChangeAnnounced: { from: 'any', to: 'same' },
  recordUsernameChange: { from: 'any', to: 'same' },
  claimReminder: { from: 'any', to: 'same' },
  releaseReminder: { from: 'any', to: 'same' },
  markReminderSent: { from: 'any', to: 'same' },
} as const satisfies Record<
  string,
  { readonly from: 'any' | readonly AccessStatus[]; readonly to: AccessStatus | 'same' }
>;

export type AccessTransitionName = keyof typeof accessTransitions;

/** Whether `transition` may start from `status` (before any other condition it has, such as a rate limit). */
export function transitionAllowed(transition: AccessTransitionName, status: AccessStatus): boolean {
  const { from } = accessTransitions[transition];
  return from === 'any' || (from as readonly AccessStatus[]).includes(status);
}
