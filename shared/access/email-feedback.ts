import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { transitionAccess } from './access-state';

/**
 * SES bounce and complaint events (event publishing through a configuration set) for invitations: the
 * person shows `failed` with `emailBounced` or `emailComplaint`, so staff know the invitation never landed.
 */
export interface SesEvent {
  readonly eventType?: string;
  readonly notificationType?: string;
  readonly mail?: { readonly messageId?: string; readonly tags?: Record<string, readonly string[]> };
  readonly bounce?: { readonly bounceType?: string; readonly bouncedRecipients?: readonly { emailAddress?: string }[] };
  readonly complaint?: { readonly complainedRecipients?: readonly { emailAddress?: string }[] };
}

export type FeedbackOutcome = 'marked' | 'ignored' | 'stale';

export async function applyEmailFeedback(
  deps: { readonly dynamo: DynamoDBClient; readonly tableName: string; readonly now?: () => Date },
  event: SesEvent,
): Promise<FeedbackOutcome> {
  const type = event.eventType ?? event.notificationType;
  const personId = event.mail?.tags?.personId?.[0];
  const purpose = event.mail?.tags?.purpose?.[0];
  const messageId = event.mail?.messageId;
  // A soft (transient) bounce may still be delivered; only permanent ones and complaints mean it failed.
  const reason =
    type === 'Complaint'
      ? 'emailComplaint'
      : type === 'Bounce' && event.bounce?.bounceType === 'Permanent'
        ? 'emailBounced'
        : undefined;
  if (!reason || !personId || !messageId || purpose !== 'invitation') return 'ignored';
  const at = (deps.now?.() ?? new Date()).toISOString();
  const outcome = await transitionAccess(deps, personId, {
    update: 'SET #status = :failed, reason = :reason, lastError = :error, updatedAt = :at',
    // Only the latest invitation counts: feedback on an older one must not undo a newer success.
    condition: 'invitation.messageId = :message',
    names: { '#status': 'status' },
    values: {
      ':failed': 'failed',
      ':reason': reason,
      ':error':
        reason === 'emailBounced'
          ? 'The invitation bounced permanently.'
          : 'The recipient marked the invitation as spam.',
      ':at': at,
      ':message': messageId,
    },
    history: { at, actor: 'ses', event: reason, detail: { messageId } },
  });
  return outcome.applied ? 'marked' : 'stale';
}
