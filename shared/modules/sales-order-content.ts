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
