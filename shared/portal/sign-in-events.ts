import { AdminGetUserCommand, type CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import {
  ConditionalCheckFailedException,
  PutItemCommand,
  UpdateItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { accessKey, historyItem, transitionAccess } from '../access/access-state';

/** A refused token issue goes into the person's access history: staff see why someone could not sign in. */
export async function recordRefusedSignIn(
  deps: { dynamo: DynamoDBClient; tableName: string },
  personId: string,
  detail: { reason: string; trigger: string },
  at: Date = new Date(),
) {
  await deps.dynamo.send(
    new PutItemCommand({
      TableName: deps.tableName,
      Item: marshall(historyItem(personId, { at: at.toISOString(), actor: 'sign-in', event: 'signInRefused', detail })),
    }),
  );
}

/**
 * After a successful sign-in: `lastSignInAt`, and `invited` becomes `active` once the person has chosen their
 * own password (the login is CONFIRMED; cognito-local also calls this trigger for the temporary password).
 */
export async function recordSignIn(
  deps: { dynamo: DynamoDBClient; tableName: string; cognito: CognitoIdentityProviderClient; userPoolId: string },
  personId: string,
  /** `cognito:user_status` as Cognito puts it in the event; asked of Cognito when absent (cognito-local). */
  userStatus?: string,
  at: Date = new Date(),
): Promise<'active' | 'recorded'> {
  const when = at.toISOString();
  await deps.dynamo
    .send(
      new UpdateItemCommand({
        TableName: deps.tableName,
        Key: marshall(accessKey(personId)),
        UpdateExpression: 'SET lastSignInAt = :at',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: marshall({ ':at': when }),
      }),
    )
    .catch((error: unknown) => {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    });
  const status =
    userStatus ??
    (await deps.cognito.send(new AdminGetUserCommand({ UserPoolId: deps.userPoolId, Username: personId }))).UserStatus;
  if (status !== 'CONFIRMED') return 'recorded';
  const outcome = await transitionAccess(deps, personId, {
    update: 'SET #status = :active, activatedAt = if_not_exists(activatedAt, :at), updatedAt = :at',
    condition: '#status = :invited',
    names: { '#status': 'status' },
    values: { ':active': 'active', ':invited': 'invited', ':at': when },
    history: { at: when, actor: 'sign-in', event: 'statusChanged', detail: { from: 'invited', to: 'active' } },
  });
  return outcome.applied ? 'active' : 'recorded';
}
