import * as z from 'zod/mini';
import { readConfig } from '../config/read-config';
import { timeZone } from '../config/time-zone';

/** What the portal API reads from its environment, checked at cold start. */
export const readPortalConfig = () =>
  readConfig(
    z.object({
      TABLE_NAME: z.string().check(z.minLength(1)),
      TIME_ZONE: timeZone,
    }),
  );
