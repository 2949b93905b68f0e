import { indexAttributes, recordKey } from '../data/keys';
import { WritePlan } from '../data/write-plan';
import { Conflict, ValidationFailed, type FieldError } from '../http/errors';
import { findModule, type InlineCreateDeclaration, type ModuleDeclaration } from '../modules/registry';
import { toPublicRecord, type PublicRecord } from './public-record';
import { planClaims, planReferences, planSearchTerms, prepareFields, type RecordContext } from './record-writes';

/**
 * Creating a record and the one it creates inline, for staff's CRUD (functions/crm-records.ts passes it through
 * ./record-service.ts to the creator of ./record-create.ts): apart, so the functions that never create that way (the
 * portal's tickets, deal registrations, colleagues, imports) do not bundle it.
 */

/** What the inline create shares with a plain one. */
export interface CreateTools {
  readonly context: RecordContext;
  readonly planNewPersonAccess: (
    plan: WritePlan,
    module: ModuleDeclaration,
    personId: string,
    fields: object,
    actor: string,
    at: string,
  ) => void;
  readonly commitNew: (plan: WritePlan, module: ModuleDeclaration) => Promise<void>;
}

/** Validates `input` as `module` would; its problems are collected with `prefix` on their paths, not thrown. */
async function prepareOrCollect(
  module: ModuleDeclaration,
  input: Record<string, unknown>,
  prefix: string,
  errors: FieldError[],
): Promise<Record<string, unknown> | undefined> {
  try {
    return await prepareFields(module, input, undefined);
  } catch (error) {
    if (!(error instanceof ValidationFailed)) throw error;
    for (const problem of error.extensions.errors as FieldError[]) {
      errors.push({ ...problem, path: prefix + (problem.path === '/' ? '' : problem.path) || '/' });
    }
    return undefined;
  }
}

/**
 * A record and the one it creates inline (a partner organization and its new primary contact, `createsWith` in the
 * registry), each naming the other, in ONE transaction: both exist afterwards or neither does. Problems with either
 * are answered together, the inline record's under its member (`/primaryContact/lastName`).
 */
export async function createWithInline(
  { context, planNewPersonAccess, commitNew }: CreateTools,
  module: ModuleDeclaration,
  inline: InlineCreateDeclaration,
  input: Record<string, unknown>,
  actor: string,
): Promise<PublicRecord> {
  const { tableName, now, newId } = context;
  const target = findModule(inline.module)!;
  const { [inline.field]: nested, ...own } = input;
  const errors: FieldError[] = [];
  const at = `/${inline.field}`;
  const nestedInput =
    nested !== null && typeof nested === 'object' && !Array.isArray(nested)
      ? (nested as Record<string, unknown>)
      : undefined;
  if (!nestedInput) errors.push({ path: at, message: `must be an object: the new ${target.label}` });
  if (own[inline.reference] !== undefined) {
    errors.push({ path: `/${inline.reference}`, message: `not together with ${inline.field}` });
  }
  if (nestedInput && Object.hasOwn(nestedInput, inline.backReference)) {
    errors.push({ path: `${at}/${inline.backReference}`, message: `is set to the new ${module.label}` });
  }
  const id = newId(module);
  const nestedId = newId(target);
  const fields = await prepareOrCollect(module, own, '', errors);
  const nestedFields = nestedInput
    ? await prepareOrCollect(target, { ...nestedInput, [inline.backReference]: id }, at, errors)
    : undefined;
  if (errors.length || !fields || !nestedFields) {
    throw new ValidationFailed(`The ${module.label} or its ${inline.field} is not valid.`, errors);
  }

  const timestamp = now().toISOString();
  const base = { version: 1, createdAt: timestamp, updatedAt: timestamp, createdBy: actor, updatedBy: actor };
  // The back reference's link is counted on the new record's own Put: a transaction touches each item once.
  const counted = target.references.some((ref) => ref.field === inline.backReference && ref.counted);
  const item = {
    ...recordKey(id),
    module: module.name,
    ...fields,
    [inline.reference]: nestedId,
    id,
    ...base,
    ...(counted ? { linkCount: 1 } : {}),
  };
  const nestedItem = { ...recordKey(nestedId), module: target.name, ...nestedFields, id: nestedId, ...base };
  const isNew = { expression: 'attribute_not_exists(pk)' };
  const plan = new WritePlan(tableName)
    .putRecord({ ...item, ...indexAttributes(module, item) }, isNew, () => new Conflict(`${id} already exists.`))
    .putRecord(
      { ...nestedItem, ...indexAttributes(target, nestedItem) },
      isNew,
      () => new Conflict(`${nestedId} already exists.`),
    );
  // Each record's other references, claims, search terms and (for a person) portal access, as a create plans them.
  planReferences(plan, module, id, {}, fields);
  planReferences(plan, target, nestedId, {}, { ...nestedFields, [inline.backReference]: undefined });
  planClaims(plan, module, id, {}, fields);
  planClaims(plan, target, nestedId, {}, nestedFields, inline.field);
  planSearchTerms(plan, module, id, {}, fields);
  planSearchTerms(plan, target, nestedId, {}, nestedFields);
  planNewPersonAccess(plan, module, id, fields, actor, timestamp);
  planNewPersonAccess(plan, target, nestedId, nestedFields, actor, timestamp);
  await commitNew(plan, module);
  return toPublicRecord(item);
}
