/// <reference lib="dom" />
import type { components } from './generated/api-types';

/** How record fields read on screen. */

type Schemas = components['schemas'];
export type DealStatus = Schemas['PortalDealRegistration']['status'];
export type LeadStage = NonNullable<Schemas['PartnerLead']['partnerStage']>;
export type DeclineReason = NonNullable<Schemas['PartnerLeadDecisionInput']['reason']>;

/*
 * The words people read for the API's codes, declared once for every screen. Each map is keyed by its enum as the
 * OpenAPI document states it, so a code added to the schema fails `npm run typecheck` until it has its label.
 */
export const dealStatusLabels: Record<DealStatus, string> = {
  submitted: 'Submitted',
  approved: 'Approved',
  rejected: 'Rejected',
  expired: 'Expired',
};
/** In the order a deal moves through them (the stage list offers them so). */
export const leadStageLabels: Record<LeadStage, string> = {
  contacted: 'Contacted',
  qualified: 'Qualified',
  proposal: 'Proposal sent',
  negotiation: 'In negotiation',
  won: 'Won',
  lost: 'Lost',
};
export const declineReasonLabels: Record<DeclineReason, string> = {
  'not-interested': 'Not interested',
  duplicate: 'Duplicate of one we have',
  spam: 'Spam or not a real enquiry',
  other: 'Another reason',
};
/** A code's label, or the code itself when an older app meets a newer API. */
export const labelOf = <Code extends string>(labels: Record<Code, string>, code: unknown): string =>
  typeof code === 'string' ? ((labels as Record<string, string>)[code] ?? code) : '—';

/** Fields whose values are codes with labels, by the component that shows them. */
const codeLabels: Readonly<Record<string, Readonly<Record<string, Record<string, string>>>>> = {
  'deal-registrations': { status: dealStatusLabels },
  leads: { partnerStage: leadStageLabels },
};
/** Amounts, shown in their record's currency. */
const moneyFields = new Set(['total', 'unitPrice', 'estimatedValue']);

const acronyms: Record<string, string> = { id: 'ID', url: 'URL' };

/** `invoiceNumber` → "Invoice number". */
export function fieldLabel(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(' ');
  const label = words.map((word) => acronyms[word] ?? word).join(' ');
  return label.charAt(0).toUpperCase() + label.slice(1);
}

/** `sales-orders` → "Sales orders". */
export const sectionTitle = (moduleName: string) =>
  moduleName.charAt(0).toUpperCase() + moduleName.slice(1).replace(/-/g, ' ');

const dateOnly = /^\d{4}-\d{2}-\d{2}$/;
const timestamp = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

export function formatDate(value: string): string {
  // A plain date is a calendar day, not a moment: show it as written, in the reader's format, without a zone shift.
  if (dateOnly.test(value)) {
    const [year, month, day] = value.split('-').map(Number) as [number, number, number];
    return new Date(year, month - 1, day).toLocaleDateString(undefined, { dateStyle: 'medium' });
  }
  return new Date(value).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function formatMoney(amount: number, currency: unknown): string {
  if (typeof currency === 'string' && /^[A-Z]{3}$/.test(currency)) {
    try {
      return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(amount);
    } catch {
      // An unknown code: fall through to a plain number.
    }
  }
  return amount.toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

export interface SignatureView {
  readonly status?: string;
  readonly signedAt?: string;
  readonly signedBy?: { readonly name?: string; readonly email?: string };
}

export function signatureSummary(signature: unknown): string {
  const value = signature as SignatureView | undefined;
  if (!value || typeof value !== 'object') return 'Not signed';
  if (value.status === 'valid')
    return `Signed${value.signedBy?.name ? ` by ${value.signedBy.name}` : ''}${value.signedAt ? ` on ${formatDate(value.signedAt)}` : ''}`;
  return 'Signature no longer valid (changed after signing)';
}

/**
 * A deal registration's status as a sentence: what was decided, and what it means now (how long the customer is
 * protected, why it was refused, when it lapsed).
 */
export function dealStatusText(record: Record<string, unknown>): string {
  const label = labelOf(dealStatusLabels, record.status);
  const date = (value: unknown) => (typeof value === 'string' ? formatDate(value.slice(0, 10)) : undefined);
  const protectedUntil = date(record.protectedUntil);
  if (record.status === 'approved' && protectedUntil) return `${label}, protected until ${protectedUntil}`;
  if (record.status === 'rejected' && typeof record.reason === 'string') return `${label}: ${record.reason}`;
  if (record.status === 'expired' && date(record.decidedAt)) return `${label} on ${date(record.decidedAt)}`;
  return label;
}

/**
 * One field's value as text, for lists and the detail view; `component` (the section showing it) says which of
 * its fields are codes with labels.
 */
export function formatValue(name: string, value: unknown, record: Record<string, unknown>, component?: string): string {
  if (name === 'signature') return signatureSummary(value);
  if (component === 'deal-registrations' && name === 'status') return dealStatusText(record);
  if (value === null || value === undefined || value === '') return '—';
  const labels = component ? codeLabels[component]?.[name] : undefined;
  if (labels) return labelOf(labels, value);
  if (typeof value === 'number') return moneyFields.has(name) ? formatMoney(value, record.currency) : String(value);
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (typeof value === 'string') return dateOnly.test(value) || timestamp.test(value) ? formatDate(value) : value;
  if (typeof value === 'object')
    return Object.values(value as Record<string, unknown>)
      .filter((part) => typeof part === 'string' && part)
      .join(', ');
  return String(value);
}
