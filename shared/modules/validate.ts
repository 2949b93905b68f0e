import * as v from 'valibot';
import { ValidationFailed, type FieldError } from '../http/errors';

/** Any valibot schema whose parsed value is `T`: what a route, a module or a configuration declares. */
export type Schema<T = unknown> = v.GenericSchema<unknown, T>;

/** Any issue a schema reports. */
export type Issue = v.BaseIssue<unknown>;

/** `["portal", "supportEndDate"]` → `/portal/supportEndDate` (RFC 6901 JSON Pointer). */
function pointer(path: readonly PropertyKey[]): string {
  return path.map((segment) => `/${String(segment).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('') || '/';
}

const keysOf = (issue: Issue): PropertyKey[] => (issue.path ?? []).map((item) => item.key as PropertyKey);

/** An object member the schema does not declare: valibot's strict objects report it with the key as its input. */
const isUnknownKey = (issue: Issue) => issue.type === 'strict_object' && issue.expected === 'never';

/** `("a" | "b")` → `a, b`: the values a picklist allows, as valibot states them in `expected`. */
function allowedValues(expected: string | null): string {
  const list = expected?.replace(/^\((.*)\)$/, '$1') ?? '';
  return list
    .split(' | ')
    .map((value) => {
      try {
        return String(JSON.parse(value));
      } catch {
        return value;
      }
    })
    .join(', ');
}

/**
 * Our sentences for what a person needs to fix. A schema's own message (a phone number's, a reference's) is used as
 * it stands; this is the fallback for the checks that carry none.
 */
export function describe(issue: Issue): string {
  const requirement = (issue as { requirement?: unknown }).requirement;
  const isText = typeof issue.input === 'string';
  switch (issue.type) {
    case 'object':
    case 'strict_object':
      // A declared member the input lacks: valibot reports it on the object with the member's name expected.
      if (issue.input === undefined && issue.expected !== 'Object') return 'required';
      return isUnknownKey(issue) ? 'unknown field' : 'must be an object';
    case 'array':
      return issue.input === undefined ? 'required' : 'must be an array';
    case 'string':
    case 'number':
    case 'boolean':
      return issue.input === undefined ? 'required' : `must be a ${issue.type}`;
    case 'picklist':
      return issue.input === undefined ? 'required' : `must be one of: ${allowedValues(issue.expected)}`;
    case 'min_length':
      return isText
        ? Number(requirement) <= 1
          ? 'must not be empty'
          : `must be at least ${String(requirement)} characters`
        : `must have at least ${String(requirement)} items`;
    case 'max_length':
      return isText
        ? `must be at most ${String(requirement)} characters`
        : `must have at most ${String(requirement)} items`;
    case 'min_value':
      return `must be at least ${String(requirement)}`;
    case 'max_value':
      return `must be at most ${String(requirement)}`;
    case 'gt_value':
      return `must be more than ${String(requirement)}`;
    case 'lt_value':
      return `must be less than ${String(requirement)}`;
    case 'integer':
      return 'must be a whole number';
    case 'email':
      return 'must be an email address';
    default:
      return 'is not valid';
  }
}

/**
 * Parse options for our sentences (`describe`) where a schema states none. A language of our own: messages other code
 * sets in valibot's process-wide maps are set for theirs (or none), so they never take the place of these, and no
 * message repeats the value it refused.
 */
export const ourMessages = { lang: 'x-portico', message: describe } as const;

/**
 * Every member a strict object in `schema` does not declare, at `path`. valibot stops at the first unknown member of
 * an object; a person sending several wants to hear of all of them at once.
 */
function unknownKeysAt(schema: unknown, path: readonly PropertyKey[], input: unknown): string[] {
  let node = schema as SchemaNode | undefined;
  let value = input;
  for (const key of path) {
    const container = unwrapped(node);
    node = container?.entries ? container.entries[String(key)] : container?.item;
    value = (value as Record<PropertyKey, unknown> | undefined)?.[key];
  }
  const entries = unwrapped(node)?.entries;
  if (!entries || value === null || typeof value !== 'object') return [];
  return Object.keys(value).filter((key) => !Object.hasOwn(entries, key));
}

/**
 * What of a valibot schema the walks below read. A pipe is its first schema with the actions added: same type, same
 * members.
 */
interface SchemaNode {
  readonly type?: string;
  readonly wrapped?: SchemaNode;
  readonly entries?: Record<string, SchemaNode>;
  readonly item?: SchemaNode;
  /** A record's schema of its values. */
  readonly value?: SchemaNode;
}

/** The schema under optional, nullable and nullish wrappers. */
function unwrapped(node: SchemaNode | undefined): SchemaNode | undefined {
  while (node?.wrapped) node = node.wrapped;
  return node;
}

/** The members an object schema declares (a module's, its cross-field rules piped after it). */
export function entriesOf(schema: Schema): Record<string, Schema> {
  return (unwrapped(schema as SchemaNode)?.entries ?? {}) as Record<string, Schema>;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Where `input` holds an array in place of an object the schema declares. valibot takes an array for an object (its
 * indices are keys, by design), which would store `mailingAddress: []` as `{}` and call a body of `[1, 2]` a record
 * lacking its name; the API refuses both, as it always has.
 */
function arraysForObjects(node: SchemaNode | undefined, value: unknown, path: PropertyKey[], found: PropertyKey[][]) {
  const schema = unwrapped(node);
  if (!schema) return;
  if (schema.entries) {
    if (Array.isArray(value)) found.push(path);
    else if (isObject(value))
      for (const [key, member] of Object.entries(schema.entries))
        if (Object.hasOwn(value, key)) arraysForObjects(member, value[key], [...path, key], found);
  } else if (schema.type === 'array' && Array.isArray(value)) {
    value.forEach((item, index) => arraysForObjects(schema.item, item, [...path, index], found));
  } else if (schema.type === 'record' && isObject(value)) {
    for (const [key, member] of Object.entries(value)) arraysForObjects(schema.value, member, [...path, key], found);
  }
}

const isWithin = (path: readonly PropertyKey[], prefix: readonly PropertyKey[]) =>
  prefix.length <= path.length && prefix.every((key, index) => String(path[index]) === String(key));

/**
 * `input` parsed, or every problem as a field error: where in the input (a JSON Pointer) and what to fix there, in
 * our own sentences whatever global message some other code configured in valibot (a schema's own message wins).
 */
export function check<T>(schema: Schema<T>, input: unknown): { output: T } | { errors: FieldError[] } {
  const misplaced: PropertyKey[][] = [];
  arraysForObjects(schema as SchemaNode, input, [], misplaced);
  const result = v.safeParse(schema, input, ourMessages);
  if (result.success && misplaced.length === 0) return { output: result.output };
  const errors: FieldError[] = misplaced.map((path) => ({ path: pointer(path), message: 'must be an object' }));
  for (const issue of result.issues ?? []) {
    // What valibot made of an array taken for an object (its members "required", its indices "unknown") is not news.
    if (misplaced.some((path) => isWithin(keysOf(issue), path))) continue;
    if (!isUnknownKey(issue)) {
      errors.push({ path: pointer(keysOf(issue)), message: issue.message });
      continue;
    }
    const parent = keysOf(issue).slice(0, -1);
    for (const key of unknownKeysAt(schema, parent, input)) {
      errors.push({ path: pointer([...parent, key]), message: 'unknown field' });
    }
  }
  return { errors };
}

/** Parses `input` or throws a 400 listing every problem. */
export function validate<T>(schema: Schema<T>, input: unknown, what: string): T {
  const result = check(schema, input);
  if ('output' in result) return result.output;
  throw new ValidationFailed(`The ${what} is not valid.`, result.errors);
}
