import { CognitoIdentityProviderClient } from '../shared/aws/client-cognito-identity-provider';
import { DynamoDBClient } from '../shared/aws/client-dynamodb';
import type { PreTokenGenerationTriggerEvent } from 'aws-lambda';
import { refusalMessage } from '../shared/portal/portal-session';
import { admit, countSignIn } from '../shared/portal/sign-in-gate';
import { readTriggerConfig } from '../shared/portal/trigger-config';

const config = readTriggerConfig();
const dynamo = new DynamoDBClient({});
const cognito = new CognitoIdentityProviderClient({});
const deps = { dynamo, cognito, tableName: config.TABLE_NAME, timeZone: config.TIME_ZONE };

/**
 * Pre token generation: runs at every token issue — password sign-in, hosted sign-in, new password and refresh —
 * and refuses tokens when portal access is not effective now (a refresh never meets the sign-in check). Every
 * refusal reads the same to the person. An issued sign-in token (not a refresh) is what counts as signing in:
 * `lastSignInAt`, invited → active. Accepted tokens carry the person's id and module.
 */
export const handler = async (event: PreTokenGenerationTriggerEvent): Promise<PreTokenGenerationTriggerEvent> => {
  // cognito-local calls its triggers for every pool; in AWS this trigger is attached to the portal pool only.
  if (event.userPoolId === config.STAFF_USER_POOL_ID) return event;
  const { verdict, person } = await admit(deps, event.userName, event.triggerSource);
  if (!verdict.effective || !person) throw new Error(refusalMessage);
  await countSignIn(deps, event, event.request.userAttributes['cognito:user_status']);
  event.response = {
    ...event.response,
    claimsOverrideDetails: {
      ...event.response?.claimsOverrideDetails,
      claimsToAddOrOverride: { portal_person_id: person.id, portal_module: person.module },
    },
  };
  return event;
};
