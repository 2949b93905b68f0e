/**
 * The two Cognito user pools, declared once for the CDK stack and the local bootstrap.
 */
export interface UserPoolDeclaration {
  /** Pool name (suffixed per stack in the cloud). */
  readonly poolName: string;
  readonly clientName: string;
  /** Attributes a person may sign in with besides the Cognito username. */
  readonly signInAliases: readonly ('email' | 'preferred_username')[];
  readonly passwordMinLength: number;
  readonly temporaryPasswordValidityDays: number;
  readonly accessTokenValidityMinutes: number;
  readonly idTokenValidityMinutes: number;
  readonly refreshTokenValidityDays: number;
  readonly mfa: 'off' | 'optional-totp';
  /** Authorization code + PKCE through the hosted login. */
  readonly hostedLogin: boolean;
}

export const userPools = {
  staff: {
    poolName: 'portico-staff',
    clientName: 'portico-staff-app',
    signInAliases: ['email'],
    passwordMinLength: 12,
    temporaryPasswordValidityDays: 3,
    accessTokenValidityMinutes: 60,
    idTokenValidityMinutes: 60,
    refreshTokenValidityDays: 1,
    mfa: 'optional-totp',
    hostedLogin: false,
  },
  portal: {
    poolName: 'portico-portal',
    clientName: 'portico-portal-web',
    signInAliases: ['email', 'preferred_username'],
    passwordMinLength: 12,
    temporaryPasswordValidityDays: 7,
    accessTokenValidityMinutes: 15,
    idTokenValidityMinutes: 15,
    refreshTokenValidityDays: 30,
    mfa: 'optional-totp',
    hostedLogin: true,
  },
} as const satisfies Record<'staff' | 'portal', UserPoolDeclaration>;

export type PoolKind = keyof typeof userPools;
