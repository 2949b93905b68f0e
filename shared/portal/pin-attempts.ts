import { ConditionalCheckFailedException, DeleteItemCommand, UpdateItemCommand } from '../aws/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '../aws/util-dynamodb';
import { Forbidden, Locked, type DomainError } from '../http/errors';
import { pinAttemptsKey } from '../data/keys';

/**
 * The wrong-PIN lockout: signing a sales order and changing a PIN (its current PIN) share one count per person,
 * kept in one item beside the person's record (`pinAttemptsKey`). Its rules:
 *
 * 1. A PIN is compared only after an attempt is RESERVED by one conditional write on that item: the condition
 *    ("the window is open and has room, no lock is in force") and the record ("one more attempt") are the same
 *    UpdateItem, so however many requests arrive together, at most `limit` PINs are compared in a window.
 *    A request that finds no room gets 423 with Retry-After, and its PIN is never compared.
 * 2. A window opens at the first attempt after the previous window (or lock) ended, and lasts `windowMs`.
 *    Opening is a conditional write too (on the ended window it saw), so two requests cannot both open one.
 * 3. The `limit`-th attempt of a window locks PIN checks for `lockoutMs` from that attempt. If its PIN is wrong,
 *    its answer is the 423 itself (with `attemptsLeft: 0`); earlier wrong PINs get 403 with the tries left.
 * 4. A right PIN clears the count (people expect a success to forgive their typos), but only when no other attempt
 *    of the window was reserved after it or is still being compared; the condition checks both in the same
 *    write. Otherwise it only gives back its own reservation: the wrong PINs around it stay counted, so a success
 *    never lets more than `limit` wrong PINs be compared in one window.
 * 5. A comparison that fails with an error gives back its reservation: it was not a guess.
 * The item expires (TTL) once neither its window nor its lock can matter any more.
 */
export interface PinAttemptRules {
  /** Attempts compared per window; the last of them locks. */
  readonly limit: number;
  readonly windowMs: number;
  readonly lockoutMs: number;
}

export const pinAttemptRules: PinAttemptRules = { limit: 5, windowMs: 15 * 60_000, lockoutMs: 15 * 60_000 };

/** The attempts item as stored: times in epoch milliseconds. */
export interface PinAttemptsItem {
  /** When the current window opened. */
  readonly windowStart?: number;
  /** Attempts reserved in the window: PINs compared, plus those being compared now. */
  readonly attempts?: number;
  /** Reserved attempts whose comparison has not finished. */
  readonly inFlight?: number;
  /** The latest reservation; when `attempts` reached the limit, the lock runs from it. */
  readonly lastAt?: number;
}

/** An attempt this request holds: the window it was counted in and its number there. */
export interface PinReservation {
  readonly personId: string;
  readonly windowStart: number;
  readonly attempt: number;
  readonly at: number;
}

export type RefusedReservation = { readonly kind: 'locked'; readonly retryAfterMs: number } | { readonly kind: 'open' };

/**
 * What a reservation that did not fit the open window should do, given the item as the refused write saw it:
 * wait out a lock, or open a new window (no item yet, the window ended, or the lock ended).
 */
export function afterRefusedReservation(
  item: PinAttemptsItem | undefined,
  now: number,
  rules: PinAttemptRules,
): RefusedReservation {
  if (item?.windowStart === undefined || item.attempts === undefined) return { kind: 'open' };
  if (item.attempts >= rules.limit) {
    const lockEnds = (item.lastAt ?? item.windowStart) + rules.lockoutMs;
    return lockEnds > now ? { kind: 'locked', retryAfterMs: lockEnds - now } : { kind: 'open' };
  }
  // Room left, yet the write was refused: the window has ended (or a concurrent write moved it; the caller retries).
  return { kind: 'open' };
}

/** The answer to a wrong PIN compared under `reservation`: 403 with the tries left, or the lock it completed. */
export function wrongPinAnswer(reservation: PinReservation, now: number, rules: PinAttemptRules): DomainError {
  const left = Math.max(0, rules.limit - reservation.attempt);
  const answer =
    left > 0
      ? new Forbidden(`That PIN is not right. ${left} ${left === 1 ? 'try' : 'tries'} left before signing is locked.`)
      : new Locked(
          `That PIN is not right. Too many wrong PINs: signing is locked for ${Math.round(rules.lockoutMs / 60_000)} minutes.`,
          (reservation.at + rules.lockoutMs - now) / 1000,
        );
  answer.extensions.attemptsLeft = left;
  return answer;
}

export function lockedAnswer(retryAfterMs: number): Locked {
  return new Locked(
    `Too many wrong PINs: signing is locked for ${Math.ceil(retryAfterMs / 60_000)} more minutes.`,
    retryAfterMs / 1000,
  );
}

export interface PinAttemptsDependencies {
  readonly dynamo: DynamoDBClient;
  readonly tableName: string;
  readonly now?: () => Date;
  readonly rules?: PinAttemptRules;
}

export type PinOutcome = 'right' | 'wrong' | 'error';

