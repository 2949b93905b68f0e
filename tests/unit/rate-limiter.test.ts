import { createTokenBucket } from '../../shared/access/rate-limiter';

/** createTokenBucket paces AdminCreateUser under the Cognito quota. */

describe('9. createTokenBucket', () => {
  it('100 takes at 40/s: a burst of 10 at once, then one every 25 ms, never more than 50 in a second (fake clock)', async () => {
    jest.useFakeTimers({ now: 0 });
    const bucket = createTokenBucket(40, undefined, () => Date.now());
    const done: number[] = [];
    const all = Promise.all(Array.from({ length: 100 }, () => bucket.take().then(() => done.push(Date.now()))));
    await jest.advanceTimersByTimeAsync(10_000);
    await all;
    expect(done).toHaveLength(100);
    // The default burst is a quarter of the rate: 10 at t=0, then one every 25 ms.
    expect(done.slice(0, 10).every((t) => t === 0)).toBe(true);
    expect(done[10]!).toBeGreaterThan(0);
    for (let i = 10; i < 100; i++) expect(done[i]!).toBeGreaterThanOrEqual((i - 9) * 25 - 1);
    // Under Cognito's default quota of 50 a second in any one-second window.
    for (const start of done)
      expect(done.filter((t) => t >= start && t < start + 1_000).length).toBeLessThanOrEqual(50);
  });

  it('a smaller burst paces from the start', async () => {
    jest.useFakeTimers({ now: 0 });
    const bucket = createTokenBucket(10, 1, () => Date.now());
    const done: number[] = [];
    const all = Promise.all(Array.from({ length: 5 }, () => bucket.take().then(() => done.push(Date.now()))));
    await jest.advanceTimersByTimeAsync(1_000);
    await all;
    expect(done).toEqual([0, 100, 200, 300, 400]);
  });

  it('Infinity lifts the limit; zero or a negative rate is refused', async () => {
    const unlimited = createTokenBucket(Infinity);
    await Promise.all(Array.from({ length: 1_000 }, () => unlimited.take()));
    expect(() => createTokenBucket(0)).toThrow(RangeError);
    expect(() => createTokenBucket(-5)).toThrow(RangeError);
  });
});
