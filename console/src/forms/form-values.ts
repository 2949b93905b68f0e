import type { FieldSpec } from './field-specs';

/**
 * A form's state as its inputs hold it (text as typed, checkboxes as booleans), keyed by JSON Pointer, and the
 * request bodies made from it: the whole record for a create, an RFC 7396 merge patch of what changed for an edit.
 */

export type RowValues = Readonly<Record<string, string>>;
export type FieldValue = string | boolean | readonly string[] | readonly RowValues[];
export type FormValues = Readonly<Record<string, FieldValue>>;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** Checkboxes whose absence means "on" (shared/modules/registry.ts: absent `notifications` means on). */
const absentMeansOn = new Set(['/portal/notifications']);

function valueAt(record: unknown, pointer: string): unknown {
  let value = record;
  for (const segment of pointer.split('/').slice(1)) {
    const key = segment.replace(/~1/g, '/').replace(/~0/g, '~');
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function leafSpecs(specs: readonly FieldSpec[]): FieldSpec[] {
  return specs.flatMap((spec) => (spec.kind === 'group' ? leafSpecs(spec.fields ?? []) : [spec]));
}

function asText(value: unknown): string {
  return value === undefined || value === null ? '' : String(value);
}

/** The inputs' values for a stored record (or `{}` for a new one). Write-only fields start empty. */
export function valuesFromRecord(specs: readonly FieldSpec[], record: unknown): Record<string, FieldValue> {
  const values: Record<string, FieldValue> = {};
  for (const spec of leafSpecs(specs)) {
    const value = valueAt(record, spec.pointer);
    if (spec.kind === 'checkbox') {
      values[spec.pointer] = typeof value === 'boolean' ? value : absentMeansOn.has(spec.pointer);
    } else if (spec.kind === 'choices') {
      values[spec.pointer] = Array.isArray(value) ? value.map(String) : [];
    } else if (spec.kind === 'lineItems') {
      const rows = Array.isArray(value) ? value : [];
      values[spec.pointer] = rows.map((row) =>
        Object.fromEntries((spec.fields ?? []).map((field) => [field.key, asText(valueAt(row, field.pointer))])),
      );
    } else {
      values[spec.pointer] = spec.kind === 'secret' ? '' : asText(value);
    }
  }
  return values;
}

/** Amounts are numbers in the API; text that is not one is sent as typed so the refusal names the field. */
function numberOrText(text: string): number | string {
  const number = Number(text);
  return text !== '' && Number.isFinite(number) ? number : text;
}

function scalar(spec: FieldSpec, raw: string): Json | undefined {
  const text = raw.trim();
  if (text === '') return undefined;
  return spec.kind === 'money' || spec.kind === 'quantity' ? numberOrText(text) : text;
}

function fieldJson(spec: FieldSpec, values: FormValues, record: unknown): Json | undefined {
  if (spec.kind === 'group') {
    const group = objectOf(spec.fields ?? [], values, record);
    return Object.keys(group).length > 0 ? group : undefined;
  }
  const value = values[spec.pointer];
  if (spec.kind === 'checkbox') {
    // An untouched box over an absent value stays absent, so opening and saving a form writes nothing new.
    const stored = valueAt(record, spec.pointer);
    if (typeof value !== 'boolean') return undefined;
    return stored === undefined && value === absentMeansOn.has(spec.pointer) ? undefined : value;
  }
  if (spec.kind === 'choices') {
    const stored = valueAt(record, spec.pointer);
    const list = Array.isArray(value) ? (value as string[]) : [];
    // Kept in the registry's order, whatever order they were ticked in.
    const ordered = (spec.options ?? []).filter((option) => list.includes(option));
    return stored === undefined && ordered.length === 0 ? undefined : ordered;
  }
  if (spec.kind === 'lineItems') {
    const rows = Array.isArray(value) ? (value as RowValues[]) : [];
    return rows
      .map((row) => {
        const line: JsonObject = {};
        for (const field of spec.fields ?? []) {
          const json = scalar(field, row[field.key] ?? '');
          if (json !== undefined) line[field.key] = json;
        }
        return line;
      })
      .filter((line) => Object.keys(line).length > 0);
  }
  return typeof value === 'string' ? scalar(spec, value) : undefined;
}

function objectOf(specs: readonly FieldSpec[], values: FormValues, record: unknown): JsonObject {
  const body: JsonObject = {};
  for (const spec of specs) {
    const json = fieldJson(spec, values, record);
    if (json !== undefined) body[spec.key] = json;
  }
  return body;
}

/** The body of a create request: every field with a value, empty ones left out. */
export function createBody(specs: readonly FieldSpec[], values: FormValues): JsonObject {
  return objectOf(specs, values, {});
}

function isObject(value: Json | undefined): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function sameJson(a: Json | undefined, b: Json | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** RFC 7396: what turns `before` into `after`, `null` removing a member; arrays are replaced whole. */
export function mergePatch(before: JsonObject, after: JsonObject): JsonObject {
  const patch: JsonObject = {};
  for (const key of Object.keys(before)) if (!(key in after)) patch[key] = null;
  for (const [key, value] of Object.entries(after)) {
    const old = before[key];
    if (sameJson(old, value)) continue;
    patch[key] = isObject(old) && isObject(value) ? mergePatch(old, value) : value;
  }
  return patch;
}

/**
 * The body of an edit: only what the form changed, so a save does not overwrite fields someone else changed
 * meanwhile (If-Match catches the rest). Fields the form does not show (server-owned ones) are never touched.
 */
export function editPatch(specs: readonly FieldSpec[], record: unknown, values: FormValues): JsonObject {
  const before = objectOf(specs, valuesFromRecord(specs, record), record);
  return mergePatch(before, objectOf(specs, values, record));
}
