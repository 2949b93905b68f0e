import { addDays, expiresToday, reviewDealRegistration } from '../../shared/deals/deal-review';
import { Conflict } from '../../shared/http/errors';

const context = { today: '2026-12-03', protectionDays: 90 };

describe('reviewDealRegistration', () => {
  it.each([
    ['submitted', 'submitted', { kind: 'none' }],
    ['submitted', 'approved', { kind: 'approve', protectedUntil: '2027-03-03' }],
    ['submitted', 'rejected', { kind: 'reject' }],
    ['submitted', 'expired', { kind: 'expire' }],
    ['approved', 'approved', { kind: 'none' }],
    ['approved', 'expired', { kind: 'expire' }],
    ['rejected', 'rejected', { kind: 'none' }],
  ])('%s → %s is %j', (from, to, step) => {
    expect(reviewDealRegistration({ status: from }, { status: to }, context)).toEqual(step);
  });

  it.each([
    ['approved', 'submitted'],
    ['approved', 'rejected'],
    ['rejected', 'approved'],
    ['rejected', 'submitted'],
    ['expired', 'approved'],
    ['expired', 'submitted'],
  ])('refuses %s → %s: a decision is final', (from, to) => {
    expect(() => reviewDealRegistration({ status: from }, { status: to }, context)).toThrow(Conflict);
  });

  it('treats a new registration as submitted, and links the lead staff named', () => {
    const leadId = 'lead_00000000-0000-4000-8000-000000000000';
    expect(reviewDealRegistration({}, { status: 'approved', leadId }, context)).toEqual({
      kind: 'approve',
      protectedUntil: '2027-03-03',
      linkLeadId: leadId,
    });
    expect(reviewDealRegistration({}, {}, context)).toEqual({ kind: 'none' });
  });

  it('refuses to change the lead of a decided registration', () => {
    const before = { status: 'approved', leadId: 'lead_a' };
    expect(() => reviewDealRegistration(before, { ...before, leadId: 'lead_b' }, context)).toThrow(Conflict);
    expect(reviewDealRegistration(before, { ...before }, context)).toEqual({ kind: 'none' });
  });
});

describe('expiresToday', () => {
  it('expires an approved registration the day after its protection ends', () => {
    expect(expiresToday({ status: 'approved', protectedUntil: '2026-12-03' }, '2026-12-03', 30)).toBe(false);
    expect(expiresToday({ status: 'approved', protectedUntil: '2026-12-02' }, '2026-12-03', 30)).toBe(true);
  });

  it('expires a submitted registration that waited longer than allowed', () => {
    const createdAt = '2026-11-03T10:00:00.000Z';
    expect(expiresToday({ status: 'submitted', createdAt }, addDays('2026-11-03', 30), 30)).toBe(false);
    expect(expiresToday({ status: 'submitted', createdAt }, addDays('2026-11-03', 31), 30)).toBe(true);
  });

  it('never expires a decided one', () => {
    for (const status of ['rejected', 'expired']) {
      expect(expiresToday({ status, protectedUntil: '2000-01-01', createdAt: '2000-01-01' }, '2026-12-03', 30)).toBe(
        false,
      );
    }
  });
});

describe('addDays', () => {
  it('crosses months, years and leap days', () => {
    expect(addDays('2026-12-03', 90)).toBe('2027-03-03');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });
});
