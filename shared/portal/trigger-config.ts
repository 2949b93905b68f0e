import * as v from 'valibot';
import { readConfig } from '../config/read-config';
import { nonEmpty } from '../config/settings';
import { timeZone } from '../config/time-zone';

/**
 * What the portal pool's triggers read, checked at cold start. They skip the staff pool's events
 * (cognito-local runs its triggers for every pool; in AWS they are attached to the portal pool only).
 */
export const readTriggerConfig = () =>
  readConfig(
    v.object({
      TABLE_NAME: nonEmpty(),
      TIME_ZONE: timeZone,
      STAFF_USER_POOL_ID: nonEmpty(),
    }),
  );
