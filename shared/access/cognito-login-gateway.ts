import {
  AdminCreateUserCommand,
  AdminDeleteUserAttributesCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminResetUserPasswordCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  AdminUserGlobalSignOutCommand,
  UserNotFoundException,
  UsernameExistsException,
} from '../aws/client-cognito-identity-provider';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';

/** A portal login as provisioning sees it. */
export interface Login {
  readonly enabled: boolean;
  /** FORCE_CHANGE_PASSWORD until the person has chosen a password; CONFIRMED after; RESET_REQUIRED after a reset. */
  readonly status: string;
  readonly email?: string;
  readonly preferredUsername?: string;
}

const isNamed = (error: unknown, name: string) => (error as Error | undefined)?.name === name;

/**
 * The portal pool, as access needs it: one call per method, nothing decided here. The login's username is the
 * person's immutable id: emails and usernames may change, the login stays the same.
 */
export function createCognitoLoginGateway(deps: {
  readonly cognito: CognitoIdentityProviderClient;
  readonly userPoolId: string;
}) {
  const { cognito, userPoolId: UserPoolId } = deps;

  return {
    async get(personId: string): Promise<Login | undefined> {
      try {
        const user = await cognito.send(new AdminGetUserCommand({ UserPoolId, Username: personId }));
        const attribute = (name: string) => user.UserAttributes?.find((a) => a.Name === name)?.Value;
        return {
          enabled: user.Enabled !== false,
          status: user.UserStatus ?? 'UNKNOWN',
          email: attribute('email'),
          preferredUsername: attribute('preferred_username'),
        };
      } catch (error) {
        if (error instanceof UserNotFoundException || isNamed(error, 'UserNotFoundException')) return undefined;
        throw error;
      }
    },

    /** Creates the login with a temporary password and no Cognito email; false when it exists already. */
    async create(personId: string, temporaryPassword: string, email: string, username?: string): Promise<boolean> {
      try {
        await cognito.send(
          new AdminCreateUserCommand({
            UserPoolId,
            Username: personId,
            TemporaryPassword: temporaryPassword,
            MessageAction: 'SUPPRESS',
            UserAttributes: [
              { Name: 'email', Value: email },
              { Name: 'email_verified', Value: 'true' },
              ...(username ? [{ Name: 'preferred_username', Value: username }] : []),
            ],
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof UsernameExistsException || isNamed(error, 'UsernameExistsException')) return false;
        throw error;
      }
    },

    async setTemporaryPassword(personId: string, password: string) {
      await cognito.send(
        new AdminSetUserPasswordCommand({ UserPoolId, Username: personId, Password: password, Permanent: false }),
      );
    },

    async updateEmail(personId: string, email: string) {
      await cognito.send(
        new AdminUpdateUserAttributesCommand({
          UserPoolId,
          Username: personId,
          UserAttributes: [
            { Name: 'email', Value: email },
            { Name: 'email_verified', Value: 'true' },
          ],
        }),
      );
    },

    async updateUsername(personId: string, username: string | undefined) {
      if (username) {
        await cognito.send(
          new AdminUpdateUserAttributesCommand({
            UserPoolId,
            Username: personId,
            UserAttributes: [{ Name: 'preferred_username', Value: username }],
          }),
        );
      } else {
        await cognito.send(
          new AdminDeleteUserAttributesCommand({
            UserPoolId,
            Username: personId,
            UserAttributeNames: ['preferred_username'],
          }),
        );
      }
    },

    enable: (personId: string) => cognito.send(new AdminEnableUserCommand({ UserPoolId, Username: personId })),
    disable: (personId: string) => cognito.send(new AdminDisableUserCommand({ UserPoolId, Username: personId })),
    /** Refresh tokens stop working at once; access tokens are refused by the per-request check. */
    signOutEverywhere: (personId: string) =>
      cognito.send(new AdminUserGlobalSignOutCommand({ UserPoolId, Username: personId })),
    delete: (personId: string) => cognito.send(new AdminDeleteUserCommand({ UserPoolId, Username: personId })),
    /** Invalidates the password; Cognito emails the login's verified address a code. */
    resetPassword: (personId: string) =>
      cognito.send(new AdminResetUserPasswordCommand({ UserPoolId, Username: personId })),
  };
}

export type CognitoLoginGateway = ReturnType<typeof createCognitoLoginGateway>;
