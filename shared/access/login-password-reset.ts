import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { createCognitoLoginGateway, type Login } from './cognito-login-gateway';

/** The portal login as a password reset sees it. */
export type LoginForReset = Pick<Login, 'enabled' | 'status'>;

/**
 * Cognito's side of a staff password reset: AdminResetUserPassword invalidates the password (sign-in then answers
 * PasswordResetRequiredException) and Cognito emails the login's verified address a code, through the pool's SES
 * configuration; the person chooses a new password with it (the hosted login's "Forgot your password?" pages, or
 * ConfirmForgotPassword).
 */
export function createLoginPasswordReset(deps: {
  readonly cognito: CognitoIdentityProviderClient;
  readonly userPoolId: string;
}) {
  const logins = createCognitoLoginGateway(deps);
  return {
    login: (personId: string): Promise<LoginForReset | undefined> => logins.get(personId),
    reset: async (personId: string): Promise<void> => void (await logins.resetPassword(personId)),
  };
}

export type LoginPasswordReset = ReturnType<typeof createLoginPasswordReset>;
