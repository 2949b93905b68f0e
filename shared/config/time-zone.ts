import * as z from 'zod/mini';

/** An IANA time zone this runtime knows, such as Europe/Berlin: support windows are dates there. */
export const timeZone = z.string().check(
  z.refine((zone) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  }, 'an IANA time zone such as Europe/Berlin'),
);
