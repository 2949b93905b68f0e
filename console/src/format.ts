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

/**
 * A wait in words, rounded as people say it: "less than a minute", "about 7 minutes", "about 1 hour 20 minutes",
 * "about 2 hours", "about 3 days". Estimates are rough, so the figure is too.
 */
export function aboutDuration(seconds: number): string {
  const plural = (count: number, unit: string) => `${count} ${unit}${count === 1 ? '' : 's'}`;
  if (seconds < 60) return 'less than a minute';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `about ${plural(minutes, 'minute')}`;
  if (minutes < 120) {
    // Between one and two hours the minutes matter: to the nearest ten.
    const rest = Math.round((minutes - 60) / 10) * 10;
    return rest === 0 ? 'about 1 hour' : rest === 60 ? 'about 2 hours' : `about 1 hour ${rest} minutes`;
  }
  const hours = Math.round(seconds / 3600);
  if (hours < 48) return `about ${plural(hours, 'hour')}`;
  return `about ${plural(Math.round(seconds / 86_400), 'day')}`;
}
