import { todayIn } from '../access/evaluate-access';

/**
 * The first instant of the next day in `timeZone`: when a per-day limit starts over. Found by bisection on the
 * date `todayIn` reads, so daylight-saving shifts (23- or 25-hour days, zones that skip midnight) need no table.
 */
export function startOfNextDayIn(timeZone: string, now: Date): Date {
  const today = todayIn(timeZone, now);
  // A day lasts at most 26 hours anywhere; the next one has begun by then.
  let before = now.getTime();
  let after = before + 26 * 3_600_000;
  while (after - before > 1) {
    const middle = Math.floor((before + after) / 2);
    if (todayIn(timeZone, new Date(middle)) === today) before = middle;
    else after = middle;
  }
  return new Date(after);
}
