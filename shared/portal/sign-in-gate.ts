import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { evaluateAccess, todayIn, type AccessVerdict } from '../access/evaluate-access';
import { logger } from '../observability/logger';
import { createPersonLoader, type Person } from '../people/person-loader';
import { recordRefusedSignIn, recordSignIn } from './sign-in-events';

/**
 * What the portal pool's Cognito triggers decide, in one place: the sign-in check (pre authentication, before the
 * password is looked at) and the token gate (pre token generation: sign-ins and refreshes) both ask `admit`, which
 * evaluates access now (shared/access/evaluate-access.ts) and puts a refusal into the person's history.
 */
export interface SignInGateDependencies {
  readonly dynamo: DynamoDBClient;
  readonly tableName: string;
  readonly timeZone: string;
  readonly now?: () => Date;
}

/**
 * Token issues that are a sign-in (a password, the hosted login, a first password chosen, a remembered device),
 * as opposed to `TokenGeneration_RefreshTokens`: only these count as signing in.
 */
export const signInTokenSources: ReadonlySet<string> = new Set([
  'TokenGeneration_Authentication',
  'TokenGeneration_HostedAuth',
  'TokenGeneration_NewPasswordChallenge',
  'TokenGeneration_AuthenticateDevice',
]);

export async function admit(
  deps: SignInGateDependencies,
  personId: string,
  trigger: string,
): Promise<{ readonly verdict: AccessVerdict; readonly person?: Person }> {
  const now = deps.now?.() ?? new Date();
  const { person, organization } = await createPersonLoader(deps).load(personId);
  const verdict = evaluateAccess(person, organization, () => todayIn(deps.timeZone, now));
  if (!verdict.effective) {
    logger.warn('Portal sign-in refused', { personId, reason: verdict.reason, trigger });
    // Bookkeeping: a failure to record it must not turn the refusal into something else.
    await recordRefusedSignIn(deps, personId, { reason: verdict.reason, trigger }, now).catch((error: unknown) =>
      logger.error('Could not record the refusal', { personId, error: error as Error }),
    );
  }
  return { verdict, person };
}

/**
 * A token is being issued for a sign-in: `lastSignInAt`, and `invited` → `active` once the person chose a
 * password. Best effort: bookkeeping never blocks a sign-in that was allowed.
 */
export async function countSignIn(
  deps: SignInGateDependencies & { readonly cognito: CognitoIdentityProviderClient },
  event: { readonly userPoolId: string; readonly userName: string; readonly triggerSource: string },
  userStatus: string | undefined,
): Promise<void> {
  if (!signInTokenSources.has(event.triggerSource)) return;
  try {
    const outcome = await recordSignIn(
      { ...deps, userPoolId: event.userPoolId },
      event.userName,
      userStatus,
      deps.now?.() ?? new Date(),
    );
    logger.info('Portal sign-in recorded', { personId: event.userName, outcome, trigger: event.triggerSource });
  } catch (error) {
    logger.error('Could not record a portal sign-in', { personId: event.userName, error: error as Error });
  }
}
