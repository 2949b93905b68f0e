import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { PostAuthenticationTriggerEvent } from 'aws-lambda';
import { logger } from '../shared/observability/logger';
import { recordSignIn } from '../shared/portal/sign-in-events';
import { readTriggerConfig } from '../shared/portal/trigger-config';

const config = readTriggerConfig();
const dynamo = new DynamoDBClient({});
const cognito = new CognitoIdentityProviderClient({});

/** Post authentication: records the sign-in. Best effort: bookkeeping never blocks a sign-in. */
export const handler = async (event: PostAuthenticationTriggerEvent): Promise<PostAuthenticationTriggerEvent> => {
  if (event.userPoolId === config.STAFF_USER_POOL_ID) return event;
  try {
    const outcome = await recordSignIn(
      { dynamo, tableName: config.TABLE_NAME, cognito, userPoolId: event.userPoolId },
      event.userName,
      event.request.userAttributes['cognito:user_status'],
    );
    logger.info('Portal sign-in recorded', { personId: event.userName, outcome });
  } catch (error) {
    logger.error('Could not record a portal sign-in', { personId: event.userName, error: error as Error });
  }
  return event;
};
