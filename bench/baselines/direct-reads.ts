import { DynamoDBClient, GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';

/**
 * The warm-overhead baseline: the DynamoDB reads a handler makes for a request, made directly with the
 * same SDK (bundled the same way), with no routing, validation, middleware or logging around them.
 */
const dynamo = new DynamoDBClient({});
const tableName = process.env.TABLE_NAME ?? '';

async function getRecord(id: string) {
  const result = await dynamo.send(
    new GetItemCommand({ TableName: tableName, Key: { pk: { S: id }, sk: { S: 'RECORD' } }, ConsistentRead: true }),
  );
  return result.Item ? unmarshall(result.Item) : undefined;
}

/** What `GET /{module}/{id}` reads: the record. */
export async function recordRead(id: string) {
  return JSON.stringify(await getRecord(id));
}

/** What `GET /portal/{module}` reads: the person (access re-check), then one page of the sparse portal index. */
export async function portalListRead(personId: string, partition: string, limit: number) {
  const person = await getRecord(personId);
  const page = await dynamo.send(
    new QueryCommand({
      TableName: tableName,
      IndexName: 'gsi4',
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': 'gsi4pk' },
      ExpressionAttributeValues: { ':pk': { S: partition } },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  return JSON.stringify({ person: person?.id, items: (page.Items ?? []).map((item) => unmarshall(item)) });
}
