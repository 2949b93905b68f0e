import { ConditionalCheckFailedException, UpdateItemCommand } from '../aws/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '../aws/util-dynamodb';
import { quotaWindowKey } from '../data/keys';
import { tableDesign } from '../data/table-design';
import { QuotaDeferred } from './quota-deferred';
import { quotaNames, type QuotaName, type QuotaRates } from './quota-rates';

/**
 * Account-wide pacing: a permit of a quota is one conditional `ADD` on the counter of the current window
 * (`QUOTA#<quota>#<window start>`), accepted only while the count is under the window's limit. The check and the
 * write that records it are one request, so any number of instances and shards together take at most `limit`
 * permits per window. Within an instance the callers of a quota queue in order and only the head asks the table, so
 * a full window costs each instance one refused write, not one per waiting caller; the head then sleeps until the
 * next window.
 */
export interface AccountQuotaDependencies {
  readonly dynamo: Pick<DynamoDBClient, 'send'>;
  readonly tableName: string;
  readonly rates: QuotaRates;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** 0 ≤ x < 1: spreads waiters over the start of the next window instead of all at its first millisecond. */
  readonly random?: () => number;
}

export interface QuotaPermits {
  /**
   * Resolves once a permit of `quota` is taken; throws QuotaDeferred when none would be free before `deadline`
   * (epoch ms), so the caller defers the work instead of holding it past its time.
   */
  acquire(quota: QuotaName, deadline?: number): Promise<void>;
  /** Permits this instance took, by quota (tests, the simulation, logs). */
  readonly taken: Readonly<Record<QuotaName, number>>;
}

/** Window length and permits per window for a rate: whole permits, and a window of at most a few seconds. */
export function windowFor(ratePerSecond: number): { windowMs: number; limit: number } {
  if (!(ratePerSecond > 0)) throw new RangeError('a quota rate must be positive');
  // Below one per second, one permit per 1/rate seconds; otherwise per second, rounded down (never over the rate).
  if (ratePerSecond < 1) return { windowMs: Math.ceil(1000 / ratePerSecond), limit: 1 };
  return { windowMs: 1000, limit: Math.floor(ratePerSecond) };
}

/** How long a window's counter is kept after it closes: long enough for clocks a little apart, then TTL. */
const keepWindowsSeconds = 120;

export function createAccountQuota(deps: AccountQuotaDependencies): QuotaPermits {
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = deps.random ?? Math.random;
  const taken = Object.fromEntries(quotaNames.map((name) => [name, 0])) as Record<QuotaName, number>;
  const queues = new Map<QuotaName, Promise<void>>();

  async function tryWindow(quota: QuotaName, windowStart: number, limit: number, windowMs: number) {
    try {
      await deps.dynamo.send(
        new UpdateItemCommand({
          TableName: deps.tableName,
          Key: marshall(quotaWindowKey(quota, windowStart)),
          UpdateExpression: 'ADD #permits :one SET #expiresAt = :expiresAt',
          ConditionExpression: 'attribute_not_exists(#permits) OR #permits < :limit',
          ExpressionAttributeNames: { '#permits': 'permits', '#expiresAt': tableDesign.ttlAttribute },
          ExpressionAttributeValues: marshall({
            ':one': 1,
            ':limit': limit,
            ':expiresAt': Math.ceil((windowStart + windowMs) / 1000) + keepWindowsSeconds,
          }),
        }),
      );
      return true;
    } catch (error) {
      if (
        error instanceof ConditionalCheckFailedException ||
        (error as Error).name === 'ConditionalCheckFailedException'
      )
        return false;
      throw error;
    }
  }

  /** The head of the queue: tries the current window, else sleeps to the next, until a permit or the deadline. */
  async function take(quota: QuotaName, windowMs: number, limit: number, deadline: number | undefined) {
    for (;;) {
      const at = now();
      if (deadline !== undefined && at >= deadline) throw new QuotaDeferred(quota, windowMs / 1000);
      const windowStart = Math.floor(at / windowMs) * windowMs;
      if (await tryWindow(quota, windowStart, limit, windowMs)) return void taken[quota]++;
      const wake = windowStart + windowMs + Math.floor(random() * Math.min(100, windowMs / 10));
      if (deadline !== undefined && wake > deadline) throw new QuotaDeferred(quota, (wake - at) / 1000);
      await sleep(Math.max(1, wake - now()));
    }
  }

  return {
    taken,
    acquire(quota, deadline) {
      const rate = deps.rates[quota];
      if (!Number.isFinite(rate)) {
        taken[quota]++;
        return Promise.resolve();
      }
      const { windowMs, limit } = windowFor(rate);
      const turn = (queues.get(quota) ?? Promise.resolve()).then(() => take(quota, windowMs, limit, deadline));
      queues.set(
        quota,
        turn.catch(() => {}),
      );
      return turn;
    },
  };
}
