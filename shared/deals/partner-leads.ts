import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as v from 'valibot';
import { isRecordIdOf, portalPartition } from '../data/keys';
import { indexes } from '../data/table-design';
import { Conflict, NotFound } from '../http/errors';
import { onFirstUse } from '../modules/on-first-use';
import { multilineText } from '../modules/fields';
import { findModule } from '../modules/registry';
import { validate } from '../modules/validate';
import { updateRecord } from '../records/update-record';
import { portalPartitionPage } from '../portal/portal-partition-page';
import { fullName, type PortalGate } from '../portal/portal-gate';
import { requirePartnerComponent } from './partner-deals';
import { readRecord } from '../data/read-records';

/**
 * Leads the vendor assigned to a partner organization (`assignedPartnerId`), as its partner contacts holding the
 * `leads` component see and work them. Main course: list (ONE Query of the sparse portal index, the
 * organization's `leads` partition) and read, showing only `partnerLeadFields`; accept or decline once, a decline
 * with a reason (the lead goes back to the vendor's queue: unassigned, gone from the partner's portal); an accepted
 * lead's stage moves within `partnerLeadStages`. Every write is conditional on the version read while the lead was
 * this organization's, so a staff reassignment in between wins and the partner's write is a 409.
 */

/** The fields of a lead the vendor shares with the partner working it; nothing else leaves the API. */
export const partnerLeadFields = [
  'id',
  'firstName',
  'lastName',
  'company',
  'title',
  'email',
  'phone',
  'mobile',
  'protectedUntil',
  'dealRegistrationId',
  'partnerDecision',
  'partnerStage',
  'createdAt',
  'updatedAt',
] as const;

export const leadDeclineReasons = ['not-interested', 'duplicate', 'spam', 'other'] as const;
export const partnerLeadStages = ['contacted', 'qualified', 'proposal', 'negotiation', 'won', 'lost'] as const;

export const leadDecisionInput = v.pipe(
  v.strictObject({
    decision: v.picklist(['accept', 'decline']),
    reason: v.optional(v.picklist(leadDeclineReasons)),
    note: v.optional(multilineText(2_000)),
  }),
  v.forward(
    v.check(
      (input) => input.decision !== 'decline' || input.reason !== undefined,
      `a decline needs a reason: ${leadDeclineReasons.join(', ')}`,
    ),
    ['reason'],
  ),
);

export const leadStageInput = onFirstUse(() => v.strictObject({ stage: v.picklist(partnerLeadStages) }));

export function partnerLeadView(lead: Record<string, unknown>): Record<string, unknown> {
  const view: Record<string, unknown> = {};
  for (const field of partnerLeadFields) if (lead[field] !== undefined) view[field] = lead[field];
  return view;
}

export function createPartnerLeads(deps: {
  readonly dynamo: DynamoDBClient;
  readonly tableName: string;
  readonly portal: PortalGate;
  readonly now?: () => Date;
}) {
  const { dynamo, tableName, portal } = deps;
  const now = deps.now ?? (() => new Date());
  const leads = findModule('leads')!;

  async function partner(personId: string) {
    const { person } = await portal.session(personId);
    return { person, organizationId: requirePartnerComponent(portal, person, 'leads') };
  }

  /** The lead if it is assigned to this organization now; otherwise a 404 that says nothing more. */
  async function assignedLead(organizationId: string, id: string) {
    const notFound = new NotFound(`There is no lead ${id} in your portal.`);
    if (!isRecordIdOf(leads, id)) throw notFound;
    const lead = await readRecord({ dynamo, tableName }, id);
    if (!lead || lead.assignedPartnerId !== organizationId) throw notFound;
    return lead;
  }

  /** The organization's assigned leads, read beside its own read (the access re-check); shown once that holds. */
  async function list(personId: string, page: { limit: number; cursor?: string }) {
    const { person, seen } = await portal.sessionWith(personId, (viewer) =>
      portalPartitionPage({ dynamo, tableName }, portalPartition(viewer, leads.name), page),
    );
    requirePartnerComponent(portal, person, 'leads');
    const found = seen();
    return { items: found.items.map(partnerLeadView), nextCursor: found.nextCursor };
  }

  async function get(personId: string, id: string) {
    const { organizationId } = await partner(personId);
    return partnerLeadView(await assignedLead(organizationId, id));
  }

  async function decide(personId: string, id: string, body: unknown) {
    const { person, organizationId } = await partner(personId);
    const lead = await assignedLead(organizationId, id);
    const input = validate(leadDecisionInput, body, 'decision');
    const previous = lead.partnerDecision as { decision?: string } | undefined;
    if (input.decision === 'accept' && previous?.decision === 'accept') {
      throw new Conflict('You have already accepted this lead.');
    }
    const at = now().toISOString();
    const partnerDecision = {
      decision: input.decision,
      ...(input.reason ? { reason: input.reason } : {}),
      ...(input.note ? { note: input.note } : {}),
      partnerId: organizationId,
      decidedAt: at,
      decidedBy: { id: person.id, name: fullName(person) },
    };
    const byPortal = indexes.byPortal;
    const changed = await updateRecord({ dynamo, tableName }, id, {
      set: {
        partnerDecision,
        ...(input.decision === 'accept' ? { partnerStage: 'contacted' } : {}),
        updatedBy: `portal:${person.id}`,
      },
      // Declined: back to the vendor's queue, out of the partner's portal partition.
      remove:
        input.decision === 'decline'
          ? ['assignedPartnerId', 'protectedUntil', 'partnerStage', byPortal.partitionKey, byPortal.sortKey]
          : [],
      at,
      when: { version: lead.version as number },
    });
    if (!changed) throw new Conflict('The lead changed meanwhile; review it again.');
    return partnerDecision;
  }

  async function setStage(personId: string, id: string, body: unknown) {
    const { person, organizationId } = await partner(personId);
    const lead = await assignedLead(organizationId, id);
    const { stage } = validate(leadStageInput(), body, 'stage');
    if ((lead.partnerDecision as { decision?: string } | undefined)?.decision !== 'accept') {
      throw new Conflict('Accept the lead before reporting its progress.');
    }
    const at = now().toISOString();
    const changed = await updateRecord({ dynamo, tableName }, id, {
      set: { partnerStage: stage, updatedBy: `portal:${person.id}` },
      at,
      when: { version: lead.version as number },
    });
    if (!changed) throw new Conflict('The lead changed meanwhile; review it again.');
    return partnerLeadView({ ...lead, partnerStage: stage, updatedAt: at });
  }

  return { list, get, decide, setStage };
}
