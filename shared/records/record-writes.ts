import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { isRecordIdOf, newRecordId, type ClaimKind } from '../data/keys';
import { readRecord } from '../data/read-records';
import type { WritePlan } from '../data/write-plan';
import { Conflict, NotFound, ValidationFailed } from '../http/errors';
import { idPrefixes, moduleOfId, type ModuleDeclaration, type ReferenceDeclaration } from '../modules/registry';
import { validate } from '../modules/validate';
import { hashPin } from '../security/pin-hash';
import { claimsOf, type StoredRecord } from './public-record';
import type { CompanionWritesByModule } from './companion-writes';
import { searchTermChanges } from './search-terms';

/**
 * What every write of a record plans, whichever operation it is (./record-create.ts, ./record-service.ts):
 * validation and defaults, reference checks and link counters, portal uniqueness claims, search terms, companion
 * writes. Functions of a context rather than one closure, so a function that only creates records (the portal's
 * tickets, deal registrations) bundles none of staff's update, delete and list paths (issue 18).
 */

export interface RecordServiceDependencies {
  readonly dynamo: DynamoDBClient;
  readonly tableName: string;
  readonly now?: () => Date;
  readonly newId?: (module: ModuleDeclaration) => string;
  /** Writes some modules add to each staff write of their records, in the same transaction. */
  readonly companionWrites?: CompanionWritesByModule;
}

/** The dependencies with their defaults filled in. */
export type RecordContext = Required<RecordServiceDependencies>;

export function recordContext({
  dynamo,
  tableName,
  now = () => new Date(),
  newId = newRecordId,
  companionWrites = {},
}: RecordServiceDependencies): RecordContext {
  return { dynamo, tableName, now, newId, companionWrites };
}

/** Attempts of a read-modify-write that lost a race before answering 409. */
export const maxAttempts = 4;

export function referenceProblem(
  module: ModuleDeclaration,
  reference: ReferenceDeclaration,
  id: string,
): ValidationFailed {
  const target = moduleOfId(id)?.label ?? 'record';
  const message = reference.belongsToThisRecord
    ? `must be a ${target} of this ${module.label}`
    : `refers to no existing ${target}`;
  return new ValidationFailed(`${reference.field} ${message}.`, [{ path: `/${reference.field}`, message }]);
}

export function partnerRecordProblem(): ValidationFailed {
  const message = 'a partner contact and the partner organization of a record must belong together';
  return new ValidationFailed(`The contactId and organizationId do not belong together.`, [
    { path: '/organizationId', message },
  ]);
}

export function claimConflict(
  kind: ClaimKind,
  value: string,
  old: Record<string, unknown> | undefined,
  inlineField?: string,
): Conflict {
  const conflict = new Conflict(`Another person already holds portal access with the ${kind} ${value}.`);
  const field = kind === 'email' ? 'email' : 'portal.username';
  conflict.extensions.conflict = { field: inlineField ? `${inlineField}.${field}` : field, holderId: old?.holderId };
  return conflict;
}

/** The module's companion writes, added to `plan`; the fields they give the record itself. */
export async function planCompanions(
  { tableName, companionWrites }: RecordContext,
  plan: WritePlan,
  module: ModuleDeclaration,
  id: string,
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown> | undefined,
  actor: string,
  at: string,
): Promise<Record<string, unknown>> {
  const writes = companionWrites[module.name];
  return { ...(writes ? await writes(plan, { tableName, module, id, before, after, actor, at }) : undefined) };
}

export async function readOwn(context: RecordContext, module: ModuleDeclaration, id: string): Promise<StoredRecord> {
  const item = isRecordIdOf(module, id) ? await readRecord<StoredRecord>(context, id) : undefined;
  if (!item) throw new NotFound(`There is no ${module.label} with id ${id}.`);
  return item;
}

/** Validates the client's fields and turns them into what is stored: defaults, PIN hash, derived fields. */
export async function prepareFields(
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
export function planReferences(
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

export function planClaims(
  plan: WritePlan,
  module: ModuleDeclaration,
  id: string,
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  inlineField?: string,
) {
  const held = claimsOf(module, before);
  const wanted = claimsOf(module, after);
  for (const [kind, value] of held) if (wanted.get(kind) !== value) plan.releaseClaim(kind, value, id);
  for (const [kind, value] of wanted) {
    if (held.get(kind) !== value)
      plan.takeClaim(kind, value, id, (old) => claimConflict(kind, value, old, inlineField));
  }
}

/** Term items follow the record's searchable fields, in the record's own transaction. */
export function planSearchTerms(
  plan: WritePlan,
  module: ModuleDeclaration,
  id: string,
  before: Record<string, unknown>,
  after: Record<string, unknown>,
) {
  const { add, remove } = searchTermChanges(module, before, after);
  for (const term of remove) plan.deleteSearchTerm(module.name, term, id);
  for (const term of add) plan.putSearchTerm(module.name, term, id);
}

/**
 * A partner contact's records belong to its partner organization too (that is who sees them on the portal):
 * a missing organizationId is filled in from the contact, a different one refused.
 */
export async function alignPartnerRecord(
  context: RecordContext,
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
  const contact = await readRecord(context, contactId);
  // A contact that does not exist is reported by the write's reference check.
  const contactOrganization = contact?.organizationId as string | undefined;
  if (!contactOrganization || organizationId === contactOrganization) return fields;
  if (organizationId) throw partnerRecordProblem();
  return { ...fields, organizationId: contactOrganization };
}
