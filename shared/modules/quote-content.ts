import { createHash } from 'node:crypto';

/** What a quote decision answers to: the quote's subject, currency, total and validity. */
export function quoteContent(quote: Record<string, unknown>) {
  return {
    subject: quote.subject ?? null,
    currency: quote.currency ?? null,
    total: quote.total ?? null,
    validUntil: quote.validUntil ?? null,
  };
}

/** SHA-256 of the canonical JSON (fixed key order) of the decided content. */
export function quoteContentHash(quote: Record<string, unknown>): string {
  return createHash('sha256')
    .update(JSON.stringify(quoteContent(quote)))
    .digest('hex');
}

export type QuoteDecisionValue = 'accept' | 'decline';

/** A person's answer to a quote, recorded like a signature: who, when, from where, and on what content. */
export interface QuoteDecision {
  readonly decision: QuoteDecisionValue;
  readonly reason?: string;
  readonly decidedAt: string;
  readonly decidedBy: { readonly id: string; readonly name: string; readonly email: string };
  readonly contentHash: string;
  readonly sourceIp: string;
  readonly userAgent: string;
  /** Set when staff changed the decided content afterwards: the decision stays on record but no longer stands. */
  readonly superseded?: true;
  readonly supersededAt?: string;
}

/** A staff edit that changes what was decided leaves the decision in place, marked superseded. */
export function decisionAfterEdit(decision: QuoteDecision | undefined, edited: Record<string, unknown>, at: string) {
  if (!decision || decision.superseded) return decision;
  return quoteContentHash(edited) === decision.contentHash
    ? decision
    : { ...decision, superseded: true as const, supersededAt: at };
}
