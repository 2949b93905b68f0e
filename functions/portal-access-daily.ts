import * as v from 'valibot';
import { createDailyAccessCheck, DailyCheckIncomplete } from '../shared/access/daily-access-check';
import { provisionerFromEnvironment } from '../shared/access/provisioner-config';
import { readConfig } from '../shared/config/read-config';
import { dealProtectionDays } from '../shared/deals/deal-config';
import { createDealExpiry } from '../shared/deals/expire-deal-registrations';
import { logger } from '../shared/observability/logger';

const { config, branding, dynamo, provisioner } = provisionerFromEnvironment();
const reminders = readConfig(
  v.object({
    /** Days before a support window ends to remind the person; absent or 0: no reminders (the default). */
    SUPPORT_REMINDER_DAYS: v.optional(v.pipe(v.string(), v.regex(/^(0|[1-9][0-9]?)$/))),
    DEAL_PROTECTION_DAYS: dealProtectionDays,
  }),
);
const check = createDailyAccessCheck({
  dynamo,
  tableName: config.TABLE_NAME,
  timeZone: config.TIME_ZONE,
  provisioner,
  reminderDays: Number(reminders.SUPPORT_REMINDER_DAYS ?? 0),
  signInUrl: config.PORTAL_SIGN_IN_URL,
  branding,
});
const deals = createDealExpiry({
  dynamo,
  tableName: config.TABLE_NAME,
  timeZone: config.TIME_ZONE,
  protectionDays: reminders.DEAL_PROTECTION_DAYS,
});

/**
 * Daily, on a schedule (EventBridge Scheduler; a timer locally): logins follow support windows that began or ended
 * overnight, and reminders go out. The event carries nothing the check uses: it always asks the clock.
 */
export const handler = async (): Promise<{
  checked: number;
  reconciled: number;
  reminded: number;
  dealsExpired: number;
}> => {
  const summary = await check.run();
  logger.info('Daily access check done', { ...summary, failed: summary.failed.length });
  // Deal registrations whose protection ended, or which waited too long for review, expire (shared/deals).
  const expiry = await deals.run();
  logger.info('Deal registration expiry done', { ...expiry, failed: expiry.failed.length });
  if (expiry.failed.length > 0) {
    throw new DailyCheckIncomplete(
      `${expiry.failed.length} of ${expiry.checked} deal registrations could not be expired: ${expiry.failed.slice(0, 20).join('; ')}`,
    );
  }
  // Failing the invocation makes Lambda retry it, then hand the event to the failure queue (an alarm watches it).
  if (summary.failed.length > 0) {
    throw new DailyCheckIncomplete(
      `${summary.failed.length} of ${summary.checked} people could not be brought in line: ${summary.failed.slice(0, 20).join(', ')}`,
    );
  }
  return {
    checked: summary.checked,
    reconciled: summary.reconciled,
    reminded: summary.reminded,
    dealsExpired: expiry.expired,
  };
};
