import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createAccessMachine } from './access-machine';

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
  const error =
    reason === 'emailBounced' ? 'The invitation bounced permanently.' : 'The recipient marked the invitation as spam.';
  const outcome = await createAccessMachine(deps).markEmailFailed(personId, messageId, reason, error);
  return outcome.applied ? 'marked' : 'stale';
}
