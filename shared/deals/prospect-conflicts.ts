import { ConditionalCheckFailedException, QueryCommand, UpdateItemCommand } from '../aws/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '../aws/util-dynamodb';
import { prospectPartition, recordKey } from '../data/keys';
import { tableDesign } from '../data/table-design';
import { toPublicRecord, type PublicRecord } from '../records/public-record';
import { prospectOf } from './deal-writes';
import { readRecord } from '../data/read-records';

/**
 * Conflict detection for a deal registration, from the portal or staff (created, or its company or contact email
 * changed). Main course: the registration and its prospect keys were written
 * first (one transaction); then ONE Query per key (at most two) reads every registration and lead naming the same
 * prospect; another partner's open registration (submitted or approved) or any lead is a conflict, recorded on the
 * registration as `conflicts` for staff (replacing the previous answer). Writing before reading means of two racing
 * registrations the one that reads last sees the other, so the pair is never missed. The portal never shows `conflicts` (shared/portal/portal-view.ts), so a partner learns nothing of others.
 */

export interface ProspectConflict {
  readonly recordId: string;
  readonly module: 'deal-registrations' | 'leads';
  readonly matchedOn: 'company' | 'domain';
  /** The other registration's partner organization, or the lead's assigned one. */
  readonly partnerId?: string;
}

/** Matches kept per registration: enough for staff to see there is a conflict, and bounded. */
const maxConflicts = 20;

export async function findProspectConflicts(
  deps: { readonly dynamo: DynamoDBClient; readonly tableName: string },
  registration: Readonly<Record<string, unknown>>,
): Promise<ProspectConflict[]> {
  const found = new Map<string, ProspectConflict>();
  for (const key of prospectOf('deal-registrations', registration)) {
    const result = await deps.dynamo.send(
      new QueryCommand({
        TableName: deps.tableName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': tableDesign.partitionKey },
        ExpressionAttributeValues: marshall({ ':pk': prospectPartition(key.kind, key.value) }),
        Limit: 100,
      }),
    );
    for (const match of (result.Items ?? []).map((item) => unmarshall(item))) {
      if (match.recordId === registration.id || found.has(match.recordId as string)) continue;
      const otherPartnersOpen =
        match.module === 'deal-registrations' &&
        match.partnerId !== registration.organizationId &&
        (match.status === 'submitted' || match.status === 'approved');
      if (match.module !== 'leads' && !otherPartnersOpen) continue;
      found.set(match.recordId as string, {
        recordId: match.recordId as string,
        module: match.module as ProspectConflict['module'],
        matchedOn: key.kind,
        ...(typeof match.partnerId === 'string' ? { partnerId: match.partnerId } : {}),
      });
    }
  }
  return [...found.values()].slice(0, maxConflicts);
}

/** The same matches, whatever their order and the order of their fields as stored. */
function sameConflicts(a: readonly ProspectConflict[], b: readonly ProspectConflict[]): boolean {
  const names = (list: readonly ProspectConflict[]) =>
    list.map((c) => [c.recordId, c.module, c.matchedOn, c.partnerId ?? ''].join('|')).sort();
  return JSON.stringify(names(a)) === JSON.stringify(names(b));
}

/** How often the recorded conflicts are recomputed when the registration keeps changing under the write. */
const maxAttempts = 4;

type Registration = Readonly<Record<string, unknown>> & { readonly id: string; readonly version: number };

/**
 * Checks a registration's prospect (after its prospect keys were written: its creation, or a change of its company
 * or contact email) and records the answer as its `conflicts`, replacing what was recorded before. The write is
 * conditional on the version the check read; if the registration changed meanwhile, it is read again and checked
 * again, so a flag is never lost to a concurrent edit. Answers the registration as stored after (a change like any
 * other: its version moves), or as given when there was nothing to record.
 */
export async function recheckProspectConflicts(
  deps: { readonly dynamo: DynamoDBClient; readonly tableName: string },
  written: Registration,
  at: string,
): Promise<PublicRecord> {
  let registration: Registration | undefined = written;
  for (let attempt = 1; registration; attempt++) {
    const conflicts = await findProspectConflicts(deps, registration);
    const recorded = Array.isArray(registration.conflicts) ? (registration.conflicts as ProspectConflict[]) : [];
    if (sameConflicts(recorded, conflicts)) return toPublicRecord(registration);
    try {
      const result = await deps.dynamo.send(
        new UpdateItemCommand({
          TableName: deps.tableName,
          Key: marshall(recordKey(registration.id)),
          UpdateExpression:
            (conflicts.length ? 'SET #conflicts = :conflicts, ' : 'REMOVE #conflicts SET ') +
            '#version = #version + :one, #updatedAt = :at',
          ConditionExpression: '#version = :version',
          ExpressionAttributeNames: { '#conflicts': 'conflicts', '#version': 'version', '#updatedAt': 'updatedAt' },
          ExpressionAttributeValues: marshall({
            ...(conflicts.length ? { ':conflicts': conflicts } : {}),
            ':one': 1,
            ':at': at,
            ':version': registration.version,
          }),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toPublicRecord(unmarshall(result.Attributes!));
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException) || attempt >= maxAttempts) throw error;
      registration = await readRecord<Registration>(deps, registration.id);
    }
  }
  // Deleted meanwhile: nothing left to flag.
  return toPublicRecord(written);
}

/** Whether a staff change of a registration can change its conflicts: it names another prospect. */
export const changesProspect = (patch: Readonly<Record<string, unknown>>) =>
  'companyName' in patch || 'contactEmail' in patch;
