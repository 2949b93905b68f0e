import { marshall } from '../aws/util-dynamodb';
import { indexAttributes, recordKey } from '../data/keys';
import { planAccessChange } from '../access/enablement';
import { StaleRead, WritePlan } from '../data/write-plan';
import { Conflict, NotFound, PreconditionFailed, type DomainError } from '../http/errors';
import type { ModuleDeclaration } from '../modules/registry';
import { applyMergePatch } from './merge-patch';
import { toPublicRecord, writableFields, type PublicRecord, type StoredRecord } from './public-record';
import { createRecordCreator, type RecordCreatorDependencies } from './record-create';
import { listRecords, searchRecords, type ListPage, type ListQuery } from './record-list';
import { updateRecord } from './update-record';
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

// Named here too for the service's callers.
export type { ListPage, ListQuery } from './record-list';
export { toPublicRecord, type PublicRecord } from './public-record';
export type { CreateOptions } from './record-create';
export type { RecordServiceDependencies } from './record-writes';

/**
 * Staff-side CRUD of every module: validation, defaults, derived fields, references, link counters and
 * portal uniqueness claims, each request in the fewest DynamoDB round trips (docs/data-model.md). Creating is
 * ./record-create.ts, the plans every write shares ./record-writes.ts.
 */

/** What a caller other than staff's CRUD adds to an update (a partner admin editing a colleague). */
export interface UpdateOptions {
  /** Checks the record as read, on every attempt; throws (a 404, a 403) to refuse the change. */
  readonly check?: (current: StoredRecord) => void;
  /** More actions of the same transaction, from the record as read and as it will be written. */
  readonly alsoWrite?: (plan: WritePlan, current: StoredRecord, item: Record<string, unknown>) => void;
}

/** Everything but deleting, with what deleting shares (the read-modify-write loop, forgetting a primary contact). */
function recordEditing(deps: RecordServiceDependencies & Pick<RecordCreatorDependencies, 'createWithInline'>) {
  const context = recordContext(deps);
  const { dynamo, tableName, now } = context;
  const { create, get } = createRecordCreator({ ...deps, planAccessChange });

  /** A partner organization whose primary contact leaves it (deleted or moved) forgets that contact. */
  async function forgetPrimaryContact(organizationId: unknown, contactId: string) {
    if (typeof organizationId !== 'string') return;
    // A change like any other: a new version, so a writer holding the old ETag cannot bring it back. When the
    // organization names another primary contact by now, there is nothing to forget.
    await updateRecord({ dynamo, tableName }, organizationId, {
      remove: ['primaryContactId'],
      at: now().toISOString(),
      when: { equals: { primaryContactId: contactId } },
    });
  }

  /**
   * Read-modify-write with optimistic concurrency: reads the record (checking If-Match), lets `write` plan
   * and commit, and starts over when the record changed in between. Persistent contention is a 409.
   */
  async function readModifyWrite<T>(
    module: ModuleDeclaration,
    id: string,
    expectedVersions: readonly number[] | undefined,
    write: (current: StoredRecord) => Promise<T>,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const current = await readOwn(context, module, id);
      if (expectedVersions && !expectedVersions.includes(current.version)) {
        throw new PreconditionFailed(
          `The ${module.label} has changed since that ETag; read it again (now version ${current.version}).`,
        );
      }
      try {
        return await write(current);
      } catch (error) {
        if (!(error instanceof StaleRead)) throw error;
        if (attempt >= maxAttempts) {
          throw new Conflict(`The ${module.label} is being changed by others right now; try again.`);
        }
      }
    }
  }

  async function update(
    module: ModuleDeclaration,
    id: string,
    patch: Record<string, unknown>,
    actor: string,
    expectedVersions?: readonly number[],
    options: UpdateOptions = {},
  ): Promise<PublicRecord> {
    return readModifyWrite(module, id, expectedVersions, async (current) => {
      options.check?.(current);
      const before = writableFields(module, current);
      const merged = applyMergePatch(before, patch) as Record<string, unknown>;
      // The PIN is write-only, so the merge never sees the stored one: `pin: null` (or `portal: null`) clears it.
      const patchPortal = patch.portal as Record<string, unknown> | null | undefined;
      const keptPinHash = patchPortal === null || patchPortal?.pin === null ? undefined : current.portal?.pinHash;
      const fields = await alignPartnerRecord(
        context,
        module,
        await prepareFields(module, merged, keptPinHash),
        before,
      );
      const planned = {
        ...recordKey(id),
        module: module.name,
        ...fields,
        id,
        version: current.version + 1,
        createdAt: current.createdAt,
        createdBy: current.createdBy,
        updatedAt: now().toISOString(),
        updatedBy: actor,
        ...module.onStaffEdit?.(current, fields, now().toISOString()),
        ...(current.linkCount !== undefined ? { linkCount: current.linkCount } : {}),
      };
      const plan = new WritePlan(tableName);
      const item = {
        ...planned,
        ...(await planCompanions(context, plan, module, id, current, planned, actor, planned.updatedAt)),
      };
      // linkCount is in the condition: children link and unlink without changing the version.
      plan.putRecord(
        { ...item, ...indexAttributes(module, item) },
        {
          expression:
            current.linkCount === undefined
              ? 'version = :version AND attribute_not_exists(linkCount)'
              : 'version = :version AND linkCount = :linkCount',
          values: {
            ':version': current.version,
            ...(current.linkCount !== undefined ? { ':linkCount': current.linkCount } : {}),
          },
        },
        () => new StaleRead(),
      );
      planReferences(plan, module, id, before, fields);
      planClaims(plan, module, id, before, fields);
      planSearchTerms(plan, module, id, before, fields);
      planAccessChange(plan, { tableName, module, personId: id, before, after: fields, actor, at: item.updatedAt });
      options.alsoWrite?.(plan, current, item);
      await plan.commit(dynamo);
      if (module.name === 'partner-contacts' && before.organizationId !== fields.organizationId) {
        await forgetPrimaryContact(before.organizationId, id);
      }
      return toPublicRecord(item);
    });
  }

  // No search here (`?q=` is staff's, in createRecordService): a query that asks for one does not type-check.
  function list(
    module: ModuleDeclaration,
    query: Omit<ListQuery, 'search'> & { readonly search?: never },
  ): Promise<ListPage> {
    return listRecords({ dynamo, tableName }, module, query);
  }

  return { context, create, get, list, update, readModifyWrite, forgetPrimaryContact };
}

