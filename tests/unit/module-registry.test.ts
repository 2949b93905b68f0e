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
