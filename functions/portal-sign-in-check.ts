import { DynamoDBClient } from '../shared/aws/client-dynamodb';
import type { PreAuthenticationTriggerEvent } from 'aws-lambda';
import { refusalMessage } from '../shared/portal/portal-session';
import { admit } from '../shared/portal/sign-in-gate';
import { readTriggerConfig } from '../shared/portal/trigger-config';

const config = readTriggerConfig();
const dynamo = new DynamoDBClient({});
const deps = { dynamo, tableName: config.TABLE_NAME, timeZone: config.TIME_ZONE };

/**
 * Pre authentication: runs before Cognito looks at the password, so a refused person gets the same answer whether
 * the password typed was right or wrong (the token gate alone would refuse only after a right one, confirming it).
 */
export const handler = async (event: PreAuthenticationTriggerEvent): Promise<PreAuthenticationTriggerEvent> => {
  // cognito-local calls its triggers for every pool; in AWS this trigger is attached to the portal pool only.
  if (event.userPoolId === config.STAFF_USER_POOL_ID) return event;
  // A name nobody has (the app client prevents user existence errors): pass, so Cognito answers "Incorrect username
  // or password" exactly as for a wrong password. Refusing here would tell apart names that exist.
  if (event.request.userNotFound) return event;
  const { verdict } = await admit(deps, event.userName, event.triggerSource);
  if (!verdict.effective) throw new Error(refusalMessage);
  return event;
};
