import * as v from 'valibot';
import { readConfig } from '../config/read-config';
import { nonEmpty } from '../config/settings';
import { timeZone } from '../config/time-zone';

/** DEAL_PROTECTION_DAYS: days an approved registration protects the partner (1 to 3650). */
export const dealProtectionDays = v.pipe(
  v.string(),
  v.regex(/^[1-9][0-9]{0,3}$/, 'a whole number of days from 1 to 9999'),
  v.transform(Number),
);

/** What a function reviewing deal registrations reads (functions/crm-records.ts): approving one sets its protection. */
export const readDealConfig = () =>
  readConfig(
    v.object({
      TABLE_NAME: nonEmpty(),
      TIME_ZONE: timeZone,
      DEAL_PROTECTION_DAYS: dealProtectionDays,
    }),
  );
