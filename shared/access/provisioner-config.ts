import { CognitoIdentityProviderClient } from '../aws/client-cognito-identity-provider';
import { DynamoDBClient } from '../aws/client-dynamodb';
import { SESv2Client } from '../aws/client-sesv2';
import { userPools } from '../security/user-pools';
import { defaultAccessMaxFailures } from '../config/provisioning-defaults';
import { brandingFromEnvironment, type Branding } from '../branding/branding';
import { createProvisioner } from './provisioning';
import { createAccountQuota } from '../quotas/account-quota';
import { paced, type WaitLimit } from '../quotas/paced-clients';
import { quotaRatesFrom } from '../quotas/quota-rates';
import { readProvisionerConfig, type ProvisionerConfig } from './provisioner-environment';

/**
 * `waitUntil`: until when a caller may wait for a quota permit before its work is deferred (QuotaDeferred). The
 * stream controller waits until shortly before its invocation ends; a staff request a few seconds.
 */
export function provisionerFromEnvironment(env: NodeJS.ProcessEnv = process.env, waitUntil?: WaitLimit) {
  return provisionerFromConfig(readProvisionerConfig(env), new DynamoDBClient({}), waitUntil);
}

/** The clients and the provisioner for a checked environment, beside the function's DynamoDB client. */
export function provisionerFromConfig(
  config: ProvisionerConfig,
  dynamo: DynamoDBClient,
  waitUntil?: WaitLimit,
  branding: Branding = brandingFromEnvironment(config.BRANDING),
) {
  const permits = createAccountQuota({ dynamo, tableName: config.TABLE_NAME, rates: quotaRatesFrom(config) });
  // Adaptive retries slow down on throttling instead of hammering a busy Cognito; the permits keep it rare.
  const cognito = paced(
    new CognitoIdentityProviderClient({ retryMode: 'adaptive', maxAttempts: 6 }),
    permits,
    waitUntil,
  );
  const ses = paced(new SESv2Client({ retryMode: 'adaptive', maxAttempts: 6 }), permits, waitUntil);
  return {
    config,
    branding,
    dynamo,
    cognito,
    ses,
    permits,
    provisioner: createProvisioner({
      dynamo,
      tableName: config.TABLE_NAME,
      timeZone: config.TIME_ZONE,
      cognito,
      userPoolId: config.PORTAL_USER_POOL_ID,
      ses,
      senderEmail: config.SENDER_EMAIL,
      configurationSetName: config.SES_CONFIGURATION_SET || undefined,
      signInUrl: config.PORTAL_SIGN_IN_URL,
      branding,
      temporaryPasswordValidityDays: userPools.portal.temporaryPasswordValidityDays,
      maxFailures: Number(config.ACCESS_MAX_FAILURES ?? defaultAccessMaxFailures),
    }),
  };
}
