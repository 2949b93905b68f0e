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
  /**
   * A second app client beside `clientName`, for a browser app that signs in through this pool's hosted login
   * (authorization code + PKCE): the staff console. The pool then has a hosted login domain too.
   */
  readonly consoleClientName?: string;
  /**
   * The only attributes a user may write with their own access token (UpdateUserAttributes). Cognito reads an empty
   * or missing list as "every standard attribute", so "none" cannot be said: the list names one attribute that
   * neither names nor reaches the person. Email and username come from the CRM only (Portico's admin calls).
   */
  readonly clientWriteAttributes: readonly [NonIdentifyingAttribute, ...NonIdentifyingAttribute[]];
}

/** Standard attributes that do not name, identify or reach the person: what a client may ever be allowed to write. */
export type NonIdentifyingAttribute = 'locale' | 'zoneinfo';

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
    consoleClientName: 'portico-staff-console',
    // Staff accounts are managed by an administrator: a staff user changing their own email would change who signs in.
    clientWriteAttributes: ['locale'],
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
    clientWriteAttributes: ['locale'],
  },
} as const satisfies Record<'staff' | 'portal', UserPoolDeclaration>;

export type PoolKind = keyof typeof userPools;
