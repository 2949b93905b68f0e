import { Forbidden, Locked } from '../../shared/http/errors';
import {
  afterRefusedReservation,
  lockedAnswer,
  pinAttemptRules,
  wrongPinAnswer,
  type PinAttemptsItem,
} from '../../shared/portal/pin-attempts';

/** The pure decisions of the PIN lockout; the writes themselves run against DynamoDB Local (tests/integration). */
const rules = { limit: 5, windowMs: 15 * 60_000, lockoutMs: 10 * 60_000 };
const now = Date.parse('2026-06-01T09:00:00.000Z');
const minutes = (count: number) => count * 60_000;

describe('afterRefusedReservation: a request that found no room in the open window', () => {
  it.each<[string, PinAttemptsItem | undefined, ReturnType<typeof afterRefusedReservation>]>([
    ['no item yet', undefined, { kind: 'open' }],
    ['an item of another shape (no window)', {}, { kind: 'open' }],
    [
      'the window ended with room left',
      { windowStart: now - minutes(15), attempts: 4, lastAt: now - minutes(1) },
      { kind: 'open' },
    ],
    [
      'the limit reached a minute ago',
      { windowStart: now - minutes(3), attempts: 5, lastAt: now - minutes(1) },
      { kind: 'locked', retryAfterMs: minutes(9) },
    ],
    [
      'the limit reached, window ended, lock not',
      { windowStart: now - minutes(20), attempts: 5, lastAt: now - minutes(6) },
      { kind: 'locked', retryAfterMs: minutes(4) },
    ],
    [
      'the lock just ended',
      { windowStart: now - minutes(10), attempts: 5, lastAt: now - minutes(10) },
      { kind: 'open' },
    ],
    [
      'more than the limit (never written, still locked)',
      { windowStart: now, attempts: 7, lastAt: now },
      { kind: 'locked', retryAfterMs: minutes(10) },
    ],
  ])('%s', (_, item, expected) => {
    expect(afterRefusedReservation(item, now, rules)).toEqual(expected);
  });
});

describe('wrongPinAnswer', () => {
  const reservation = (attempt: number, at = now) => ({ personId: 'pcon_x', windowStart: now, attempt, at });

  it('answers 403 with the tries left before the last attempt', () => {
    for (const [attempt, left] of [
      [1, 4],
      [2, 3],
      [4, 1],
    ] as const) {
      const answer = wrongPinAnswer(reservation(attempt), now, rules);
      expect(answer).toBeInstanceOf(Forbidden);
      expect(answer.extensions.attemptsLeft).toBe(left);
    }
    expect(wrongPinAnswer(reservation(4), now, rules).message).toMatch(/1 try left/);
  });

  it('answers the last attempt with the lock itself: 423, no tries left, Retry-After from that attempt', () => {
    const answer = wrongPinAnswer(reservation(5, now - 2_000), now, rules);
    expect(answer).toBeInstanceOf(Locked);
    expect(answer.extensions.attemptsLeft).toBe(0);
    expect(answer.headers['retry-after']).toBe(String(rules.lockoutMs / 1000 - 2));
  });
});

describe('lockedAnswer', () => {
  it('is 423 with a whole-second Retry-After of at least 1 and no attemptsLeft (nothing was compared)', () => {
    expect(lockedAnswer(1).headers['retry-after']).toBe('1');
    expect(lockedAnswer(minutes(14) + 1).headers['retry-after']).toBe(String(14 * 60 + 1));
    expect(lockedAnswer(minutes(14) + 1).message).toMatch(/15 more minutes/);
    expect(lockedAnswer(1000).extensions.attemptsLeft).toBeUndefined();
  });

  it('the defaults are 5 attempts in 15 minutes and a 15-minute lock, as the README says', () => {
    expect(pinAttemptRules).toEqual({ limit: 5, windowMs: minutes(15), lockoutMs: minutes(15) });
  });
});