/** Deleting a record: a person or record, or an organization that nothing links to any more. */
function recordRemoval({ context, readModifyWrite, forgetPrimaryContact }: ReturnType<typeof recordEditing>) {
  const { dynamo, tableName, now } = context;

  async function remove(module: ModuleDeclaration, id: string, expectedVersions?: readonly number[]): Promise<void> {
    if (module.kind === 'organization') return removeOrganization(module, id, expectedVersions);
    await readModifyWrite(module, id, expectedVersions, async (current) => {
      const before = writableFields(module, current);
      const plan = new WritePlan(tableName).deleteRecord(id, current.version, () => new StaleRead());
      await planCompanions(context, plan, module, id, current, undefined, 'delete', now().toISOString());
      for (const reference of module.references.filter((r) => r.counted && typeof before[r.field] === 'string')) {
        const organizationId = before[reference.field] as string;
        plan.countLink(
          organizationId,
          -1,
          () => new Conflict(`The ${reference.field} ${organizationId} no longer exists.`),
        );
      }
      planClaims(plan, module, id, before, {});
      planSearchTerms(plan, module, id, before, {});
      await plan.commit(dynamo);
      if (module.name === 'partner-contacts') await forgetPrimaryContact(before.organizationId, id);
    });
  }

  /**
   * A read, then one conditional delete with the organization's search terms: the condition (`linkCount` zero, the
   * version read) means it cannot race with a person or record being linked meanwhile.
   */
  async function removeOrganization(module: ModuleDeclaration, id: string, expectedVersions?: readonly number[]) {
    await readModifyWrite(module, id, expectedVersions, async (current) => {
      const plan = new WritePlan(tableName);
      const explain = (old: Record<string, unknown> | undefined): DomainError | StaleRead => {
        if (!old) return new NotFound(`There is no ${module.label} with id ${id}.`);
        if (typeof old.linkCount === 'number' && old.linkCount > 0) {
          const conflict = new Conflict(
            `The ${module.label} still has ${old.linkCount} linked ${old.linkCount === 1 ? 'person or record' : 'people or records'}; unlink or delete them first.`,
          );
          conflict.extensions.linkCount = old.linkCount;
          return conflict;
        }
        return new StaleRead();
      };
      plan.actions.push({
        item: {
          Delete: {
            TableName: tableName,
            Key: marshall(recordKey(id)),
            ConditionExpression: 'version = :version AND (attribute_not_exists(linkCount) OR linkCount = :zero)',
            ExpressionAttributeValues: marshall({ ':zero': 0, ':version': current.version }),
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
        explain,
      });
      planSearchTerms(plan, module, id, writableFields(module, current), {});
      await plan.commit(dynamo);
    });
  }

  return { remove };
}

/** Create, read, list and edit, without deleting: what a partner admin's Colleagues page asks of the records. */
export function createRecordEditor(
  deps: RecordServiceDependencies & Pick<RecordCreatorDependencies, 'createWithInline'>,
) {
  const { create, get, list, update } = recordEditing(deps);
  return { create, get, list, update };
}

export type RecordEditor = ReturnType<typeof createRecordEditor>;

/**
 * Staff's CRUD passes `createWithInline` (./record-create-inline.ts) for the modules that create one record inline;
 * the other users of the service (imports, partner admins, the daily run) never create that way and do not bundle it.
 */
export function createRecordService(
  deps: RecordServiceDependencies & Pick<RecordCreatorDependencies, 'createWithInline'>,
) {
  const editing = recordEditing(deps);
  const { create, get, update } = editing;
  /** Staff's lists also search (`?q=`); the editor's lists never do, and do not bundle it. */
  const list = (module: ModuleDeclaration, { search, ...query }: ListQuery): Promise<ListPage> =>
    search === undefined ? editing.list(module, query) : searchRecords(editing.context, module, search, query);
  return { create, get, list, update, ...recordRemoval(editing) };
}
