import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { toAttributes, toItem } from '../../bench/simulation/attribute-values';

/**
 * The simulated table's fast conversions (bench/simulation/attribute-values.ts) answer exactly what
 * `@aws-sdk/util-dynamodb` answers, for the shapes Portico stores and for the ones they hand to the library.
 */
const items: Record<string, Record<string, unknown>> = {
  'an access item': {
    pk: 'con_1',
    sk: 'ACCESS',
    status: 'invited',
    failures: 0,
    deferredUntil: 1_767_225_600_000,
    ratio: -0.25,
    enabled: false,
    lastError: null,
    invitation: { enablementId: 'en_1', state: 'sent', claimedAt: '2026-01-01T00:00:00.000Z' },
    components: ['tickets', 'invoices'],
    nested: [{ a: [1, 'two', true, null, { b: {} }] }, []],
    empty: '',
  },
  'sets and binary (the library)': {
    tags: new Set(['a', 'b']),
    numbers: new Set([1, 2]),
    bytes: new Uint8Array([1, 2, 3]),
  },
  'undefined values are left out': { kept: 'yes', gone: undefined, inMap: { gone: undefined, kept: 1 } },
  'a list holding undefined (the library)': { list: ['a', undefined, 'b'] },
};

describe('simulated attribute values', () => {
  it.each(Object.entries(items))('%s: toAttributes is marshall(…, removeUndefinedValues)', (_name, item) => {
    expect(toAttributes(item)).toEqual(marshall(item, { removeUndefinedValues: true }));
  });

  it.each(Object.entries(items))('%s: toItem is unmarshall', (_name, item) => {
    const attributes = marshall(item, { removeUndefinedValues: true });
    expect(toItem(attributes)).toEqual(unmarshall(attributes));
  });

  it('reads what only the library writes: large numbers as BigInt, number and string sets', () => {
    const attributes = { big: { N: '123456789012345678901' }, ns: { NS: ['1', '2.5'] }, ss: { SS: ['x'] } };
    expect(toItem(attributes)).toEqual(unmarshall(attributes));
    expect(toItem(attributes).big).toBe(123456789012345678901n);
  });

  it('refuses what the library refuses', () => {
    expect(() => toAttributes({ n: Number.NaN })).toThrow(/NaN/);
    expect(() => toAttributes({ big: 2 ** 60 })).toThrow(/MAX_SAFE_INTEGER/);
    expect(() => toAttributes({ when: new Date() })).toThrow();
  });
});
