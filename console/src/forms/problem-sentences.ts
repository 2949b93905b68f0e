import { flattenSpecs, type FieldSpec } from './field-specs';
import type { FieldError } from './client-hints';

/**
 * A refused save on its form: problem+json (RFC 9457) `errors[].path` placed beside the field it names. Refusals
 * that are not about fields are told by console/src/problems.ts.
 */

export interface Problem {
  readonly status: number;
  readonly title?: string;
  readonly detail?: string;
  readonly errors?: readonly { readonly path: string; readonly message: string }[];
}

export interface PlacedProblem {
  /** Messages by the JSON Pointer of the input they belong beside. */
  readonly fieldErrors: readonly FieldError[];
  /** What goes above the form: the summary, and errors that name no input on it. */
  readonly formMessage: string;
}

const conflictSentence =
  'Someone else changed this record since you opened it. Reload it to see their changes, then make yours again.';

/** The label of the input a pointer names; a line-item cell is labelled with its row number. */
function inputAt(specs: readonly FieldSpec[], path: string): { pointer: string; label: string } | undefined {
  const leaves = flattenSpecs(specs);
  for (const spec of leaves) {
    if (spec.kind === 'lineItems' && path.startsWith(`${spec.pointer}/`)) {
      const [index, ...rest] = path.slice(spec.pointer.length + 1).split('/');
      const field = spec.fields?.find((cell) => cell.pointer === `/${rest.join('/')}`);
      if (field && /^\d+$/.test(index ?? ''))
        return { pointer: path, label: `${field.label} on line ${Number(index) + 1}` };
      return { pointer: spec.pointer, label: spec.label };
    }
  }
  // The input itself, or the nearest one above the path (an error on a whole group lands on its first field).
  const exact = leaves.find((spec) => spec.pointer === path);
  if (exact) return { pointer: exact.pointer, label: exact.label };
  const within = leaves.find((spec) => spec.pointer.startsWith(`${path}/`));
  return within ? { pointer: within.pointer, label: within.label } : undefined;
}

/** "required" → "Last name is required."; "must be …" → "Last name must be …". */
export function fieldSentence(label: string, message: string): string {
  const text = message.trim().replace(/\.$/, '');
  if (text === 'required') return `${label} is required.`;
  if (/^(must|is|has|takes|cannot|should)\b/.test(text)) return `${label} ${text}.`;
  return `${label}: ${text.charAt(0).toLowerCase()}${text.slice(1)}.`;
}

/** Places a refused save's problem on the form. */
export function placeProblem(specs: readonly FieldSpec[], problem: Problem): PlacedProblem {
  if (problem.status === 412) return { fieldErrors: [], formMessage: conflictSentence };
  const fieldErrors: FieldError[] = [];
  const unplaced: string[] = [];
  for (const error of problem.errors ?? []) {
    const input = inputAt(specs, error.path);
    if (input) fieldErrors.push({ path: input.pointer, message: fieldSentence(input.label, error.message) });
    else unplaced.push(`${error.path === '/' ? 'The record' : error.path.slice(1)}: ${error.message}.`);
  }
  const summary =
    fieldErrors.length > 0
      ? `${problem.detail ?? 'The record was not saved.'} See the field${fieldErrors.length > 1 ? 's' : ''} marked below.`
      : (problem.detail ?? `The record was not saved (${problem.status}).`);
  return { fieldErrors, formMessage: [summary, ...unplaced].join(' ') };
}
