import { startOfNextDayIn } from '../../shared/tickets/day-boundary';

describe('startOfNextDayIn', () => {
  it.each([
    ['UTC', '2026-12-02T17:04:00.000Z', '2026-12-03T00:00:00.000Z'],
    ['UTC', '2026-12-02T23:59:59.999Z', '2026-12-03T00:00:00.000Z'],
    ['UTC', '2026-12-03T00:00:00.000Z', '2026-12-04T00:00:00.000Z'],
    // Berlin is UTC+1 in winter: its midnight is 23:00 UTC the day before.
    ['Europe/Berlin', '2026-12-02T22:30:00.000Z', '2026-12-02T23:00:00.000Z'],
    ['Europe/Berlin', '2026-12-02T23:30:00.000Z', '2026-12-03T23:00:00.000Z'],
    // The day clocks go forward (2026-03-29 in Berlin) has 23 hours; the next starts at 22:00 UTC.
    ['Europe/Berlin', '2026-03-29T12:00:00.000Z', '2026-03-29T22:00:00.000Z'],
    ['America/New_York', '2026-12-02T04:00:00.000Z', '2026-12-02T05:00:00.000Z'],
  ])('in %s at %s the next day starts at %s', (zone, now, expected) => {
    expect(startOfNextDayIn(zone, new Date(now)).toISOString()).toBe(expected);
  });
});
