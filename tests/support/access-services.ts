import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { localCredentials, localRegion } from '../../infra/local/local-aws';
import { localSenderEmail } from '../../infra/local/local-stack';
import type { LocalOutputs } from '../../infra/outputs';
import { userPools } from '../../shared/security/user-pools';
import { createAccessAdmin } from '../../shared/access/access-admin';
import { createDailyAccessCheck } from '../../shared/access/daily-access-check';
import { createProvisioner } from '../../shared/access/provisioning';

/**
 * The access services the functions run (staff status, the controller, the daily check), built in the test process
 * against the local stack's emulators with a clock the test controls: "tomorrow" without waiting a day. Only for
 * one person at a time (`checkPerson`, `status`), so other tests sharing the stack never see a shifted clock.
 */
export function accessServicesAt(outputs: LocalOutputs, now: () => Date, options: { reminderDays?: number } = {}) {
  const aws = { region: localRegion, credentials: localCredentials };
  const dynamo = new DynamoDBClient({ ...aws, endpoint: outputs.DynamoDbEndpoint });
  const cognito = new CognitoIdentityProviderClient({ ...aws, endpoint: outputs.CognitoEndpoint });
  const ses = new SESv2Client({ ...aws, endpoint: outputs.SesEndpoint });
  // The local stack's zone (TIME_ZONE unset: UTC).
  const timeZone = 'UTC';
  const provisioner = createProvisioner({
    dynamo,
    tableName: outputs.TableName,
    timeZone,
    cognito,
    userPoolId: outputs.PortalUserPoolId,
    ses,
    senderEmail: localSenderEmail,
    signInUrl: outputs.PortalWebUrl,
    temporaryPasswordValidityDays: userPools.portal.temporaryPasswordValidityDays,
    maxFailures: 5,
    now,
  });
  return {
    admin: createAccessAdmin({ dynamo, tableName: outputs.TableName, provisioner, timeZone, now }),
    daily: createDailyAccessCheck({
      dynamo,
      tableName: outputs.TableName,
      timeZone,
      provisioner,
      reminderDays: options.reminderDays ?? 0,
      signInUrl: outputs.PortalWebUrl,
      now,
    }),
    dynamo,
    close() {
      dynamo.destroy();
      cognito.destroy();
      ses.destroy();
    },
  };
}
