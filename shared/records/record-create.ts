import type { planAccessChange } from '../access/enablement';
import type { CreateTools, createWithInline } from './record-create-inline';
import { indexAttributes, recordKey } from '../data/keys';
import { StaleRead, WritePlan } from '../data/write-plan';
import { Conflict } from '../http/errors';
import type { ModuleDeclaration } from '../modules/registry';
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
 * (./record-service.ts, which partner admins' colleagues and imports use too) and for the callers that only create:
 * the portal raising a ticket, a partner registering a deal.
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
  /**
   * Creating a record together with the one it creates inline (`createsWith`: a partner organization and its new
   * primary contact), ./record-create-inline.ts; refused without it. Passed in for the same reason: only staff's CRUD
   * creates that way.
   */
  readonly createWithInline?: typeof createWithInline;
}

export function createRecordCreator(deps: RecordCreatorDependencies) {
  const context = recordContext(deps);
  const { dynamo, tableName, now, newId } = context;

  /** A new person's access, in the transaction that creates them (nothing for other records). */
  const planNewPersonAccess: CreateTools['planNewPersonAccess'] = (plan, module, personId, fields, actor, at) => {
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
  };

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
    if (inline && Object.hasOwn(input, inline.field)) {
      if (!deps.createWithInline)
        throw new Error(
          `Creating a ${module.label} with its ${inline.field} needs createWithInline (./record-create-inline.ts).`,
        );
      return deps.createWithInline({ context, planNewPersonAccess, commitNew }, module, inline, input, actor);
    }
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

  async function get(module: ModuleDeclaration, id: string): Promise<PublicRecord> {
    return toPublicRecord(await readOwn(context, module, id));
  }

  return { create, get };
}
