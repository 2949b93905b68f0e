import { QueryCommand, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { prospectPartition, recordKey } from '../data/keys';
import { tableDesign } from '../data/table-design';
import { prospectOf } from './deal-writes';

/**
 * Conflict detection for a new deal registration. Main course: the registration and its prospect keys were written
 * first (one transaction); then ONE Query per key (at most two) reads every registration and lead naming the same
 * prospect; another partner's open registration (submitted or approved) or any lead is a conflict, recorded on the
 * registration as `conflicts` for staff. Writing before reading means of two racing registrations each sees the
 * other. The portal never shows `conflicts` (shared/portal/portal-view.ts), so a partner learns nothing of others.
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

/** Records the conflicts on the registration (a change like any other: its version moves). */
export async function flagProspectConflicts(
  deps: { readonly dynamo: DynamoDBClient; readonly tableName: string },
  registrationId: string,
  conflicts: readonly ProspectConflict[],
  at: string,
): Promise<void> {
  if (conflicts.length === 0) return;
  await deps.dynamo.send(
    new UpdateItemCommand({
      TableName: deps.tableName,
      Key: marshall(recordKey(registrationId)),
      UpdateExpression: 'SET #conflicts = :conflicts, #version = #version + :one, #updatedAt = :at',
      ConditionExpression: 'attribute_exists(#version)',
      ExpressionAttributeNames: { '#conflicts': 'conflicts', '#version': 'version', '#updatedAt': 'updatedAt' },
      ExpressionAttributeValues: marshall({ ':conflicts': conflicts, ':one': 1, ':at': at }),
    }),
  );
}
