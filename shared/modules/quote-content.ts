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

/** A quote's `decision` as the API returns it (staff and portal alike), for the OpenAPI document. */
export const quoteDecisionJsonSchema = {
  type: 'object',
  description:
    'Who accepted or declined the quote, when, from where, and a SHA-256 of the decided content (subject, currency, ' +
    'total, validity).',
  properties: {
    decision: { type: 'string', enum: ['accept', 'decline'] },
    reason: { type: 'string', description: "The person's words, if they gave any." },
    decidedAt: { type: 'string', format: 'date-time' },
    decidedBy: {
      type: 'object',
      properties: { id: { type: 'string' }, name: { type: 'string' }, email: { type: 'string' } },
      required: ['id', 'name', 'email'],
      additionalProperties: false,
    },
    contentHash: { type: 'string', pattern: '^[0-9a-f]{64}$' },
    sourceIp: { type: 'string' },
    userAgent: { type: 'string', maxLength: 512 },
    superseded: {
      const: true,
      description: 'Staff changed the decided content since: the decision stays on record but no longer stands.',
    },
    supersededAt: { type: 'string', format: 'date-time', description: 'When a staff edit superseded it.' },
  },
  required: ['decision', 'decidedAt', 'decidedBy', 'contentHash', 'sourceIp', 'userAgent'],
  additionalProperties: false,
} as const;
