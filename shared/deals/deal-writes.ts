import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '../aws/util-dynamodb';
import { todayIn } from '../access/evaluate-access';
import { indexAttributes, newRecordId, prospectKey, recordKey } from '../data/keys';
import type { WritePlan } from '../data/write-plan';
import { Conflict } from '../http/errors';
import { findModule, type ModuleDeclaration } from '../modules/registry';
import type { CompanionWriteContext, CompanionWrites, CompanionWritesByModule } from '../records/companion-writes';
import { reviewDealRegistration } from './deal-review';
import { prospectKeysOf, type ProspectKey } from './prospect-keys';
import { readRecord } from '../data/read-records';

/**
 * The writes deal registrations and leads add to every staff write of theirs (shared/records/companion-writes.ts):
 * their prospect keys (what conflict detection looks up, shared/deals/prospect-conflicts.ts), and a registration's
 * review (shared/deals/deal-review.ts): an approval creates its lead, or links the lead staff named, in the same
 * transaction as the registration's new status. That transaction is conditional on the registration's version, so
 * concurrent approvals make one lead.
 */

export interface DealWritesConfig {
  readonly dynamo: DynamoDBClient;
  readonly timeZone: string;
  readonly protectionDays: number;
}

const leads = (): ModuleDeclaration => findModule('leads')!;

/** The prospect a record names, by module: a registration's company and contact email, a lead's company and email. */
export function prospectOf(moduleName: string, record: Readonly<Record<string, unknown>> | undefined): ProspectKey[] {
  if (!record) return [];
  return moduleName === 'deal-registrations'
    ? prospectKeysOf(record.companyName, record.contactEmail)
    : prospectKeysOf(record.company, record.email);
}

/** What a prospect key item says about its record, so a conflict check needs no second read. */
function prospectSummary(moduleName: string, record: Readonly<Record<string, unknown>>) {
  return moduleName === 'deal-registrations'
    ? { recordId: record.id, module: moduleName, partnerId: record.organizationId, status: record.status }
    : {
        recordId: record.id,
        module: moduleName,
        ...(record.assignedPartnerId ? { partnerId: record.assignedPartnerId } : {}),
      };
}

const sameKey = (a: ProspectKey, b: ProspectKey) => a.kind === b.kind && a.value === b.value;

/** Puts the record's prospect keys as they now are, and deletes those it no longer has. */
export function planProspectKeys(
  plan: WritePlan,
  tableName: string,
  moduleName: string,
  id: string,
  before: Readonly<Record<string, unknown>> | undefined,
  after: Readonly<Record<string, unknown>> | undefined,
) {
  const wanted = prospectOf(moduleName, after);
  for (const key of prospectOf(moduleName, before).filter((old) => !wanted.some((next) => sameKey(old, next)))) {
    plan.add({ Delete: { TableName: tableName, Key: marshall(prospectKey(key.kind, key.value, id)) } });
  }
  for (const key of wanted) {
    plan.add({
      Put: {
        TableName: tableName,
        Item: marshall(
          { ...prospectKey(key.kind, key.value, id), ...prospectSummary(moduleName, after!), matchedOn: key.kind },
          { removeUndefinedValues: true },
        ),
      },
    });
  }
}

/** "Ada Lovelace" → first name Ada, last name Lovelace; one word is a last name. */
function splitName(name: string): { firstName?: string; lastName: string } {
  const words = name.trim().split(/\s+/);
  const lastName = words.pop()!.slice(0, 100);
  const firstName = words.join(' ').slice(0, 100);
  return firstName ? { firstName, lastName } : { lastName };
}

/**
 * Only the prospect keys, for a writer that never reviews: a partner's new registration is `submitted`, which no
 * review step acts on, so its function does not bundle approvals (their leads, protection dates, time zones).
 */
export function prospectKeyWrites(): CompanionWritesByModule {
  const keys: CompanionWrites = async (plan, { tableName, module, id, before, after }) => {
    planProspectKeys(plan, tableName, module.name, id, before, after);
  };
  return { 'deal-registrations': keys, leads: keys };
}

export function dealCompanionWrites(config: DealWritesConfig): CompanionWritesByModule {
  /** The new lead of an approved registration, assigned to its partner organization. */
  function planNewLead(
    plan: WritePlan,
    context: CompanionWriteContext,
    registration: Readonly<Record<string, unknown>>,
    protectedUntil: string,
  ): string {
    const module = leads();
    const id = newRecordId(module);
    const lead: Record<string, unknown> = {
      ...recordKey(id),
      module: module.name,
      ...splitName(String(registration.contactName)),
      email: registration.contactEmail,
      company: registration.companyName,
      assignedPartnerId: registration.organizationId,
      dealRegistrationId: context.id,
      protectedUntil,
      id,
      version: 1,
      createdAt: context.at,
      updatedAt: context.at,
      createdBy: context.actor,
      updatedBy: context.actor,
    };
    plan.putRecord(
      { ...lead, ...indexAttributes(module, lead as { id: string; createdAt: string }) },
      { expression: 'attribute_not_exists(pk)' },
      () => new Conflict(`A lead with id ${id} already exists.`),
    );
    planProspectKeys(plan, context.tableName, module.name, id, undefined, lead);
    return id;
  }

  /** An existing lead staff named, now assigned to the registration's partner: it must not be another's already. */
  async function planLinkedLead(
    plan: WritePlan,
    context: CompanionWriteContext,
    registration: Readonly<Record<string, unknown>>,
    leadId: string,
    protectedUntil: string,
  ) {
    const module = leads();
    const stored = await readRecord({ dynamo: config.dynamo, tableName: context.tableName }, leadId);
    if (!stored || stored.module !== module.name) throw new Conflict(`There is no lead ${leadId} to link.`);
    const partnerId = registration.organizationId;
    if (typeof stored.assignedPartnerId === 'string' && stored.assignedPartnerId !== partnerId) {
      throw new Conflict(`The lead ${leadId} is assigned to another partner organization; unassign it first.`);
    }
    const { partnerDecision: _decision, partnerStage: _stage, ...kept } = stored;
    const lead = {
      ...kept,
      id: leadId,
      createdAt: String(stored.createdAt),
      assignedPartnerId: partnerId,
      dealRegistrationId: context.id,
      protectedUntil,
      version: (stored.version as number) + 1,
      updatedAt: context.at,
      updatedBy: context.actor,
    };
    plan.putRecord(
      { ...lead, ...indexAttributes(module, lead) },
      { expression: 'version = :version', values: { ':version': stored.version } },
      () => new Conflict(`The lead ${leadId} changed meanwhile; try again.`),
    );
    planProspectKeys(plan, context.tableName, module.name, leadId, stored, lead);
  }

  return {
    'deal-registrations': async (plan, context) => {
      const { tableName, module, id, before, after, at } = context;
      planProspectKeys(plan, tableName, module.name, id, before, after);
      if (!after) return;
      const step = reviewDealRegistration(before ?? {}, after, {
        today: todayIn(config.timeZone, new Date(at)),
        protectionDays: config.protectionDays,
      });
      switch (step.kind) {
        case 'none':
          return;
        case 'approve': {
          const { protectedUntil, linkLeadId } = step;
          if (linkLeadId) {
            await planLinkedLead(plan, context, after, linkLeadId, protectedUntil);
            return { protectedUntil, decidedAt: at };
          }
          return { leadId: planNewLead(plan, context, after, protectedUntil), protectedUntil, decidedAt: at };
        }
        case 'reject':
        case 'expire':
          return { decidedAt: at };
      }
    },
    leads: prospectKeyWrites().leads,
  };
}
