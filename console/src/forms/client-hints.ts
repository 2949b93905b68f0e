import type { FieldSpec } from './field-specs';
import type { FormValues, RowValues } from './form-values';

/**
 * Checks made before a save, from the same declarations the API validates with, so most mistakes are shown at
 * once beside their field. The API stays the judge: what passes here may still come back as problem+json.
 */

export interface FieldError {
  /** JSON Pointer of the field, as the API's problem+json `errors[].path`. */
  readonly path: string;
  /** A sentence for the person at the keyboard. */
  readonly message: string;
}

/** What a pattern asks for, in words; the pattern itself means nothing to the person typing. */
const patternHints: Readonly<Record<string, string>> = {
  username: 'Use 3 to 64 letters, digits, dots, dashes or underscores, with at least one letter.',
  pin: 'Use 4 to 8 digits.',
};

const kindHints: Partial<Record<FieldSpec['kind'], string>> = {
  phone: 'Use digits, spaces and + ( ) - . / # * , only.',
  currency: 'Use a three-letter currency code such as EUR.',
  email: 'Enter an email address such as name@example.com.',
  url: 'Enter a web address starting with http:// or https://.',
  date: 'Enter a date as YYYY-MM-DD.',
  reference: 'Choose a record from the list.',
};

function decimals(text: string): number {
  return text.includes('.') ? text.length - text.indexOf('.') - 1 : 0;
}

const emailShape = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;
const dateShape = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** The problem with one typed value, or undefined. */
export function checkValue(spec: FieldSpec, raw: string): string | undefined {
  const text = raw.trim();
  if (text === '') return spec.required ? `${spec.label} is required.` : undefined;
  if (spec.maxLength !== undefined && text.length > spec.maxLength)
    return `${spec.label} must be at most ${spec.maxLength} characters (it has ${text.length}).`;
  if (spec.minLength !== undefined && text.length < spec.minLength)
    return `${spec.label} must be at least ${spec.minLength} characters.`;
  if (spec.kind === 'money' || spec.kind === 'quantity') {
    const number = Number(text);
    if (!Number.isFinite(number) || !/^-?\d*\.?\d+$/.test(text)) return `${spec.label} must be a number.`;
    if (spec.exclusiveMinimum !== undefined && number <= spec.exclusiveMinimum)
      return `${spec.label} must be more than ${spec.exclusiveMinimum}.`;
    if (spec.minimum !== undefined && number < spec.minimum) return `${spec.label} must be at least ${spec.minimum}.`;
    if (spec.maximum !== undefined && number > spec.maximum) return `${spec.label} must be at most ${spec.maximum}.`;
    const places = spec.kind === 'money' ? 2 : 4;
    if (decimals(text) > places) return `${spec.label} takes at most ${places} decimals.`;
    return undefined;
  }
  if (spec.kind === 'email' && !emailShape.test(text)) return kindHints.email;
  if (spec.kind === 'date' && !dateShape.test(text)) return kindHints.date;
  if (spec.kind === 'url' && !/^https?:\/\/[^\s]+$/i.test(text)) return kindHints.url;
  if (spec.pattern && !new RegExp(spec.pattern).test(spec.key === 'username' ? text.toLowerCase() : text))
    return patternHints[spec.key] ?? kindHints[spec.kind] ?? `${spec.label} is not in the expected form.`;
  return undefined;
}

/** Every problem the form can see without asking the API, in field order. */
export function checkForm(specs: readonly FieldSpec[], values: FormValues): FieldError[] {
  return [...checkFields(specs, values), ...crossFieldChecks(values)];
}

function checkFields(specs: readonly FieldSpec[], values: FormValues): FieldError[] {
  const errors: FieldError[] = [];
  for (const spec of specs) {
    if (spec.kind === 'group') {
      errors.push(...checkFields(spec.fields ?? [], values));
      continue;
    }
    const value = values[spec.pointer];
    if (spec.kind === 'lineItems') {
      const rows = Array.isArray(value) ? (value as RowValues[]) : [];
      if (spec.maxItems !== undefined && rows.length > spec.maxItems)
        errors.push({ path: spec.pointer, message: `At most ${spec.maxItems} lines.` });
      rows.forEach((row, index) => {
        // A row left wholly empty is dropped on save, not refused.
        if (Object.values(row).every((cell) => cell.trim() === '')) return;
        for (const field of spec.fields ?? []) {
          const message = checkValue(field, row[field.key] ?? '');
          if (message) errors.push({ path: `${spec.pointer}/${index}${field.pointer}`, message });
        }
      });
      continue;
    }
    if (typeof value !== 'string') continue;
    const message = checkValue(spec, value);
    if (message) errors.push({ path: spec.pointer, message });
  }
  return errors;
}

/** The one rule across fields the registry declares (portal support window), told the same way. */
function crossFieldChecks(values: FormValues): FieldError[] {
  const start = values['/portal/supportStartDate'];
  const end = values['/portal/supportEndDate'];
  if (typeof start === 'string' && typeof end === 'string' && dateShape.test(start) && dateShape.test(end))
    if (end < start)
      return [{ path: '/portal/supportEndDate', message: 'Support end date must not be before the start date.' }];
  return [];
}
