import { TransactWriteItemsCommand, TransactionCanceledException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { accessKey, historyItem as catalogHistoryItem } from '../data/keys';
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
export { accessKey, accessListAttributes, accessListName, accessSortKey, historyPrefix } from '../data/keys';

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
  /** Who acted: `staff:<sub>`, `controller`, `reconcile`, `ses`, `sign-in`. */
  readonly actor: string;
  readonly event: string;
  readonly detail?: Record<string, unknown>;
}

export function historyItem(personId: string, entry: HistoryEntry) {
  return catalogHistoryItem(personId, entry);
}

export interface AccessTransition {
  readonly update: string;
  readonly condition: string;
  readonly values: Record<string, unknown>;
  readonly names?: Record<string, string>;
  readonly history: HistoryEntry;
}

/**
 * A conditional change of a person's access state and its history entry, in one transaction. Answers whether
 * the condition held; when it did not, with the state as it was, so the caller can say why.
 */
export async function transitionAccess(
  deps: { readonly dynamo: DynamoDBClient; readonly tableName: string },
  personId: string,
  transition: AccessTransition,
): Promise<{ readonly applied: true } | { readonly applied: false; readonly current?: AccessState }> {
  try {
    await deps.dynamo.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          {
            Update: {
              TableName: deps.tableName,
              Key: marshall(accessKey(personId)),
              UpdateExpression: transition.update,
              ConditionExpression: transition.condition,
              ...(transition.names ? { ExpressionAttributeNames: transition.names } : {}),
              ExpressionAttributeValues: marshall(transition.values),
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            },
          },
          {
            Put: {
              TableName: deps.tableName,
              Item: marshall(historyItem(personId, transition.history), { removeUndefinedValues: true }),
            },
          },
        ],
      }),
    );
    return { applied: true };
  } catch (error) {
    const reason = error instanceof TransactionCanceledException ? error.CancellationReasons?.[0] : undefined;
    if (reason?.Code !== 'ConditionalCheckFailed') throw error;
    return { applied: false, current: reason.Item ? (unmarshall(reason.Item) as AccessState) : undefined };
  }
}
