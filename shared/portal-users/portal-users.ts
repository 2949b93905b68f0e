import { QueryCommand } from '../aws/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '../aws/util-dynamodb';
import * as v from 'valibot';
import { indexes, tableDesign } from '../data/table-design';
import { moduleOfId } from '../modules/registry';
import { validate } from '../modules/validate';
import { createPersonLoader } from '../people/person-loader';
import { decodeCursor, encodeCursor } from '../records/cursor';
import { pageQueryFields, pageSizeOf } from '../records/list-query';
import { accessListName, accessStatusPartition, accessStatuses, type AccessStatus } from '../access/access-state';

/**
 * `GET /portal-users`: everyone who has (or had) portal access, with the status the access machine recorded, one page
 * at a time. Without `status`, every ACCESS item by person id (gsi1 `portal-access`); with it, the people of that
 * status, most recent change first (gsi2 `ACCESS#<status>`, which the access machine sets in each status write).
 * One Query per page, and one BatchGetItem for the people's names and emails.
 */

/** Statuses a filter may name: `none` is never recorded on an item. */
export const listedStatuses = accessStatuses.filter((status) => status !== 'none') as Exclude<AccessStatus, 'none'>[];

export const portalUsersQuery = v.strictObject({
  ...pageQueryFields(),
  status: v.optional(v.picklist(listedStatuses)),
});

export interface PortalUser {
  readonly personId: string;
  readonly module: string;
  readonly status: AccessStatus;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly email?: string;
  readonly reason?: string;
  readonly lastError?: string;
  readonly invitedAt?: string;
  readonly activatedAt?: string;
  readonly lastSignInAt?: string;
  readonly updatedAt?: string;
  /** The person's record is gone (the access item and its history outlive it). */
  readonly personDeleted?: true;
}

const shownFromAccess = ['reason', 'lastError', 'invitedAt', 'activatedAt', 'lastSignInAt', 'updatedAt'] as const;
const shownFromPerson = ['firstName', 'lastName', 'email'] as const;

export async function listPortalUsers(
  deps: { readonly dynamo: DynamoDBClient; readonly tableName: string },
  parameters: Record<string, string | undefined> | undefined,
): Promise<{ items: PortalUser[]; nextCursor: string | null }> {
  const query = validate(portalUsersQuery, parameters ?? {}, 'query');
  const index = query.status ? indexes.byLink : indexes.byType;
  const partitionValue = query.status ? accessStatusPartition(query.status) : accessListName;
  const startKey = query.cursor
    ? decodeCursor(query.cursor, {
        attributes: [tableDesign.partitionKey, tableDesign.sortKey, index.partitionKey, index.sortKey],
        partitionKey: index.partitionKey,
        partitionValue,
      })
    : undefined;
  const page = await deps.dynamo.send(
    new QueryCommand({
      TableName: deps.tableName,
      IndexName: index.indexName,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': index.partitionKey },
      ExpressionAttributeValues: marshall({ ':pk': partitionValue }),
      // A status list shows the latest changes first; the whole list is by person id.
      ScanIndexForward: !query.status,
      Limit: pageSizeOf(query.limit),
      ExclusiveStartKey: startKey,
    }),
  );
  const states = (page.Items ?? []).map((item) => unmarshall(item));
  const people = states.length
    ? await createPersonLoader(deps).readMany(states.map((state) => state.personId as string))
    : new Map<string, Record<string, unknown>>();
  const items = states.map((state): PortalUser => {
    const personId = state.personId as string;
    const person = people.get(personId);
    const shown = (names: readonly string[], from: Record<string, unknown> | undefined) =>
      Object.fromEntries(names.flatMap((name) => (typeof from?.[name] === 'string' ? [[name, from[name]]] : [])));
    return {
      personId,
      module: moduleOfId(personId)?.name ?? 'unknown',
      status: (state.status as AccessStatus | undefined) ?? 'none',
      ...shown(shownFromPerson, person),
      ...shown(shownFromAccess, state),
      ...(person ? {} : { personDeleted: true as const }),
    };
  });
  return { items, nextCursor: encodeCursor(page.LastEvaluatedKey) };
}
