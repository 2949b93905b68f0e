import { createHash } from 'node:crypto';

/** What a signature on a sales order vouches for: its subject, currency, lines and total. */
export function salesOrderContent(order: Record<string, unknown>) {
  const lines = (order.lineItems ?? []) as { description: string; quantity: number; unitPrice: number }[];
  return {
    subject: order.subject ?? null,
    currency: order.currency ?? null,
    lineItems: lines.map(({ description, quantity, unitPrice }) => ({ description, quantity, unitPrice })),
    total: order.total ?? null,
  };
}

/** SHA-256 of the canonical JSON (fixed key order) of the signed content. */
export function salesOrderContentHash(order: Record<string, unknown>): string {
  return createHash('sha256')
    .update(JSON.stringify(salesOrderContent(order)))
    .digest('hex');
}

export interface Signature {
  readonly status: 'valid' | 'invalidated';
  readonly contentHash: string;
  readonly signedAt: string;
  readonly signedBy: { readonly id: string; readonly name: string; readonly email: string };
  readonly sourceIp: string;
  readonly userAgent: string;
  readonly invalidatedAt?: string;
}

/** A staff edit that changes what was signed leaves the signature in place, marked invalidated. */
export function signatureAfterEdit(signature: Signature | undefined, edited: Record<string, unknown>, at: string) {
  if (!signature || signature.status === 'invalidated') return signature;
  return salesOrderContentHash(edited) === signature.contentHash
    ? signature
    : { ...signature, status: 'invalidated', invalidatedAt: at };
}

/** The `Signature` above as JSON Schema, for the API's contract (a sales order's `signature`, the signing answer). */
export const signatureJsonSchema = {
  type: 'object',
  description: 'Who signed, when, from where, and a SHA-256 of what was signed (subject, currency, lines, total).',
  properties: {
    status: {
      type: 'string',
      enum: ['valid', 'invalidated'],
      description: '`invalidated` once a staff edit changed what was signed.',
    },
    contentHash: { type: 'string', pattern: '^[0-9a-f]{64}$' },
    signedAt: { type: 'string', format: 'date-time' },
    signedBy: {
      type: 'object',
      properties: { id: { type: 'string' }, name: { type: 'string' }, email: { type: 'string' } },
      required: ['id', 'name', 'email'],
      additionalProperties: false,
    },
    sourceIp: { type: 'string' },
    userAgent: { type: 'string', maxLength: 512 },
    invalidatedAt: { type: 'string', format: 'date-time', description: 'When a staff edit invalidated it.' },
  },
  required: ['status', 'contentHash', 'signedAt', 'signedBy', 'sourceIp', 'userAgent'],
  additionalProperties: false,
} as const;
