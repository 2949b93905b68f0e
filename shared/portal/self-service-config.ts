import * as v from 'valibot';
import { readConfig } from '../config/read-config';
import { nonEmpty } from '../config/settings';
import { timeZone } from '../config/time-zone';

/** What the portal's self-service API reads from its environment, checked at cold start. */
export const readSelfServiceConfig = () =>
  readConfig(
    v.object({
      TABLE_NAME: nonEmpty(),
      TIME_ZONE: timeZone,
      // A quote decision and a signature record the client address, taken from CloudFront only with the origin
      // secret (shared/http/origin-verify.ts): its name or ARN, never its value.
      ORIGIN_VERIFY_SECRET_ID: nonEmpty(),
    }),
  );
