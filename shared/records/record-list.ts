import { QueryCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { emailPartition, linkPartition } from '../data/keys';
import { indexes, tableDesign } from '../data/table-design';
import type { FilterName, ModuleDeclaration } from '../modules/registry';
import { decodeCursor, encodeCursor } from './cursor';
import { toPublicRecord, type PublicRecord } from './public-record';

/** A staff list of one module, newest first, or of the people and records linked to one id: one Query a page. */

export interface ListQuery {
  readonly limit: number;
  readonly cursor?: string;
  readonly filter?: { readonly name: FilterName; readonly value: string };
}

export interface ListPage {
  readonly items: PublicRecord[];
  readonly nextCursor: string | null;
}

export async function listRecords(
  { dynamo, tableName }: { readonly dynamo: DynamoDBClient; readonly tableName: string },
  module: ModuleDeclaration,
  query: ListQuery,
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
