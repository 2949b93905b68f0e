import * as z from 'zod/mini';
import { readConfig } from '../config/read-config';

/** What the portal's Cognito triggers and API read from their environment, checked at cold start. */
export const portalEnvironment = z.object({
  TABLE_NAME: z.string().check(z.minLength(1)),
  PORTAL_USER_POOL_ID: z.string().check(z.minLength(1)),
  TIME_ZONE: z.string().check(
    z.refine((zone) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    }, 'an IANA time zone such as Europe/Berlin'),
  ),
});

export const readPortalConfig = () => readConfig(portalEnvironment);
