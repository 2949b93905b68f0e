/// <reference lib="dom" />
import type { FieldMeta } from './module-meta-types';

/** One value as a list cell or a read-only field shows it. */
export function displayValue(value: unknown, field: FieldMeta | undefined, name: string): string {
  if (value === undefined || value === null || value === '') return '';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (typeof value === 'number')
    return field?.type === 'money' || name === 'total'
      ? value.toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 })
      : value.toLocaleString();
  if (name === 'updatedAt' || name === 'createdAt') {
    const date = new Date(String(value));
    return Number.isNaN(date.getTime())
      ? String(value)
      : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  }
  if (Array.isArray(value)) return value.map((item) => displayValue(item, undefined, '')).join(', ');
  if (typeof value === 'object') return name === 'signature' ? 'Signed' : '';
  return String(value);
}

/** What a record is called in lists and headings: its name, a person's full name, or its title or subject. */
export function recordTitle(record: Record<string, unknown>): string {
  const person = [record.firstName, record.lastName].filter((part) => typeof part === 'string' && part).join(' ');
  const title = record.name ?? record.subject ?? record.title;
  return typeof title === 'string' && title ? title : person || String(record.id ?? '');
}
