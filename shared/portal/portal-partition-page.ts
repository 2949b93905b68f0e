import { QueryCommand } from '../aws/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '../aws/util-dynamodb';
import { indexes, tableDesign } from '../data/table-design';
import { decodeCursor, encodeCursor } from '../records/cursor';

/**
 * One page of a portal partition (gsi4, `portalPartition(viewer, module)`), newest first: ONE Query of the sparse
 * portal index. The cursor is checked to name this partition, so a hand-made one cannot reach another viewer's list.
 */
export async function portalPartitionPage(
  deps: { readonly dynamo: DynamoDBClient; readonly tableName: string },
  partition: string,
  page: { readonly limit: number; readonly cursor?: string },
): Promise<{ items: Record<string, unknown>[]; nextCursor: string | null }> {
  const index = indexes.byPortal;
  const result = await deps.dynamo.send(
    new QueryCommand({
      TableName: deps.tableName,
      IndexName: index.indexName,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': index.partitionKey },
      ExpressionAttributeValues: marshall({ ':pk': partition }),
      ScanIndexForward: false,
      Limit: page.limit,
      ExclusiveStartKey: page.cursor
        ? decodeCursor(page.cursor, {
            attributes: [tableDesign.partitionKey, tableDesign.sortKey, index.partitionKey, index.sortKey],
            partitionKey: index.partitionKey,
            partitionValue: partition,
          })
        : undefined,
    }),
  );
  return {
    items: (result.Items ?? []).map((item) => unmarshall(item)),
    nextCursor: encodeCursor(result.LastEvaluatedKey),
  };
}
