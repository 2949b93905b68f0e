import { CognitoIdentityProviderClient, ListUsersCommand } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';

/** Baseline for functions that use Cognito and SES: one GetItem, one Cognito call and one email per invocation. */
const dynamo = new DynamoDBClient({});
const cognito = new CognitoIdentityProviderClient({});
const ses = new SESv2Client({});
const tableName = process.env.TABLE_NAME ?? '';
const userPoolId = process.env.PORTAL_USER_POOL_ID ?? '';
const sender = process.env.SENDER_EMAIL ?? '';

export const handler = async (event: { pathParameters?: { id?: string } }) => {
  const id = event.pathParameters?.id ?? 'missing';
  const [item, users, email] = await Promise.all([
    dynamo.send(
      new GetItemCommand({ TableName: tableName, Key: { pk: { S: id }, sk: { S: 'RECORD' } }, ConsistentRead: true }),
    ),
    cognito.send(new ListUsersCommand({ UserPoolId: userPoolId, Limit: 1 })),
    ses.send(
      new SendEmailCommand({
        FromEmailAddress: sender,
        Destination: { ToAddresses: ['baseline@bench.invalid'] },
        Content: { Simple: { Subject: { Data: 'baseline' }, Body: { Text: { Data: 'baseline' } } } },
      }),
    ),
  ]);
  return {
    statusCode: 200,
    body: JSON.stringify({ item: item.Item ?? null, users: users.Users?.length ?? 0, messageId: email.MessageId }),
  };
};
