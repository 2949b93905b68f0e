import * as z from 'zod/mini';
import { readConfig } from '../config/read-config';
import { timeZone } from '../config/time-zone';

/** What the portal's tickets read from their environment (functions/portal-tickets.ts), checked at cold start. */
export const readPortalTicketsConfig = () =>
  readConfig(
    z.object({
      TABLE_NAME: z.string().check(z.minLength(1)),
      TIME_ZONE: timeZone,
      // Tickets a person may raise on the portal per day (in TIME_ZONE).
      PORTAL_TICKETS_PER_DAY: z.pipe(
        z.string().check(z.regex(/^[1-9][0-9]{0,5}$/, { message: 'a whole number from 1 to 999999' })),
        z.transform(Number),
      ),
    }),
  );
