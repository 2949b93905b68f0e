import { CognitoIdentityProviderClient, ListUsersCommand } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';

/** Baseline for functions that also use Cognito: one GetItem and one Cognito call per invocation. */
const dynamo = new DynamoDBClient({});
const cognito = new CognitoIdentityProviderClient({});
const tableName = process.env.TABLE_NAME ?? '';
const userPoolId = process.env.PORTAL_USER_POOL_ID ?? '';

export const handler = async (event: { pathParameters?: { id?: string } }) => {
  const id = event.pathParameters?.id ?? 'missing';
  const [item, users] = await Promise.all([
    dynamo.send(
      new GetItemCommand({ TableName: tableName, Key: { pk: { S: id }, sk: { S: 'RECORD' } }, ConsistentRead: true }),
    ),
    cognito.send(new ListUsersCommand({ UserPoolId: userPoolId, Limit: 1 })),
  ]);
  return { statusCode: 200, body: JSON.stringify({ item: item.Item ?? null, users: users.Users?.length ?? 0 }) };
};
