import { randomUUID } from 'node:crypto';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { DomainError } from '../../shared/http/errors';
import { createPinAttempts, pinAttemptRules, type PinAttempts } from '../../shared/portal/pin-attempts';
import { pinAttemptsKey } from '../../shared/data/keys';
import { stackTable } from '../support/stack-table';

/**
 * The attempt reservation of shared/portal/pin-attempts.ts against DynamoDB Local, with a clock the test moves:
 * the window, the lock, and what a right PIN clears, step by step where requests interleave.
 */
const minute = 60_000;
const { limit, windowMs, lockoutMs } = pinAttemptRules;

const table = stackTable();
let time: number;
let attempts: PinAttempts;

beforeAll(() => {
  attempts = createPinAttempts({ dynamo: table.dynamo, tableName: table.tableName, now: () => new Date(time) });
});
beforeEach(() => {
  time = Date.parse('2026-06-01T09:00:00.000Z');
});

const person = () => `pcon_${randomUUID()}`;
const wrong = async () => false;
const right = async () => true;

/** The answer `check` gives: 'right', or the status and tries left of its refusal. */
async function outcome(id: string, compare: () => Promise<boolean>) {
  try {
    await attempts.check(id, compare);
    return 'right';
  } catch (error) {
    const refusal = error as DomainError;
    return { status: refusal.status, attemptsLeft: refusal.extensions.attemptsLeft } as const;
  }
}
type Refusal = { status: number; attemptsLeft?: unknown };
const wrongAnswer = (attemptsLeft: number): Refusal => ({ status: attemptsLeft > 0 ? 403 : 423, attemptsLeft });
const lockedAnswer: Refusal = { status: 423, attemptsLeft: undefined };

async function stored(id: string) {
  const result = await table.dynamo.send(
    new GetItemCommand({ TableName: table.tableName, Key: marshall(pinAttemptsKey(id)), ConsistentRead: true }),
  );
  return result.Item ? unmarshall(result.Item) : undefined;
}

describe('the window and the lock', () => {
  it('counts down 4…1, the fifth wrong PIN locks, and the lock holds until its 15 minutes are over', async () => {
    const id = person();
    const answers = [];
    for (let attempt = 0; attempt < limit; attempt++) {
      answers.push(await outcome(id, wrong));
      time += minute;
    }
    expect(answers).toEqual([4, 3, 2, 1, 0].map(wrongAnswer));
    const lockedAt = time - minute;
    time = lockedAt + lockoutMs - 1;
    let compared = false;
    expect(await outcome(id, async () => (compared = true))).toEqual(lockedAnswer);
    expect(compared).toBe(false);
    time = lockedAt + lockoutMs;
    expect(await outcome(id, wrong)).toEqual(wrongAnswer(4));
  });

  it('tells a locked request how long to wait (Retry-After), counted from the attempt that locked', async () => {
    const id = person();
    for (let attempt = 0; attempt < limit; attempt++) await outcome(id, wrong);
    time += 5 * minute;
    const refusal = await attempts.check(id, right).catch((error: DomainError) => error);
    expect((refusal as DomainError).headers['retry-after']).toBe(String((lockoutMs - 5 * minute) / 1000));
  });

  it('opens a new window once 15 minutes have passed since the first attempt of the last one', async () => {
    const id = person();
    for (let attempt = 0; attempt < limit - 1; attempt++) await outcome(id, wrong);
    time += windowMs - 1;
    expect(await outcome(id, wrong)).toEqual(wrongAnswer(0));

    const other = person();
    for (let attempt = 0; attempt < limit - 1; attempt++) await outcome(other, wrong);
    time += windowMs;
    expect(await outcome(other, wrong)).toEqual(wrongAnswer(4));
  });

  it('lets exactly one of many concurrent requests open a window that has ended', async () => {
    const id = person();
    for (let attempt = 0; attempt < limit; attempt++) await outcome(id, wrong);
    time += lockoutMs;
    const answers = await Promise.all(Array.from({ length: 20 }, () => outcome(id, wrong)));
    expect(answers.filter((answer) => answer !== 'right' && answer.attemptsLeft !== undefined)).toHaveLength(limit);
    expect((await stored(id))?.attempts).toBe(limit);
  });
});

describe('what a right PIN clears', () => {
  it('clears the count when nothing else is in flight: the item is gone', async () => {
    const id = person();
    await outcome(id, wrong);
    await outcome(id, wrong);
    expect(await outcome(id, right)).toBe('right');
    expect(await stored(id)).toBeUndefined();
    expect(await outcome(id, wrong)).toEqual(wrongAnswer(4));
  });

  it('gives back only its own attempt when a wrong PIN reserved after it was compared meanwhile', async () => {
    const id = person();
    const mine = await attempts.reserve(id);
    const later = await attempts.reserve(id);
    await attempts.settle(later, 'wrong');
    await attempts.settle(mine, 'right');
    // The later wrong PIN still counts: four more, and the window is used up.
    expect(await stored(id)).toMatchObject({ attempts: 1, inFlight: 0 });
    const answers = [];
    for (let attempt = 0; attempt < limit; attempt++) answers.push(await outcome(id, wrong));
    expect(answers).toEqual([3, 2, 1, 0].map(wrongAnswer).concat([lockedAnswer]));
  });

  it('does not forgive a wrong PIN reserved before it that is still being compared', async () => {
    const id = person();
    const earlier = await attempts.reserve(id);
    const mine = await attempts.reserve(id);
    await attempts.settle(mine, 'right');
    await attempts.settle(earlier, 'wrong');
    expect(await stored(id)).toMatchObject({ attempts: 1, inFlight: 0 });
  });

  it('holding the last attempt, makes others wait; once right, gives it back without reopening the used-up ones', async () => {
    const id = person();
    for (let attempt = 0; attempt < limit - 2; attempt++) await outcome(id, wrong);
    const inFlightWrong = await attempts.reserve(id);
    const last = await attempts.reserve(id);
    expect(last.attempt).toBe(limit);
    expect(await outcome(id, right)).toEqual(lockedAnswer);
    await attempts.settle(last, 'right');
    await attempts.settle(inFlightWrong, 'wrong');
    expect(await stored(id)).toMatchObject({ attempts: limit - 1, inFlight: 0 });
    expect(await outcome(id, wrong)).toEqual(wrongAnswer(0));
    expect(await outcome(id, right)).toEqual(lockedAnswer);
  });

  it('a comparison that fails with an error gives its attempt back and reports the error', async () => {
    const id = person();
    await outcome(id, wrong);
    const failure = new Error('scrypt failed');
    await expect(attempts.check(id, () => Promise.reject(failure))).rejects.toBe(failure);
    expect(await stored(id)).toMatchObject({ attempts: 1, inFlight: 0 });
  });
});
