import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { notificationSenderFromEnvironment } from '../shared/notifications/notification-config';
import { notifyStreamBatch } from '../shared/notifications/notify-stream-batch';

const sender = notificationSenderFromEnvironment();

/** The table's stream → notification emails (shared/notifications/notify-stream-batch.ts); failures name their records. */
export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const failed = await notifyStreamBatch(event.Records, { sender, concurrency: 8 });
  return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
};
