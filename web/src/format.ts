/// <reference lib="dom" />
/** How record fields read on screen. */

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

/** One field's value as text, for lists and the detail view. */
export function formatValue(name: string, value: unknown, record: Record<string, unknown>): string {
  if (name === 'signature') return signatureSummary(value);
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'number')
    return name === 'total' || name === 'unitPrice' ? formatMoney(value, record.currency) : String(value);
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (typeof value === 'string') return dateOnly.test(value) || timestamp.test(value) ? formatDate(value) : value;
  if (typeof value === 'object')
    return Object.values(value as Record<string, unknown>)
      .filter((part) => typeof part === 'string' && part)
      .join(', ');
  return String(value);
}
