import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { PreTokenGenerationTriggerEvent } from 'aws-lambda';
import { logger } from '../shared/observability/logger';
import { loadPersonWithOrganization } from '../shared/portal/people-store';
import { evaluatePortalSession, refusalMessage, todayIn } from '../shared/portal/portal-session';
import { recordRefusedSignIn } from '../shared/portal/sign-in-events';
import { readTriggerConfig } from '../shared/portal/trigger-config';

const config = readTriggerConfig();
const dynamo = new DynamoDBClient({});

/**
 * Pre token generation: runs at every token issue — password sign-in, hosted sign-in and refresh — and
 * refuses tokens when portal access is not effective now. Every refusal reads the same to the person; the
 * reason goes to the log and the access history. Accepted tokens carry the person's id and module.
 */
export const handler = async (event: PreTokenGenerationTriggerEvent): Promise<PreTokenGenerationTriggerEvent> => {
  // cognito-local calls its triggers for every pool; in AWS this trigger is attached to the portal pool only.
  if (event.userPoolId === config.STAFF_USER_POOL_ID) return event;
  const personId = event.userName;
  const { person, organization } = await loadPersonWithOrganization(dynamo, config.TABLE_NAME, personId);
  const verdict = evaluatePortalSession(person, organization, todayIn(config.TIME_ZONE));
  if (!verdict.allowed) {
    logger.warn('Portal token refused', { personId, reason: verdict.reason, trigger: event.triggerSource });
    await recordRefusedSignIn({ dynamo, tableName: config.TABLE_NAME }, personId, {
      reason: verdict.reason,
      trigger: event.triggerSource,
    }).catch((error: unknown) => logger.error('Could not record the refusal', { personId, error: error as Error }));
    throw new Error(refusalMessage);
  }
  event.response = {
    ...event.response,
    claimsOverrideDetails: {
      ...event.response?.claimsOverrideDetails,
      claimsToAddOrOverride: { portal_person_id: person!.id, portal_module: person!.module },
    },
  };
  return event;
};