export function createPinAttempts(deps: PinAttemptsDependencies) {
  const { dynamo, tableName } = deps;
  const rules = deps.rules ?? pinAttemptRules;
  const clock = () => (deps.now ?? (() => new Date()))().getTime();
  const key = (personId: string) => marshall(pinAttemptsKey(personId));
  /** Late enough that neither a window nor a lock begun now still matters. */
  const expiresAt = (now: number) => Math.ceil((now + Math.max(rules.windowMs, rules.lockoutMs)) / 1000);

  /** Takes the next attempt of the open window; `undefined` with the item as it stood when there is no room. */
  async function takeAttempt(personId: string, now: number) {
    try {
      const result = await dynamo.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: key(personId),
          UpdateExpression:
            'SET attempts = attempts + :one, inFlight = inFlight + :one, lastAt = :now, expiresAt = :expires',
          ConditionExpression: 'windowStart > :windowCutoff AND attempts < :limit',
          ExpressionAttributeValues: marshall({
            ':one': 1,
            ':now': now,
            ':expires': expiresAt(now),
            ':windowCutoff': now - rules.windowMs,
            ':limit': rules.limit,
          }),
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      const item = unmarshall(result.Attributes!) as Required<PinAttemptsItem>;
      return { reserved: { personId, windowStart: item.windowStart, attempt: item.attempts, at: now } };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return { refused: error.Item ? (unmarshall(error.Item) as PinAttemptsItem) : undefined };
    }
  }

  /** Opens a new window with this attempt as its first, unless another request opened one meanwhile. */
  async function openWindow(personId: string, now: number): Promise<PinReservation | undefined> {
    try {
      await dynamo.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: key(personId),
          UpdateExpression:
            'SET windowStart = :now, attempts = :one, inFlight = :one, lastAt = :now, expiresAt = :expires',
          ConditionExpression:
            'attribute_not_exists(windowStart) OR (attempts < :limit AND windowStart <= :windowCutoff) OR (attempts >= :limit AND lastAt <= :lockCutoff)',
          ExpressionAttributeValues: marshall({
            ':one': 1,
            ':now': now,
            ':expires': expiresAt(now),
            ':windowCutoff': now - rules.windowMs,
            ':lockCutoff': now - rules.lockoutMs,
            ':limit': rules.limit,
          }),
        }),
      );
      return { personId, windowStart: now, attempt: 1, at: now };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  /** Reserves one attempt, or throws 423 (Locked) when the window has no room; never compares anything. */
  async function reserve(personId: string): Promise<PinReservation> {
    // A lost race to open a window is followed by taking an attempt in the window the winner opened.
    for (let round = 0; round < 3; round++) {
      const now = clock();
      const taken = await takeAttempt(personId, now);
      if (taken.reserved) return taken.reserved;
      const next = afterRefusedReservation(taken.refused, now, rules);
      if (next.kind === 'locked') throw lockedAnswer(next.retryAfterMs);
      const opened = await openWindow(personId, now);
      if (opened) return opened;
    }
    // Only windows opening and closing faster than three round trips could get here; refuse rather than compare.
    throw lockedAnswer(1000);
  }

  /** Records how the comparison under `reservation` went (rules 4 and 5); a write whose window has gone does nothing. */
  async function settle(reservation: PinReservation, outcome: PinOutcome): Promise<void> {
    const sameWindow = { ':window': reservation.windowStart, ':one': 1 };
    const ignoreRefusal = (error: unknown) => {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return false;
    };
    if (outcome === 'right') {
      const cleared = await dynamo
        .send(
          new DeleteItemCommand({
            TableName: tableName,
            Key: key(reservation.personId),
            ConditionExpression: 'windowStart = :window AND attempts = :attempt AND inFlight = :one',
            ExpressionAttributeValues: marshall({ ...sameWindow, ':attempt': reservation.attempt }),
          }),
        )
        .then(() => true, ignoreRefusal);
      if (cleared) return;
    }
    const giveBack = outcome !== 'wrong';
    await dynamo
      .send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: key(reservation.personId),
          UpdateExpression: giveBack
            ? 'SET attempts = attempts - :one, inFlight = inFlight - :one'
            : 'SET inFlight = inFlight - :one',
          ConditionExpression: 'windowStart = :window',
          ExpressionAttributeValues: marshall(sameWindow),
        }),
      )
      .then(() => true, ignoreRefusal);
  }

  /**
   * Reserves an attempt, compares, and records the outcome. Resolves when the PIN is right; throws 403 (tries left)
   * or 423 for a wrong one, and 423 without comparing when the attempts are used up.
   */
  async function check(personId: string, compare: () => Promise<boolean>): Promise<void> {
    const reservation = await reserve(personId);
    let right: boolean;
    try {
      right = await compare();
    } catch (error) {
      // The comparison's own error is the one to report, even if giving the attempt back fails too.
      await settle(reservation, 'error').catch(() => undefined);
      throw error;
    }
    await settle(reservation, right ? 'right' : 'wrong');
    if (!right) throw wrongPinAnswer(reservation, clock(), rules);
  }

  return { reserve, settle, check, rules };
}

export type PinAttempts = ReturnType<typeof createPinAttempts>;
