import type { ModuleDeclaration } from '../modules/registry';

/**
 * Search terms of a record (docs/data-model.md, "Search"): each of the module's `searchTerms` — a field, or fields
 * joined by a space (first and last name) — normalised so that a prefix typed in any case, with or without accents,
 * finds it. Pure; the record service writes one term item per term in the record's own transaction.
 */

/** A term's length bound, in code points: keeps a term item's sort key far below DynamoDB's 1,024 bytes. */
export const maxTermLength = 120;

/**
 * Lower case, accents stripped (NFKD then no combining marks: "Zoë" → "zoe", "Ångström" → "angstrom"), runs of
 * white space as one space, and `#` (the sort key's separator) as a space; at most `maxTermLength` code points.
 */
export function normaliseTerm(text: string): string {
  const plain = text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[#\s]+/g, ' ')
    .trim();
  return Array.from(plain).slice(0, maxTermLength).join('');
}

/** The normalised terms a record is found by: distinct, non-empty, in declaration order. */
export function searchTermsOf(
  module: Pick<ModuleDeclaration, 'searchTerms'>,
  fields: Readonly<Record<string, unknown>>,
): string[] {
  const terms = new Set<string>();
  for (const parts of module.searchTerms) {
    const values = parts.map((field) => fields[field]);
    // A combined term only when every part is there: "Ada" alone is already the first-name term.
    if (!values.every((value) => typeof value === 'string' && value.trim() !== '')) continue;
    const term = normaliseTerm((values as string[]).join(' '));
    if (term) terms.add(term);
  }
  return [...terms];
}

/** The terms to write and to delete when a record's fields change from `before` to `after`. */
export function searchTermChanges(
  module: Pick<ModuleDeclaration, 'searchTerms'>,
  before: Readonly<Record<string, unknown>>,
  after: Readonly<Record<string, unknown>>,
): { readonly add: string[]; readonly remove: string[] } {
  const held = new Set(searchTermsOf(module, before));
  const wanted = new Set(searchTermsOf(module, after));
  return { add: [...wanted].filter((t) => !held.has(t)), remove: [...held].filter((t) => !wanted.has(t)) };
}
