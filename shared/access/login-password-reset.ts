import {
  AdminGetUserCommand,
  AdminResetUserPasswordCommand,
  UserNotFoundException,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';

/** The portal login as a password reset sees it. */
export interface LoginForReset {
  readonly enabled: boolean;
  /** CONFIRMED once the person chose a password; RESET_REQUIRED after a reset; FORCE_CHANGE_PASSWORD before. */
  readonly status: string;
}

/** Cognito states in which a person has a password of their own to replace. */
export const resettableLoginStatuses: readonly string[] = ['CONFIRMED', 'RESET_REQUIRED'];

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
  const { cognito, userPoolId } = deps;

  async function login(personId: string): Promise<LoginForReset | undefined> {
    try {
      const user = await cognito.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: personId }));
      return { enabled: user.Enabled !== false, status: user.UserStatus ?? 'UNKNOWN' };
    } catch (error) {
      if (error instanceof UserNotFoundException || (error as Error).name === 'UserNotFoundException') return undefined;
      throw error;
    }
  }

  async function reset(personId: string): Promise<void> {
    await cognito.send(new AdminResetUserPasswordCommand({ UserPoolId: userPoolId, Username: personId }));
  }

  return { login, reset };
}

export type LoginPasswordReset = ReturnType<typeof createLoginPasswordReset>;
