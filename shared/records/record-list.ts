import { QueryCommand } from '../aws/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '../aws/util-dynamodb';
import { emailPartition, linkPartition, searchPartition } from '../data/keys';
import { readRecordsById } from '../data/read-records';
import { ValidationFailed } from '../http/errors';
import { indexes, tableDesign } from '../data/table-design';
import type { FilterName, ModuleDeclaration } from '../modules/registry';
import { decodeCursor, encodeCursor } from './cursor';
import { toPublicRecord, type PublicRecord } from './public-record';

/** A staff list of one module, newest first, or of the people and records linked to one id: one Query a page. */

export interface ListQuery {
  readonly limit: number;
  readonly cursor?: string;
  readonly filter?: { readonly name: FilterName; readonly value: string };
  /** A normalised prefix (search-terms.ts `normaliseTerm`): served by the term items, never with a filter. */
  readonly search?: string;
}

export interface ListPage {
  readonly items: PublicRecord[];
  readonly nextCursor: string | null;
}

/** A page of a module, or of those linked to one id (`filter`); a search is `searchRecords`'. */
export async function listRecords(
  { dynamo, tableName }: { readonly dynamo: DynamoDBClient; readonly tableName: string },
  module: ModuleDeclaration,
  query: Omit<ListQuery, 'search'>,
): Promise<ListPage> {
  const filter = query.filter;
  const index = !filter ? indexes.byType : filter.name === 'organizationId' ? indexes.byLink : indexes.byLookup;
  const partitionValue = !filter
    ? module.name
    : filter.name === 'email'
      ? emailPartition(filter.value)
      : linkPartition(filter.value);
  const keyCondition = filter ? '#pk = :pk AND begins_with(#sk, :module)' : '#pk = :pk';
  const startKey = query.cursor
    ? decodeCursor(query.cursor, {
        attributes: [tableDesign.partitionKey, tableDesign.sortKey, index.partitionKey, index.sortKey],
        partitionKey: index.partitionKey,
        partitionValue,
      })
    : undefined;
  const result = await dynamo.send(
    new QueryCommand({
      TableName: tableName,
      IndexName: index.indexName,
      KeyConditionExpression: keyCondition,
      ExpressionAttributeNames: { '#pk': index.partitionKey, ...(filter ? { '#sk': index.sortKey } : {}) },
      ExpressionAttributeValues: marshall({
        ':pk': partitionValue,
        ...(filter ? { ':module': `${module.name}#` } : {}),
      }),
      ScanIndexForward: false,
      Limit: query.limit,
      ExclusiveStartKey: startKey,
    }),
  );
  return {
    items: (result.Items ?? []).map((item) => toPublicRecord(unmarshall(item))),
    nextCursor: encodeCursor(result.LastEvaluatedKey),
  };
}

/**
 * A page of records found by a prefix of one of their search terms: one Query of the term items (strongly
 * consistent, like the transaction that wrote them), then one BatchGetItem of the page's records. Results sort by
 * the matching term. A record matching twice on one page (first name and last name) is listed once; `limit` counts
 * term items, so a page may hold fewer records than `limit` while `nextCursor` is not null.
 */
export async function searchRecords(
  { dynamo, tableName }: { readonly dynamo: DynamoDBClient; readonly tableName: string },
  module: ModuleDeclaration,
  prefix: string,
  query: Omit<ListQuery, 'search'>,
): Promise<ListPage> {
  const partitionValue = searchPartition(module.name, prefix);
  const { partitionKey: pk, sortKey: sk } = tableDesign;
  const startKey = query.cursor
    ? decodeCursor(query.cursor, { attributes: [pk, sk], partitionKey: pk, partitionValue })
    : undefined;
  // A cursor of another search in the same partition would skip or repeat results: it must continue this prefix.
  if (startKey && !startKey[sk]!.S!.startsWith(prefix)) {
    throw new ValidationFailed('The cursor is not one this list returned.', [
      { path: '/cursor', message: 'invalid cursor' },
    ]);
  }
  const result = await dynamo.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
      ExpressionAttributeNames: { '#pk': pk, '#sk': sk },
      ExpressionAttributeValues: marshall({ ':pk': partitionValue, ':prefix': prefix }),
      ConsistentRead: true,
      Limit: query.limit,
      ExclusiveStartKey: startKey,
    }),
  );
  const ids = [...new Set((result.Items ?? []).map((item) => unmarshall(item).recordId as string))];
  const records = await readRecordsById(dynamo, tableName, ids);
  return {
    // A record deleted between the two reads is simply left out.
    items: ids.flatMap((id) => {
      const record = records.get(id);
      return record ? [toPublicRecord(record)] : [];
    }),
    nextCursor: encodeCursor(result.LastEvaluatedKey),
  };
}
