import * as v from 'valibot';
import { readConfig } from '../config/read-config';
import { nonEmpty } from '../config/settings';
import { timeZone } from '../config/time-zone';

/** What the portal API reads from its environment, checked at cold start. */
export const readPortalConfig = () =>
  readConfig(
    v.object({
      TABLE_NAME: nonEmpty(),
      TIME_ZONE: timeZone,
    }),
  );
