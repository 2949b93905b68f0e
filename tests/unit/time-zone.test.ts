import { isKnownTimeZone, timeZone } from '../../shared/config/time-zone';
import * as v from 'valibot';

/** The deployment zone is checked at cold start; the cheap paths must accept exactly what Intl accepts. */
describe('isKnownTimeZone', () => {
  const intlAccepts = (zone: string) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  };

  it.each([
    // UTC and Asia/Kolkata are missing from Intl.supportedValuesOf('timeZone'): the full check must still accept them.
    ['UTC', true],
    ['Europe/Berlin', true],
    ['Asia/Kolkata', true],
    ['Asia/Calcutta', true],
    ['US/Eastern', true],
    ['Etc/GMT+5', true],
    ['Europe/Atlantis', false],
    ['', false],
    ['utc ', false],
    ['Berlin', false],
  ])('%j → %s, as Intl.DateTimeFormat decides', (zone, known) => {
    expect(isKnownTimeZone(zone)).toBe(known);
    expect(intlAccepts(zone)).toBe(known);
    expect(v.safeParse(timeZone, zone).success).toBe(known);
  });

  it('agrees with Intl.DateTimeFormat on every zone the runtime lists', () => {
    const listed = Intl.supportedValuesOf('timeZone');
    expect(listed.filter((zone) => isKnownTimeZone(zone) !== intlAccepts(zone))).toEqual([]);
  });
});
