import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { planAccessChange } from '../access/enablement';
import { indexAttributes, isRecordIdOf, newRecordId, recordKey, type ClaimKind } from '../data/keys';
import { StaleRead, WritePlan } from '../data/write-plan';
import { Conflict, NotFound, PreconditionFailed, ValidationFailed, type DomainError } from '../http/errors';
import { idPrefixes, moduleOfId, type ModuleDeclaration, type ReferenceDeclaration } from '../modules/registry';
import { validate } from '../modules/validate';
import { hashPin } from '../security/pin-hash';
import { applyMergePatch } from './merge-patch';
import { claimsOf, toPublicRecord, writableFields, type PublicRecord, type StoredRecord } from './public-record';
import { listRecords, type ListPage, type ListQuery } from './record-list';
import { updateRecord } from './update-record';

// Named here too for the service's callers.
export type { ListPage, ListQuery } from './record-list';
export { toPublicRecord, type PublicRecord } from './public-record';

/**
 * Staff-side CRUD of every module: validation, defaults, derived fields, references, link counters and
 * portal uniqueness claims, each request in the fewest DynamoDB round trips (docs/data-model.md).
 */

export interface RecordServiceDependencies {
  readonly dynamo: DynamoDBClient;
  readonly tableName: string;
  readonly now?: () => Date;
  readonly newId?: (module: ModuleDeclaration) => string;
}

/** What a caller other than staff's CRUD adds to a new record (the portal raising a ticket). */
export interface CreateOptions {
  /** Values of the module's `serverOwned` fields. */
  readonly serverOwned?: Readonly<Record<string, unknown>>;
  /** More actions of the same transaction (a counter whose condition must hold for the record to be written). */
  readonly alsoWrite?: (plan: WritePlan, item: Record<string, unknown>) => void;
}

/** Attempts of a read-modify-write that lost a race before answering 409. */
const maxAttempts = 4;

function referenceProblem(module: ModuleDeclaration, reference: ReferenceDeclaration, id: string): ValidationFailed {
  const target = moduleOfId(id)?.label ?? 'record';
  const message = reference.belongsToThisRecord
    ? `must be a ${target} of this ${module.label}`
    : `refers to no existing ${target}`;
  return new ValidationFailed(`${reference.field} ${message}.`, [{ path: `/${reference.field}`, message }]);
}

function partnerRecordProblem(): ValidationFailed {
  const message = 'a partner contact and the partner organization of a record must belong together';
  return new ValidationFailed(`The contactId and organizationId do not belong together.`, [
    { path: '/organizationId', message },
  ]);
}

function claimConflict(kind: ClaimKind, value: string, old: Record<string, unknown> | undefined): Conflict {
  const conflict = new Conflict(`Another person already holds portal access with the ${kind} ${value}.`);
  conflict.extensions.conflict = { field: kind === 'email' ? 'email' : 'portal.username', holderId: old?.holderId };
  return conflict;
}

