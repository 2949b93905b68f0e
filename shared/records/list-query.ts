import * as v from 'valibot';
import { email, reference } from '../modules/fields';
import { onFirstUse } from '../modules/on-first-use';
import { idPrefixes, type FilterName, type ModuleDeclaration } from '../modules/registry';
import { validate, type Schema } from '../modules/validate';
import { ValidationFailed } from '../http/errors';
import type { ListQuery } from './record-list';
import { normaliseTerm } from './search-terms';

/** `q`'s length bound as sent; what is searched is its normalised form (search-terms.ts). */
export const maxSearchLength = 200;

/** `q`: a prefix of a name or email, in any case, accents optional; blank after normalising is refused. */
const searchSchema = onFirstUse(() =>
  v.pipe(
    v.string(),
    v.maxLength(maxSearchLength, `at most ${maxSearchLength} characters`),
    v.check((value) => normaliseTerm(value) !== '', 'must contain a letter or digit to search for'),
  ),
);

export const defaultPageSize = 25;
export const maxPageSize = 100;

function filterSchema(module: ModuleDeclaration, name: FilterName) {
  if (name === 'email') return email();
  const declared = module.references.find((reference) => reference.field === name);
  return reference((declared?.modules ?? []).map((target) => idPrefixes[target]));
}

/**
 * `limit` and `cursor`, as every list route reads them (staff and portal): a `limit` beyond the maximum is a 400,
 * never silently capped, so a client learns the page size it will get.
 */
export const pageQueryFields = () => ({
  limit: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^[1-9][0-9]*$/, `a whole number from 1 to ${maxPageSize}`),
      v.check((value) => !(Number(value) > maxPageSize), `at most ${maxPageSize}`),
    ),
  ),
  cursor: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(4096))),
});

/** `limit` and `cursor` and nothing else: the query of a list without filters (comments, a ticket's files…). */
export const pageQuery = onFirstUse(() => v.strictObject(pageQueryFields()));

/** The page size a validated `limit` asks for. */
export const pageSizeOf = (limit: string | undefined): number =>
  limit === undefined ? defaultPageSize : Number(limit);

const schemas = new Map<string, Schema<Record<string, string | undefined>>>();

/** The list query a module accepts: `limit`, `cursor`, and at most one of `q` and its declared filters. */
function listQuerySchema(module: ModuleDeclaration) {
  let schema = schemas.get(module.name);
  if (!schema) {
    schema = v.strictObject({
      ...pageQueryFields(),
      q: v.optional(searchSchema()),
      ...Object.fromEntries(module.filters.map((name) => [name, v.optional(filterSchema(module, name))])),
    }) as Schema<Record<string, string | undefined>>;
    schemas.set(module.name, schema);
  }
  return schema;
}

export function parseListQuery(
  module: ModuleDeclaration,
  parameters: Record<string, string | undefined> | undefined,
): ListQuery {
  const query = validate(listQuerySchema(module), parameters ?? {}, 'query');
  const limit = pageSizeOf(query.limit);
  const filters = module.filters.filter((name) => query[name] !== undefined);
  // A search is its own index (the term items), so it cannot be narrowed by a filter's index in the same Query.
  const given = [...(query.q !== undefined ? ['q'] : []), ...filters];
  if (given.length > 1) {
    throw new ValidationFailed(
      `${query.q !== undefined ? 'Search or filter' : 'Filter'} by one of ${given.join(', ')} at a time.`,
      given.map((name) => ({ path: `/${name}`, message: 'one filter at a time' })),
    );
  }
  const [name] = filters;
  return {
    limit,
    cursor: query.cursor,
    ...(name ? { filter: { name, value: query[name]! } } : {}),
    ...(query.q !== undefined ? { search: normaliseTerm(query.q) } : {}),
  };
}

/** `limit` and `cursor` as a route contract documents them (shared/http/route-contract.ts). */
export const pageQueryParameters = {
  limit: {
    description: `Records per page, from 1 to ${maxPageSize} (${defaultPageSize} if left out); more is a 400, never capped.`,
    schema: { type: 'integer', minimum: 1, maximum: maxPageSize, default: defaultPageSize },
  },
  cursor: {
    description: "The previous page's `nextCursor`; one that is not valid is a 400.",
    schema: { type: 'string', minLength: 1, maxLength: 4096 },
  },
} as const;
