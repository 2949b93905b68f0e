import { AdminGetUserCommand } from '../aws/client-cognito-identity-provider';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createAccessMachine } from '../access/access-machine';

/** A refused token issue goes into the person's access history: staff see why someone could not sign in. */
export async function recordRefusedSignIn(
  deps: { dynamo: DynamoDBClient; tableName: string },
  personId: string,
  detail: { reason: string; trigger: string },
  at: Date = new Date(),
) {
  await createAccessMachine(deps).recordRefusedSignIn(personId, detail, at.toISOString());
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
  const machine = createAccessMachine(deps);
  await machine.recordSignIn(personId, when);
  const status =
    userStatus ??
    (await deps.cognito.send(new AdminGetUserCommand({ UserPoolId: deps.userPoolId, Username: personId }))).UserStatus;
  if (status !== 'CONFIRMED') return 'recorded';
  return (await machine.markActive(personId, when)).applied ? 'active' : 'recorded';
}
