import { inOrder } from '../../shared/portal/portal-gate';

/** A promise settled from outside, so a test decides which of several ends first. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('inOrder (reads started beside the portal session)', () => {
  it('answers every value, in the order given, whichever ends first', async () => {
    const first = deferred<string>();
    const second = deferred<number>();
    const answer = inOrder(first.promise, second.promise);
    second.resolve(2);
    first.resolve('one');
    await expect(answer).resolves.toEqual(['one', 2]);
  });

  it("throws the first promise's failure even when a later one failed sooner", async () => {
    const session = deferred<string>();
    const read = deferred<string>();
    const answer = inOrder(session.promise, read.promise);
    read.reject(new Error('a bad cursor'));
    await new Promise((resolve) => setImmediate(resolve));
    session.reject(new Error('refused'));
    await expect(answer).rejects.toThrow('refused');
  });

  it("throws a later promise's failure when the earlier ones hold, and waits for all of them first", async () => {
    const session = deferred<string>();
    const read = deferred<string>();
    let settled = false;
    const answer = inOrder(session.promise, read.promise).finally(() => (settled = true));
    read.reject(new Error('a bad cursor'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    session.resolve('held');
    await expect(answer).rejects.toThrow('a bad cursor');
  });

  it('leaves no rejection unhandled', async () => {
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', record);
    try {
      await expect(inOrder(Promise.reject(new Error('first')), Promise.reject(new Error('second')))).rejects.toThrow(
        'first',
      );
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', record);
    }
  });
});