export function createRecordService({
  dynamo,
  tableName,
  now = () => new Date(),
  newId = newRecordId,
}: RecordServiceDependencies) {
  async function read(id: string): Promise<StoredRecord | undefined> {
    const result = await dynamo.send(
      new GetItemCommand({ TableName: tableName, Key: marshall(recordKey(id)), ConsistentRead: true }),
    );
    return result.Item ? (unmarshall(result.Item) as StoredRecord) : undefined;
  }

  async function readOwn(module: ModuleDeclaration, id: string): Promise<StoredRecord> {
    const item = isRecordIdOf(module, id) ? await read(id) : undefined;
    if (!item) throw new NotFound(`There is no ${module.label} with id ${id}.`);
    return item;
  }

  /** Validates the client's fields and turns them into what is stored: defaults, PIN hash, derived fields. */
  async function prepareFields(
    module: ModuleDeclaration,
    input: Record<string, unknown>,
    previousPinHash: unknown,
  ): Promise<Record<string, unknown>> {
    const fields = { ...module.defaults, ...validate(module.schema, input, `${module.label}`) };
    if (fields.portal) {
      const { pin, ...portal } = fields.portal as Record<string, unknown>;
      const pinHash = typeof pin === 'string' ? await hashPin(pin) : previousPinHash;
      fields.portal = pinHash === undefined ? portal : { ...portal, pinHash };
    }
    return { ...fields, ...module.derive?.(fields) };
  }

  /** Adds the reference checks and link-counter moves that a change from `before` to `after` needs. */
  function planReferences(
    plan: WritePlan,
    module: ModuleDeclaration,
    recordId: string,
    before: Record<string, unknown>,
    after: Record<string, unknown>,
  ) {
    for (const reference of module.references) {
      const previous = before[reference.field] as string | undefined;
      const next = after[reference.field] as string | undefined;
      if (previous === next) continue;
      if (reference.counted) {
        if (next) plan.countLink(next, 1, () => referenceProblem(module, reference, next));
        if (previous)
          plan.countLink(previous, -1, () => new Conflict(`The ${reference.field} ${previous} changed meanwhile.`));
      } else if (next && reference.field === 'contactId' && next.startsWith(`${idPrefixes['partner-contacts']}_`)) {
        // Atomic with the write: the partner contact still belongs to the organization the record carries.
        plan.checkExists(
          next,
          (old) => (old ? partnerRecordProblem() : referenceProblem(module, reference, next)),
          after.organizationId as string | undefined,
        );
      } else if (next) {
        plan.checkExists(
          next,
          () => referenceProblem(module, reference, next),
          reference.belongsToThisRecord ? recordId : undefined,
        );
      }
    }
  }

  function planClaims(
    plan: WritePlan,
    module: ModuleDeclaration,
    id: string,
    before: Record<string, unknown>,
    after: Record<string, unknown>,
  ) {
    const held = claimsOf(module, before);
    const wanted = claimsOf(module, after);
    for (const [kind, value] of held) if (wanted.get(kind) !== value) plan.releaseClaim(kind, value, id);
    for (const [kind, value] of wanted) {
      if (held.get(kind) !== value) plan.takeClaim(kind, value, id, (old) => claimConflict(kind, value, old));
    }
  }

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
   * A partner contact's records belong to its partner organization too (that is who sees them on the portal):
   * a missing organizationId is filled in from the contact, a different one refused.
   */
  async function alignPartnerRecord(
    module: ModuleDeclaration,
    fields: Record<string, unknown>,
    before: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    if (module.kind !== 'record') return fields;
    const contactId = fields.contactId as string | undefined;
    const organizationId = fields.organizationId as string | undefined;
    if (contactId === before.contactId && organizationId === before.organizationId) return fields;
    const partnerPrefix = `${idPrefixes['partner-contacts']}_`;
    // (A customer contact on a partner organization's record is refused by the module schema.)
    if (!contactId?.startsWith(partnerPrefix)) return fields;
    const contact = await read(contactId);
    // A contact that does not exist is reported by the write's reference check.
    const contactOrganization = contact?.organizationId as string | undefined;
    if (!contactOrganization || organizationId === contactOrganization) return fields;
    if (organizationId) throw partnerRecordProblem();
    return { ...fields, organizationId: contactOrganization };
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
      const current = await readOwn(module, id);
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

  async function create(
    module: ModuleDeclaration,
    input: Record<string, unknown>,
    actor: string,
    options: CreateOptions = {},
  ): Promise<PublicRecord> {
    const fields = await alignPartnerRecord(module, await prepareFields(module, input, undefined), {});
    const id = newId(module);
    const timestamp = now().toISOString();
    const base = { id, version: 1, createdAt: timestamp, updatedAt: timestamp, createdBy: actor, updatedBy: actor };
    const item = { ...recordKey(id), module: module.name, ...fields, ...options.serverOwned, ...base };
    const plan = new WritePlan(tableName).putRecord(
      { ...item, ...indexAttributes(module, item) },
      { expression: 'attribute_not_exists(pk)' },
      () => new Conflict(`A record with id ${id} already exists.`),
    );
    planReferences(plan, module, id, {}, fields);
    planClaims(plan, module, id, {}, fields);
    planAccessChange(plan, { tableName, module, personId: id, before: {}, after: fields, actor, at: timestamp });
    options.alsoWrite?.(plan, item);
    await plan.commit(dynamo);
    return toPublicRecord(item);
  }

  async function get(module: ModuleDeclaration, id: string): Promise<PublicRecord> {
    return toPublicRecord(await readOwn(module, id));
  }

  async function update(
    module: ModuleDeclaration,
    id: string,
    patch: Record<string, unknown>,
    actor: string,
    expectedVersions?: readonly number[],
    options: Pick<CreateOptions, 'alsoWrite'> = {},
  ): Promise<PublicRecord> {
    return readModifyWrite(module, id, expectedVersions, async (current) => {
      const before = writableFields(module, current);
      const merged = applyMergePatch(before, patch) as Record<string, unknown>;
      // The PIN is write-only, so the merge never sees the stored one: `pin: null` (or `portal: null`) clears it.
      const patchPortal = patch.portal as Record<string, unknown> | null | undefined;
      const keptPinHash = patchPortal === null || patchPortal?.pin === null ? undefined : current.portal?.pinHash;
      const fields = await alignPartnerRecord(module, await prepareFields(module, merged, keptPinHash), before);
      const item = {
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
      // linkCount is in the condition: children link and unlink without changing the version.
      const plan = new WritePlan(tableName).putRecord(
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
      planAccessChange(plan, { tableName, module, personId: id, before, after: fields, actor, at: item.updatedAt });
      options.alsoWrite?.(plan, item);
      await plan.commit(dynamo);
      if (module.name === 'partner-contacts' && before.organizationId !== fields.organizationId) {
        await forgetPrimaryContact(before.organizationId, id);
      }
      return toPublicRecord(item);
    });
  }

  async function remove(module: ModuleDeclaration, id: string, expectedVersions?: readonly number[]): Promise<void> {
    if (module.kind === 'organization') return removeOrganization(module, id, expectedVersions);
    await readModifyWrite(module, id, expectedVersions, async (current) => {
      const before = writableFields(module, current);
      const plan = new WritePlan(tableName).deleteRecord(id, current.version, () => new StaleRead());
      for (const reference of module.references.filter((r) => r.counted && typeof before[r.field] === 'string')) {
        const organizationId = before[reference.field] as string;
        plan.countLink(
          organizationId,
          -1,
          () => new Conflict(`The ${reference.field} ${organizationId} no longer exists.`),
        );
      }
      planClaims(plan, module, id, before, {});
      await plan.commit(dynamo);
      if (module.name === 'partner-contacts') await forgetPrimaryContact(before.organizationId, id);
    });
  }

  /** One conditional delete: it cannot race with a person or record being linked meanwhile. */
  async function removeOrganization(module: ModuleDeclaration, id: string, expectedVersions?: readonly number[]) {
    if (!isRecordIdOf(module, id)) throw new NotFound(`There is no ${module.label} with id ${id}.`);
    if (expectedVersions?.length === 0) {
      const current = await readOwn(module, id);
      throw new PreconditionFailed(`The ${module.label} has changed since that ETag (now version ${current.version}).`);
    }
    const versionValues = Object.fromEntries((expectedVersions ?? []).map((version, i) => [`:v${i}`, version]));
    const versionCondition = expectedVersions ? ` AND version IN (${Object.keys(versionValues).join(', ')})` : '';
    const plan = new WritePlan(tableName);
    const explain = (old: Record<string, unknown> | undefined): DomainError => {
      if (!old) return new NotFound(`There is no ${module.label} with id ${id}.`);
      if (typeof old.linkCount === 'number' && old.linkCount > 0) {
        const conflict = new Conflict(
          `The ${module.label} still has ${old.linkCount} linked ${old.linkCount === 1 ? 'person or record' : 'people or records'}; unlink or delete them first.`,
        );
        conflict.extensions.linkCount = old.linkCount;
        return conflict;
      }
      return new PreconditionFailed(
        `The ${module.label} has changed since that ETag (now version ${String(old.version)}).`,
      );
    };
    plan.actions.push({
      item: {
        Delete: {
          TableName: tableName,
          Key: marshall(recordKey(id)),
          ConditionExpression: `attribute_exists(pk) AND (attribute_not_exists(linkCount) OR linkCount = :zero)${versionCondition}`,
          ExpressionAttributeValues: marshall({ ':zero': 0, ...versionValues }),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      explain,
    });
    await plan.commit(dynamo);
  }

  function list(module: ModuleDeclaration, query: ListQuery): Promise<ListPage> {
    return listRecords({ dynamo, tableName }, module, query);
  }

  return { create, get, list, update, remove };
}
