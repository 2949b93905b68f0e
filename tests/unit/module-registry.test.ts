import * as v from 'valibot';
import { salesOrderTotal } from '../../shared/modules/registry';

describe('salesOrderTotal', () => {
  it('adds in cents, without floating-point drift', () => {
    const lines = [
      { quantity: 3, unitPrice: 0.1 },
      { quantity: 1.5, unitPrice: 19.99 },
    ];
    // The naive float sum is 30.285000000000004.
    expect(lines.reduce((sum, line) => sum + line.quantity * line.unitPrice, 0)).not.toBe(30.29);
    expect(salesOrderTotal(lines)).toBe(30.29);
  });

  it('is 0 for no lines and exact for many small ones', () => {
    expect(salesOrderTotal([])).toBe(0);
    expect(salesOrderTotal(Array.from({ length: 100 }, () => ({ quantity: 1, unitPrice: 0.1 })))).toBe(10);
    expect(salesOrderTotal([{ quantity: 0.0001, unitPrice: 0.01 }])).toBe(0);
  });
});

describe('module schemas are built on first use', () => {
  /** The registry loaded afresh, with valibot's strictObject counted: every module schema is one at its root. */
  function freshRegistry() {
    const built = jest.fn();
    let registry!: typeof import('../../shared/modules/registry');
    jest.isolateModules(() => {
      jest.doMock('valibot', () => {
        const actual = jest.requireActual<typeof import('valibot')>('valibot');
        return {
          ...actual,
          strictObject: (...args: Parameters<typeof actual.strictObject>) => (built(), actual.strictObject(...args)),
        };
      });
      registry = jest.requireActual('../../shared/modules/registry');
    });
    jest.dontMock('valibot');
    return { registry, built };
  }

  it('builds none at load, only the module asked for, and that one once', () => {
    const { registry, built } = freshRegistry();
    expect(built).not.toHaveBeenCalled();
    const contacts = registry.findModule('contacts')!;
    const schema = contacts.schema;
    // The contact, its portal settings and its mailing address: nothing of the other nine modules.
    const forContacts = built.mock.calls.length;
    expect(forContacts).toBeGreaterThan(0);
    expect(contacts.schema).toBe(schema);
    expect(built).toHaveBeenCalledTimes(forContacts);
    expect(v.safeParse(schema, { lastName: 'Lovelace', email: 'ADA@example.com ' })).toEqual({
      typed: true,
      success: true,
      output: { lastName: 'Lovelace', email: 'ada@example.com' },
      issues: undefined,
    });
  });

  it('keeps the schema a property of every module, seen by spreads and key listings like any other', () => {
    const { registry } = freshRegistry();
    for (const module of registry.modules) {
      expect(Object.keys(module)).toContain('schema');
      expect({ ...module }.schema).toBe(module.schema);
    }
  });
});
