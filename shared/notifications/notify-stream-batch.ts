import type { DynamoDBRecord } from 'aws-lambda';
import { eachConcurrently } from '../access/each-concurrently';
import { compareSequenceNumbers } from '../data/sequence-numbers';
import { logger } from '../observability/logger';
import { planNotifications } from './notification-events';
import { described, type NotificationSender } from './notification-sender';

/**
 * The table's stream → notification emails. Each event is sent once (./notification-sender.ts); one that fails is
 * reported by its stream record, so Lambda retries from the first of them and never past it, and the events after
 * it that did go are found sent on the replay. Answers the failed sequence numbers, in order.
 */
export async function notifyStreamBatch(
  records: readonly DynamoDBRecord[],
  deps: { readonly sender: Pick<NotificationSender, 'send'>; readonly concurrency: number },
): Promise<string[]> {
  const events = planNotifications(records);
  const failed: string[] = [];
  const outcomes: Record<string, number> = {};
  await eachConcurrently(events, deps.concurrency, async (event) => {
    try {
      const result = await deps.sender.send(event);
      const name = result.outcome === 'skipped' ? `skipped:${result.reason}` : result.outcome;
      outcomes[name] = (outcomes[name] ?? 0) + 1;
      if (result.outcome !== 'already-sent') logger.info('Notification', { ...described(event), ...result });
    } catch (error) {
      failed.push(event.sequence);
      logger.error('Notification failed', { ...described(event), error: error as Error });
    }
  });
  logger.info('Notification batch done', {
    records: records.length,
    events: events.length,
    outcomes,
    failed: failed.length,
  });
  return [...new Set(failed)].sort(compareSequenceNumbers);
}
