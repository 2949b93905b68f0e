/**
 * A token bucket: `take()` resolves when a token is free. It keeps Cognito user creations under the
 * account quota (default 50/s, we aim lower); a rate of `Infinity` lifts the limit.
 */
export interface RateLimiter {
  take(): Promise<void>;
}

export function createTokenBucket(
  ratePerSecond: number,
  // A quarter-second's worth: a full second's burst on top of the rate could double it within one second.
  burst = Math.max(1, Math.floor(ratePerSecond / 4)),
  now: () => number = () => performance.now(),
): RateLimiter {
  if (!Number.isFinite(ratePerSecond)) return { take: async () => {} };
  if (!(ratePerSecond > 0)) throw new RangeError('ratePerSecond must be positive');
  let tokens = burst;
  let refilledAt = now();
  let queue = Promise.resolve();
  const refill = () => {
    const current = now();
    tokens = Math.min(burst, tokens + ((current - refilledAt) / 1000) * ratePerSecond);
    refilledAt = current;
  };
  return {
    // Callers are served in order: each waits for the previous one, then for its own token.
    take() {
      const turn = queue.then(async () => {
        refill();
        if (tokens < 1) {
          await new Promise((resolve) => setTimeout(resolve, ((1 - tokens) / ratePerSecond) * 1000));
          refill();
        }
        tokens -= 1;
      });
      queue = turn.catch(() => {});
      return turn;
    },
  };
}
