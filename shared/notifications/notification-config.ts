import { DynamoDBClient } from '../aws/client-dynamodb';
import { SESv2Client } from '../aws/client-sesv2';
import * as v from 'valibot';
import { httpUrl, nonEmpty, senderEmail } from '../config/settings';
import { createAccessEmailSender } from '../access/access-email-sender';
import { brandingFromEnvironment } from '../branding/branding';
import { readConfig } from '../config/read-config';
import { timeZone } from '../config/time-zone';
import { createNotificationLedger } from './notification-ledger';
import { createNotificationSender } from './notification-sender';
import { createAccountQuota } from '../quotas/account-quota';
import { paced } from '../quotas/paced-clients';
import { quotaRatesFrom, rateVariablePattern } from '../quotas/quota-rates';

/** What the notification function reads from its environment, checked at cold start. */
export const notificationEnvironment = v.object({
  TABLE_NAME: nonEmpty(),
  /** Support windows are dates in this zone: nobody outside theirs is emailed. */
  TIME_ZONE: timeZone,
  SENDER_EMAIL: senderEmail(),
  /** The portal web app: the emails' deep links point into it. */
  PORTAL_SIGN_IN_URL: httpUrl(),
  SES_CONFIGURATION_SET: v.optional(v.string()),
  /** The deployment's branding as JSON (shared/branding/branding.ts); absent: the default. */
  BRANDING: v.optional(v.string()),
  /** Account-wide SES sends per second, shared with invitations (shared/quotas/quota-rates.ts). */
  SES_SEND_RATE: v.optional(v.pipe(v.string(), v.regex(rateVariablePattern))),
});

/** How long a send waits for an SES permit behind a backlog before the record goes back to the stream's retry. */
const permitWaitMs = 30_000;

/** How long a notification claim protects a send in progress; the function's timeout leaves room to wait it out. */
export const notificationLeaseMs = 20_000;

export function notificationSenderFromEnvironment(env: NodeJS.ProcessEnv = process.env) {
  const config = readConfig(notificationEnvironment, env);
  const dynamo = new DynamoDBClient({});
  const permits = createAccountQuota({ dynamo, tableName: config.TABLE_NAME, rates: quotaRatesFrom(config) });
  const ses = paced(
    new SESv2Client({ retryMode: 'adaptive', maxAttempts: 6 }),
    permits,
    () => Date.now() + permitWaitMs,
  );
  return createNotificationSender({
    dynamo,
    tableName: config.TABLE_NAME,
    timeZone: config.TIME_ZONE,
    ledger: createNotificationLedger({ dynamo, tableName: config.TABLE_NAME }),
    // The same sender identity and configuration set as invitations, so bounces and complaints take the same path.
    sendEmail: createAccessEmailSender({
      ses,
      senderEmail: config.SENDER_EMAIL,
      configurationSetName: config.SES_CONFIGURATION_SET || undefined,
    }),
    branding: brandingFromEnvironment(config.BRANDING),
    portalUrl: config.PORTAL_SIGN_IN_URL,
    leaseMs: notificationLeaseMs,
    now: () => new Date(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  });
}
