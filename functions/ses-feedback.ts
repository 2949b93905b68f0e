import { DynamoDBClient } from '../shared/aws/client-dynamodb';
import type { SNSEvent } from 'aws-lambda';
import * as v from 'valibot';
import { applyEmailFeedback, type SesEvent } from '../shared/access/email-feedback';
import { readConfig } from '../shared/config/read-config';
import { logger } from '../shared/observability/logger';

const config = readConfig(v.object({ TABLE_NAME: v.pipe(v.string(), v.minLength(1)) }));
const dynamo = new DynamoDBClient({});

/** SES bounce and complaint events, delivered through SNS from the configuration set. */
export const handler = async (event: SNSEvent): Promise<void> => {
  for (const record of event.Records) {
    let message: SesEvent;
    try {
      message = JSON.parse(record.Sns.Message) as SesEvent;
    } catch {
      logger.warn('Ignoring an SNS message that is not JSON', { messageId: record.Sns.MessageId });
      continue;
    }
    const outcome = await applyEmailFeedback({ dynamo, tableName: config.TABLE_NAME }, message);
    logger.info('SES feedback', {
      outcome,
      eventType: message.eventType ?? message.notificationType,
      messageId: message.mail?.messageId,
    });
  }
};
