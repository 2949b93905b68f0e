import type * as z from 'zod/mini';
import { ValidationFailed, type FieldError } from '../http/errors';

/** `["portal", "supportEndDate"]` → `/portal/supportEndDate` (RFC 6901 JSON Pointer). */
function pointer(path: readonly PropertyKey[]): string {
  return path.map((segment) => `/${String(segment).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('') || '/';
}

/** The value at an issue's path in the input (zod 4 does not report it on the issue by default). */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const segment of path) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, segment)) return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

/** zod/mini ships no message catalogue (that is what keeps it small); these say what a person needs to fix. */
function describe(issue: z.core.$ZodIssue, input: unknown): string {
  if (issue.message && issue.message !== 'Invalid input') return issue.message;
  switch (issue.code) {
    case 'invalid_type':
      return valueAt(input, issue.path) === undefined
        ? 'required'
        : `must be ${issue.expected === 'object' || issue.expected === 'array' ? `an ${issue.expected}` : `a ${issue.expected}`}`;
    case 'too_small':
      return issue.origin === 'string'
        ? Number(issue.minimum) <= 1
          ? 'must not be empty'
          : `must be at least ${issue.minimum} characters`
        : issue.origin === 'array'
          ? `must have at least ${issue.minimum} items`
          : `must be ${issue.inclusive ? 'at least' : 'more than'} ${issue.minimum}`;
    case 'too_big':
      return issue.origin === 'string'
        ? `must be at most ${issue.maximum} characters`
        : issue.origin === 'array'
          ? `must have at most ${issue.maximum} items`
          : `must be ${issue.inclusive ? 'at most' : 'less than'} ${issue.maximum}`;
    case 'invalid_format':
      return issue.format === 'date'
        ? 'must be a date as YYYY-MM-DD'
        : issue.format === 'email'
          ? 'must be an email address'
          : issue.format === 'url'
            ? 'must be an http or https URL'
            : `must be a valid ${issue.format}`;
    case 'invalid_value':
      return `must be one of: ${issue.values.map(String).join(', ')}`;
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.join(', ')}`;
    default:
      return 'is not valid';
  }
}

export function fieldErrors(issues: readonly z.core.$ZodIssue[], input: unknown): FieldError[] {
  return issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: pointer([...issue.path, key]), message: 'unknown field' }))
      : [{ path: pointer(issue.path), message: describe(issue, input) }],
  );
}

/** Parses `input` or throws a 400 listing every problem. */
export function validate<T>(schema: z.ZodMiniType<T>, input: unknown, what: string): T {
  // Our own sentences, whatever locale some other code loaded into zod's global config (schema messages still win).
  const result = schema.safeParse(input, { error: () => 'Invalid input' });
  if (result.success) return result.data;
  throw new ValidationFailed(`The ${what} is not valid.`, fieldErrors(result.error.issues, input));
}
