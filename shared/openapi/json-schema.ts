import { toJsonSchema } from '@valibot/to-json-schema';
import type { Schema } from '../modules/validate';

/** JSON Schema as plain JSON. */
export type JsonObject = Record<string, unknown>;

/** A valibot schema (as opposed to JSON Schema written out, or a named schema): valibot marks its schemas by kind. */
export const isSchema = (value: unknown): value is Schema =>
  typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'schema' && '~run' in value;

/**
 * The document's own spelling, as it always had it: no `required: []` (it says nothing), and a nullable plain type as
 * `type: [T, "null"]` rather than an `anyOf` of the two.
 */
function tidy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(tidy);
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value)
    .filter(([key, member]) => !(key === 'required' && Array.isArray(member) && member.length === 0))
    .map(([key, member]) => [key, tidy(member)] as const);
  const object = Object.fromEntries(entries) as JsonObject;
  const [first, second, ...more] = Array.isArray(object.anyOf) ? (object.anyOf as JsonObject[]) : [];
  const isPlainType = (schema: JsonObject | undefined) =>
    schema !== undefined && Object.keys(schema).length === 1 && typeof schema.type === 'string';
  if (isPlainType(first) && second?.type === 'null' && isPlainType(second) && more.length === 0) {
    const { anyOf: _anyOf, ...rest } = object;
    return { type: [first!.type, 'null'], ...rest };
  }
  return object;
}

/**
 * The JSON Schema (2020-12, OpenAPI 3.1's dialect) of a schema the code validates with: a request's input side (what
 * clients send, before trimming and lower-casing) or an answer's output side. A check no JSON Schema keyword states
 * (a refinement over several fields, safe text) is left out: the schema says less than the code enforces, never more.
 */
export function jsonSchemaOf(schema: Schema, io: 'input' | 'output'): JsonObject {
  const { $schema: _dialect, ...json } = toJsonSchema(schema, {
    target: 'draft-2020-12',
    typeMode: io,
    errorMode: 'ignore',
    // An object that drops unknown members answers with none: its output side says so, a strict object's both sides.
    overrideSchema: ({ valibotSchema, jsonSchema }) =>
      io === 'output' && valibotSchema.type === 'object' ? { ...jsonSchema, additionalProperties: false } : undefined,
  }) as JsonObject;
  return tidy(json) as JsonObject;
}
