import * as v from 'valibot';
import { readConfig } from '../config/read-config';
import { httpUrl, nonEmpty, senderEmail } from '../config/settings';
import { timeZone } from '../config/time-zone';
import { rateVariablePattern } from '../quotas/quota-rates';

/**
 * What every function that provisions logins reads from its environment, checked at cold start. Apart from the
 * clients (./provisioner-config.ts), so a function that builds them on first use (./provisioner-on-demand.ts) still
 * refuses a broken environment at once.
 */
export const provisionerEnvironment = v.object({
  TABLE_NAME: nonEmpty(),
  /** Support windows are dates in this zone: the controller keeps a login only inside one. */
  TIME_ZONE: timeZone,
  PORTAL_USER_POOL_ID: nonEmpty(),
  SENDER_EMAIL: senderEmail(),
  PORTAL_SIGN_IN_URL: httpUrl(),
  SES_CONFIGURATION_SET: v.optional(v.string()),
  /** Account-wide rates (shared/quotas/quota-rates.ts) per second; `unlimited` lifts one (benchmarks). */
  COGNITO_CREATE_RATE: v.optional(v.pipe(v.string(), v.regex(rateVariablePattern))),
  COGNITO_UPDATE_RATE: v.optional(v.pipe(v.string(), v.regex(rateVariablePattern))),
  SES_SEND_RATE: v.optional(v.pipe(v.string(), v.regex(rateVariablePattern))),
  ACCESS_MAX_FAILURES: v.optional(v.pipe(v.string(), v.regex(/^[1-9][0-9]*$/))),
  /** The deployment's branding as JSON (shared/branding/branding.ts); absent: the default. */
  BRANDING: v.optional(v.string()),
});

export type ProvisionerConfig = v.InferOutput<typeof provisionerEnvironment>;

export const readProvisionerConfig = (env: NodeJS.ProcessEnv = process.env): ProvisionerConfig =>
  readConfig(provisionerEnvironment, env);
