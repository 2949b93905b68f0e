import type { planAccessChange } from '../access/enablement';
import { indexAttributes, recordKey } from '../data/keys';
import { StaleRead, WritePlan } from '../data/write-plan';
import { Conflict, ValidationFailed, type FieldError } from '../http/errors';
import { findModule, type InlineCreateDeclaration, type ModuleDeclaration } from '../modules/registry';
import { toPublicRecord, type PublicRecord } from './public-record';
import {
  alignPartnerRecord,
  maxAttempts,
  planClaims,
  planCompanions,
  planReferences,
  planSearchTerms,
  prepareFields,
  readOwn,
  recordContext,
  type RecordServiceDependencies,
} from './record-writes';

/**
 * Creating a record of any module (and reading one back), by the same rules for staff's CRUD
 * (./record-service.ts) and for the callers that only create: the portal raising a ticket, a partner registering a
 * deal or inviting a colleague.
 */

/** What a caller other than staff's CRUD adds to a new record (the portal raising a ticket). */
export interface CreateOptions {
  /** Values of the module's `serverOwned` fields. */
  readonly serverOwned?: Readonly<Record<string, unknown>>;
  /** More actions of the same transaction (a counter whose condition must hold for the record to be written). */
  readonly alsoWrite?: (plan: WritePlan, item: Record<string, unknown>) => void;
}

export interface RecordCreatorDependencies extends RecordServiceDependencies {
  /**
   * What a new person's portal flag does to their access (shared/access/enablement.ts); creating a person without it
   * is refused. Passed in rather than imported, so a function that creates only records (the portal's tickets, deal
   * registrations) does not bundle the access machine's writes.
   */
  readonly planAccessChange?: typeof planAccessChange;
}

export function createRecordCreator(deps: RecordCreatorDependencies) {
  const context = recordContext(deps);
  const { dynamo, tableName, now, newId } = context;

  /** A new person's access, in the transaction that creates them (nothing for other records). */
  function planNewPersonAccess(
    plan: WritePlan,
    module: ModuleDeclaration,
    personId: string,
    fields: object,
    actor: string,
    at: string,
  ) {
    if (module.kind !== 'person') return;
    if (!deps.planAccessChange)
      throw new Error(`Creating a ${module.label} needs planAccessChange (shared/access/enablement.ts).`);
    deps.planAccessChange(plan, {
      tableName,
      module,
      personId,
      before: {},
      after: fields as Record<string, unknown>,
      actor,
      at,
    });
  }

  /**
   * A create's transaction: one that lost a TransactionConflict to a concurrent write of an item it touches (a claim,
   * an organization's link counter) is sent again, as it is (its conditions are checked again); persistent contention
   * is a 409.
   */
  async function commitNew(plan: WritePlan, module: ModuleDeclaration): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await plan.commit(dynamo);
      } catch (error) {
        if (!(error instanceof StaleRead)) throw error;
        if (attempt >= maxAttempts) {
          throw new Conflict(
            `The ${module.label} could not be created while others change what it links to; try again.`,
          );
        }
      }
    }
  }

  async function create(
    module: ModuleDeclaration,
    input: Record<string, unknown>,
    actor: string,
    options: CreateOptions = {},
  ): Promise<PublicRecord> {
    const inline = module.createsWith;
    if (inline && Object.hasOwn(input, inline.field)) return createWithInline(module, inline, input, actor);
    const fields = await alignPartnerRecord(context, module, await prepareFields(module, input, undefined), {});
    const id = newId(module);
    const timestamp = now().toISOString();
    const base = { id, version: 1, createdAt: timestamp, updatedAt: timestamp, createdBy: actor, updatedBy: actor };
    const plan = new WritePlan(tableName);
    const planned = { ...recordKey(id), module: module.name, ...fields, ...options.serverOwned, ...base };
    const item = {
      ...planned,
      ...(await planCompanions(context, plan, module, id, undefined, planned, actor, timestamp)),
    };
    plan.putRecord(
      { ...item, ...indexAttributes(module, item) },
      { expression: 'attribute_not_exists(pk)' },
      () => new Conflict(`A record with id ${id} already exists.`),
    );
    planReferences(plan, module, id, {}, fields);
    planClaims(plan, module, id, {}, fields);
    planSearchTerms(plan, module, id, {}, fields);
    planNewPersonAccess(plan, module, id, fields, actor, timestamp);
    options.alsoWrite?.(plan, item);
    await commitNew(plan, module);
    return toPublicRecord(item);
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
  async function createWithInline(
    module: ModuleDeclaration,
    inline: InlineCreateDeclaration,
    input: Record<string, unknown>,
    actor: string,
  ): Promise<PublicRecord> {
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

  async function get(module: ModuleDeclaration, id: string): Promise<PublicRecord> {
    return toPublicRecord(await readOwn(context, module, id));
  }

  return { create, get };
}
