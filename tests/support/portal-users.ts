import {
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import type { LocalOutputs } from '../../infra/outputs';
import { localCredentials, localRegion } from '../../infra/local/local-aws';

/** The portal pool seen from outside: logins as Cognito holds them, and signing in as a person would. */
export function portalUsers(outputs: LocalOutputs) {
  const cognito = new CognitoIdentityProviderClient({
    endpoint: outputs.CognitoEndpoint,
    region: localRegion,
    credentials: localCredentials,
  });
  const pool = outputs.PortalUserPoolId;
  const clientId = outputs.PortalClientId;

  async function login(username: string) {
    try {
      const user = await cognito.send(new AdminGetUserCommand({ UserPoolId: pool, Username: username }));
      const attributes = Object.fromEntries((user.UserAttributes ?? []).map((a) => [a.Name!, a.Value!]));
      return { enabled: user.Enabled, status: user.UserStatus, attributes };
    } catch (error) {
      if (error instanceof UserNotFoundException) return undefined;
      throw error;
    }
  }

  function signIn(username: string, password: string) {
    return cognito.send(
      new InitiateAuthCommand({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: clientId,
        AuthParameters: { USERNAME: username, PASSWORD: password },
      }),
    );
  }

  /** First sign-in: the temporary password, then the new-password challenge. */
  async function firstSignIn(username: string, temporaryPassword: string, newPassword: string) {
    const challenge = await signIn(username, temporaryPassword);
    if (challenge.ChallengeName !== 'NEW_PASSWORD_REQUIRED')
      throw new Error(`Expected a new-password challenge, got ${challenge.ChallengeName}`);
    return cognito.send(
      new RespondToAuthChallengeCommand({
        ClientId: clientId,
        ChallengeName: 'NEW_PASSWORD_REQUIRED',
        Session: challenge.Session,
        ChallengeResponses: {
          USERNAME: challenge.ChallengeParameters?.USER_ID_FOR_SRP ?? username,
          NEW_PASSWORD: newPassword,
        },
      }),
    );
  }

  function refresh(refreshToken: string) {
    return cognito.send(
      new InitiateAuthCommand({
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        ClientId: clientId,
        AuthParameters: { REFRESH_TOKEN: refreshToken },
      }),
    );
  }

  return { login, signIn, firstSignIn, refresh, close: () => cognito.destroy() };
}
