import * as v from 'valibot';

/**
 * Whether this runtime knows an IANA time zone. Checked at cold start, so the cheap answers come first: the
 * process's first `Intl.DateTimeFormat` starts ICU's formatting (about 15 ms in Node 24, whatever the zone),
 * while the list of supported zones costs a fraction of that. The list leaves out `UTC` and some canonical
 * names (it has Asia/Calcutta, not Asia/Kolkata), so a zone it lacks still gets the full check.
 */
export function isKnownTimeZone(zone: string): boolean {
  if (zone === 'UTC' || Intl.supportedValuesOf('timeZone').includes(zone)) return true;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** An IANA time zone this runtime knows, such as Europe/Berlin: support windows are dates there. */
export const timeZone = v.pipe(v.string(), v.check(isKnownTimeZone, 'an IANA time zone such as Europe/Berlin'));
