import { CognitoIdentityProviderClient } from '../aws/client-cognito-identity-provider';
import { DynamoDBClient } from '../aws/client-dynamodb';
import { SESv2Client } from '../aws/client-sesv2';
import * as v from 'valibot';
import { emailAddress, isHttpUrl } from '../modules/fields';
import { userPools } from '../security/user-pools';
import { defaultAccessMaxFailures } from '../config/provisioning-defaults';
import { brandingFromEnvironment } from '../branding/branding';
import { readConfig } from '../config/read-config';
import { timeZone } from '../config/time-zone';
import { createProvisioner } from './provisioning';
import { createAccountQuota } from '../quotas/account-quota';
import { paced, type WaitLimit } from '../quotas/paced-clients';
import { quotaRatesFrom, rateVariablePattern } from '../quotas/quota-rates';

const nonEmpty = v.pipe(v.string(), v.minLength(1));

/** What every function that provisions logins reads from its environment, checked at cold start. */
export const provisionerEnvironment = v.object({
  TABLE_NAME: nonEmpty,
  /** Support windows are dates in this zone: the controller keeps a login only inside one. */
  TIME_ZONE: timeZone,
  PORTAL_USER_POOL_ID: nonEmpty,
  SENDER_EMAIL: v.pipe(v.string(), v.regex(emailAddress, 'must be an email address'), v.metadata({ format: 'email' })),
  PORTAL_SIGN_IN_URL: v.pipe(
    v.string(),
    v.trim(),
    v.check((value) => isHttpUrl(value), 'must be an http or https URL'),
    v.metadata({ format: 'uri' }),
  ),
  SES_CONFIGURATION_SET: v.optional(v.string()),
  /** Account-wide rates (shared/quotas/quota-rates.ts) per second; `unlimited` lifts one (benchmarks). */
  COGNITO_CREATE_RATE: v.optional(v.pipe(v.string(), v.regex(rateVariablePattern))),
  COGNITO_UPDATE_RATE: v.optional(v.pipe(v.string(), v.regex(rateVariablePattern))),
  SES_SEND_RATE: v.optional(v.pipe(v.string(), v.regex(rateVariablePattern))),
  ACCESS_MAX_FAILURES: v.optional(v.pipe(v.string(), v.regex(/^[1-9][0-9]*$/))),
  /** The deployment's branding as JSON (shared/branding/branding.ts); absent: the default. */
  BRANDING: v.optional(v.string()),
});

// Declared once beside the other provisioning defaults; named here too for this module's readers.

/**
 * `waitUntil`: until when a caller may wait for a quota permit before its work is deferred (QuotaDeferred). The
 * stream controller waits until shortly before its invocation ends; a staff request a few seconds.
 */
export function provisionerFromEnvironment(env: NodeJS.ProcessEnv = process.env, waitUntil?: WaitLimit) {
  const config = readConfig(provisionerEnvironment, env);
  const branding = brandingFromEnvironment(config.BRANDING);
  const dynamo = new DynamoDBClient({});
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
