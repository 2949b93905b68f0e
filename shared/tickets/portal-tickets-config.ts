import * as v from 'valibot';
import { readConfig } from '../config/read-config';
import { nonEmpty } from '../config/settings';
import { timeZone } from '../config/time-zone';

/** What the portal's tickets read from their environment (functions/portal-tickets.ts), checked at cold start. */
export const readPortalTicketsConfig = () =>
  readConfig(
    v.object({
      TABLE_NAME: nonEmpty(),
      TIME_ZONE: timeZone,
      // Tickets a person may raise on the portal per day (in TIME_ZONE).
      PORTAL_TICKETS_PER_DAY: v.pipe(
        v.string(),
        v.regex(/^[1-9][0-9]{0,5}$/, 'a whole number from 1 to 999999'),
        v.transform(Number),
      ),
    }),
  );
