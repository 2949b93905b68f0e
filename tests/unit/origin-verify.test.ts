// The module object itself (not a namespace copy), so a spy on it is what shared/http/origin-verify.ts calls.
import crypto from 'node:crypto';
import { createOriginVerifier, matchesAny, digest } from '../../shared/http/origin-verify';

describe('createOriginVerifier', () => {
  it('accepts the current and the previous value, and refuses a wrong or missing one', async () => {
    const verifier = createOriginVerifier({ load: async () => ['current-value', 'previous-value'] });
    expect(await verifier.verify('current-value')).toBe(true);
    expect(await verifier.verify('previous-value')).toBe(true);
    for (const wrong of [undefined, '', 'current', 'current-value ', 'CURRENT-VALUE', 'x'.repeat(10_000)])
      expect({ wrong, accepted: await verifier.verify(wrong) }).toEqual({ wrong, accepted: false });
  });

  it('refuses everything when no value is stored (an empty secret proves nothing)', async () => {
    const verifier = createOriginVerifier({ load: async () => ['', ''] });
    expect(await verifier.verify('')).toBe(false);
    expect(await verifier.verify('anything')).toBe(false);
  });

  it('reads the values once per TTL, on first use, shared by concurrent requests', async () => {
    let clock = 0;
    const values = [['first']];
    const load = jest.fn(async () => values[values.length - 1]!);
    const verifier = createOriginVerifier({ load, ttlMs: 1000, now: () => clock });
    expect(load).not.toHaveBeenCalled();
    expect(await Promise.all([verifier.verify('first'), verifier.verify('first'), verifier.verify('nope')])).toEqual([
      true,
      true,
      false,
    ]);
    expect(load).toHaveBeenCalledTimes(1);

    // A rotation: the new value is current, the old one previous. Until the TTL ends the cached values still hold.
    values.push(['second', 'first']);
    clock = 999;
    expect(await verifier.verify('second')).toBe(false);
    clock = 1000;
    expect(await verifier.verify('second')).toBe(true);
    expect(await verifier.verify('first')).toBe(true);
    expect(load).toHaveBeenCalledTimes(2);

    // The next rotation drops the first value.
    values.push(['third', 'second']);
    clock = 2000;
    expect(await verifier.verify('first')).toBe(false);
    expect(await verifier.verify('third')).toBe(true);
  });

  it('does not cache a failed read: the next request tries again', async () => {
    const load = jest.fn<Promise<string[]>, []>().mockRejectedValueOnce(new Error('throttled'));
    load.mockResolvedValue(['value']);
    const verifier = createOriginVerifier({ load });
    await expect(verifier.verify('value')).rejects.toThrow('throttled');
    expect(await verifier.verify('value')).toBe(true);
  });
});

describe('matchesAny', () => {
  it('compares in constant time: every accepted value, through timingSafeEqual, on equal-length digests', () => {
    const compare = jest.spyOn(crypto, 'timingSafeEqual');
    const accepted = [digest('a'), digest('b'), digest('c')];
    // A match on the first value still compares the others, and a short guess against long values does not throw.
    expect(matchesAny('a', accepted)).toBe(true);
    expect(compare).toHaveBeenCalledTimes(3);
    for (const [left, right] of compare.mock.calls) expect([left.byteLength, right.byteLength]).toEqual([32, 32]);
    compare.mockClear();
    expect(matchesAny('', accepted)).toBe(false);
    expect(compare).toHaveBeenCalledTimes(3);
    compare.mockRestore();
  });
});
