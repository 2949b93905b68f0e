import { applyMergePatch } from '../../shared/records/merge-patch';

describe('applyMergePatch (RFC 7396)', () => {
  // Appendix A of RFC 7396, verbatim.
  it.each([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [
      ['a', 'b'],
      ['c', 'd'],
      ['c', 'd'],
    ],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])('%j patched with %j is %j', (target, patch, result) => {
    expect(applyMergePatch(target, patch)).toEqual(result);
  });

  it('leaves the target untouched', () => {
    const target = { a: { b: 'c', d: 'e' }, f: ['g'] };
    const snapshot = JSON.parse(JSON.stringify(target));
    applyMergePatch(target, { a: { b: null, x: 1 }, f: null });
    expect(target).toEqual(snapshot);
  });

  it('merges nested objects member by member', () => {
    const result = applyMergePatch({ a: { keep: 1 } }, { a: { add: 2 } }) as { a: Record<string, number> };
    expect(result).toEqual({ a: { keep: 1, add: 2 } });
  });

  // Assigning `result['__proto__']` would set the prototype: the member would vanish into inherited fields.
  it('treats a "__proto__" member as an ordinary member', () => {
    const patch = JSON.parse('{"__proto__": {"title": "Injected"}}') as Record<string, unknown>;
    const result = applyMergePatch({ lastName: 'Doe' }, patch) as Record<string, unknown>;
    expect(Object.keys(result).sort()).toEqual(['__proto__', 'lastName']);
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect((result as { title?: string }).title).toBeUndefined();
  });
});
