import { Conflict } from '../http/errors';

/**
 * What a change of a deal registration's status means (pure: data and a date in, a step out). Main course: staff
 * approve a submitted registration → a lead assigned to the partner organization is created (or the lead staff
 * named in `leadId` is linked) and protected for DEAL_PROTECTION_DAYS; staff reject it (the schema demands a
 * reason); a registration waiting too long, or whose protection ended, expires (the daily run). Any other move of
 * the status is a 409: a decision is final. The write that records the step is conditional on the version read,
 * so of concurrent approvals one commits and the others re-read an approved registration: one lead.
 */

export type DealRegistrationStatus = 'submitted' | 'approved' | 'rejected' | 'expired';

export type ReviewStep =
  | { readonly kind: 'none' }
  | { readonly kind: 'approve'; readonly protectedUntil: string; readonly linkLeadId?: string }
  | { readonly kind: 'reject' }
  | { readonly kind: 'expire' };

/** Moves staff may make; `expired` is the daily run's (or staff closing a stale one). */
const allowed: Readonly<Record<DealRegistrationStatus, readonly DealRegistrationStatus[]>> = {
  submitted: ['approved', 'rejected', 'expired'],
  approved: ['expired'],
  rejected: [],
  expired: [],
};

/** `date` (YYYY-MM-DD) plus `days`, as a date. */
export function addDays(date: string, days: number): string {
  const next = new Date(`${date}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + days);
  return next.toISOString().slice(0, 10);
}

export function reviewDealRegistration(
  before: { readonly status?: unknown; readonly leadId?: unknown },
  after: { readonly status?: unknown; readonly leadId?: unknown },
  context: { readonly today: string; readonly protectionDays: number },
): ReviewStep {
  const from = (before.status ?? 'submitted') as DealRegistrationStatus;
  const to = (after.status ?? 'submitted') as DealRegistrationStatus;
  if (from !== 'submitted' && after.leadId !== before.leadId) {
    throw new Conflict(`The registration is already ${from}; its lead can no longer change.`);
  }
  if (from === to) return { kind: 'none' };
  if (!allowed[from].includes(to)) {
    throw new Conflict(`The registration is already ${from}; it cannot become ${to}.`);
  }
  switch (to) {
    case 'approved':
      return {
        kind: 'approve',
        protectedUntil: addDays(context.today, context.protectionDays),
        ...(typeof after.leadId === 'string' ? { linkLeadId: after.leadId } : {}),
      };
    case 'rejected':
      return { kind: 'reject' };
    default:
      return { kind: 'expire' };
  }
}

/** Whether the daily run expires a registration on `today`. */
export function expiresToday(
  registration: { readonly status?: unknown; readonly protectedUntil?: unknown; readonly createdAt?: unknown },
  today: string,
  submittedDays: number,
): boolean {
  if (registration.status === 'approved') {
    return typeof registration.protectedUntil === 'string' && registration.protectedUntil < today;
  }
  if (registration.status === 'submitted' && typeof registration.createdAt === 'string') {
    return addDays(registration.createdAt.slice(0, 10), submittedDays) < today;
  }
  return false;
}
