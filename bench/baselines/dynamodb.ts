import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';

/**
 * Baseline: the smallest useful Lambda handler with the same AWS SDK version as the functions. One client
 * created at init, one GetItem per invocation, the raw item returned. No framework, no validation.
 */
const dynamo = new DynamoDBClient({});
const tableName = process.env.TABLE_NAME ?? '';

export const handler = async (event: { pathParameters?: { id?: string } }) => {
  const id = event.pathParameters?.id ?? 'missing';
  const result = await dynamo.send(
    new GetItemCommand({ TableName: tableName, Key: { pk: { S: id }, sk: { S: 'RECORD' } }, ConsistentRead: true }),
  );
  return { statusCode: result.Item ? 200 : 404, body: JSON.stringify(result.Item ?? null) };
};
