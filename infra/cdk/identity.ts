import { Aws, Duration, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { portalCodeEmail } from '../../shared/access/portal-code-email';
import { userPools, type PoolKind, type UserPoolDeclaration } from '../../shared/security/user-pools';
import type { Branding } from '../../shared/branding/branding';
import type { PorticoEmail } from './email';
import { HostedLoginBranding } from './login-branding';

export interface PorticoIdentityProps {
  readonly portalCallbackUrls: readonly string[];
  readonly portalLogoutUrls: readonly string[];
  /** The staff console's sign-in callback and sign-out URLs (its own origin). */
  readonly staffConsoleUrls: readonly string[];
  /** Hosted login domain prefix; undefined derives one from the stack id (see DeploymentConfig). */
  readonly domainPrefix: string | undefined;
  /** The portal pool's codes go through Portico's SES identity and configuration set, naming the organization. */
  readonly portalEmail: {
    readonly email: PorticoEmail;
    readonly senderEmail: string;
    readonly senderDomain: string | undefined;
    readonly organizationName: string;
  };
  /** The accent colour the portal's hosted login wears (infra/cdk/login-branding.ts). */
  readonly branding?: Branding;
}

export interface PoolResources {
  readonly pool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;
  /** Present for pools that declare `hostedLogin` or a `consoleClientName`. */
  readonly loginDomain: cognito.UserPoolDomain | undefined;
  /** The browser app client of a pool that declares `consoleClientName` (the staff console). */
  readonly consoleClient: cognito.UserPoolClient | undefined;
}

/** One user pool, one app client and, where declared, one hosted login domain per entry of `userPools`. */
export class PorticoIdentity extends Construct {
  readonly pools: Record<PoolKind, PoolResources>;

  constructor(scope: Construct, id: string, props: PorticoIdentityProps) {
    super(scope, id);
    const kinds = Object.keys(userPools) as PoolKind[];
    this.pools = Object.fromEntries(
      kinds.map((kind) => [kind, this.createPool(kind, userPools[kind], props)]),
    ) as Record<PoolKind, PoolResources>;
  }

  private createPool(kind: PoolKind, declaration: UserPoolDeclaration, props: PorticoIdentityProps): PoolResources {
    const label = kind.charAt(0).toUpperCase() + kind.slice(1);
    const pool = new cognito.UserPool(this, `${label}UserPool`, {
      userPoolName: `${declaration.poolName}-${Stack.of(this).stackName.toLowerCase()}`,
      // Staff are provisioned by an administrator and portal users are invited from the CRM: nobody signs up.
      selfSignUpEnabled: false,
      signInAliases: {
        username: true,
        email: declaration.signInAliases.includes('email'),
        preferredUsername: declaration.signInAliases.includes('preferred_username'),
      },
      // AWS's recommendation for new pools: "Ann@Example.com" and "ann@example.com" are the same person.
      // Like the aliases, this cannot be changed once the pool exists.
      signInCaseSensitive: false,
      passwordPolicy: {
        minLength: declaration.passwordMinLength,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(declaration.temporaryPasswordValidityDays),
      },
      // TOTP only: SMS codes can be intercepted (SIM swap) and would need an SNS role and spend limits.
      mfa: declaration.mfa === 'optional-totp' ? cognito.Mfa.OPTIONAL : cognito.Mfa.OFF,
      mfaSecondFactor: { sms: false, otp: declaration.mfa === 'optional-totp', email: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      // Named here so it cannot drift. Threat protection (compromised credentials, adaptive authentication) needs
      // the Plus plan, billed per monthly active user without the free tier Essentials has: see `threatProtection`.
      featurePlan: threatProtection[kind] ? cognito.FeaturePlan.PLUS : cognito.FeaturePlan.ESSENTIALS,
      standardThreatProtectionMode: threatProtection[kind]
        ? cognito.StandardThreatProtectionMode.FULL_FUNCTION
        : cognito.StandardThreatProtectionMode.NO_ENFORCEMENT,
      // The pools hold every account: keep them if the stack goes and refuse a stray DeleteUserPool.
      removalPolicy: RemovalPolicy.RETAIN,
      deletionProtection: true,
      ...(kind === 'portal' ? this.portalEmailSettings(props.portalEmail) : {}),
    });
    // The identity must exist before the pool names it as its sender (the ARN alone is no dependency).
    if (kind === 'portal') pool.node.addDependency(props.portalEmail.email.identity);
    // Pinned like the table: a changed logical id would create a new, empty pool and strand every user.
    (pool.node.defaultChild as cognito.CfnUserPool).overrideLogicalId(`${label}UserPool`);
    if (threatProtection[kind]) this.addRiskConfiguration(pool);

    const client = pool.addClient('Client', {
      userPoolClientName: declaration.clientName,
      // Both clients run where a secret cannot be kept (browser, developer machine).
      generateSecret: false,
      accessTokenValidity: Duration.minutes(declaration.accessTokenValidityMinutes),
      idTokenValidity: Duration.minutes(declaration.idTokenValidityMinutes),
      refreshTokenValidity: Duration.days(declaration.refreshTokenValidityDays),
      // "Incorrect username or password" for unknown users too, so sign-in cannot enumerate accounts.
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      // Left unset, Cognito would let a user rewrite every standard attribute (email, preferred_username…) with
      // their own access token, behind the CRM's back.
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes(
        Object.fromEntries(declaration.clientWriteAttributes.map((name) => [standardAttributeKeys[name], true])),
      ),
      ...(declaration.hostedLogin
        ? this.hostedLoginClient(props.portalCallbackUrls, props.portalLogoutUrls)
        : apiSignInClient),
    });
    // The staff console signs in through the hosted login with a client of its own; the API client stays as it is.
    const consoleClient = declaration.consoleClientName
      ? pool.addClient('ConsoleClient', {
          userPoolClientName: declaration.consoleClientName,
          generateSecret: false,
          accessTokenValidity: Duration.minutes(declaration.accessTokenValidityMinutes),
          idTokenValidity: Duration.minutes(declaration.idTokenValidityMinutes),
          refreshTokenValidity: Duration.days(declaration.refreshTokenValidityDays),
          preventUserExistenceErrors: true,
          enableTokenRevocation: true,
          writeAttributes: new cognito.ClientAttributes().withStandardAttributes(
            Object.fromEntries(declaration.clientWriteAttributes.map((name) => [standardAttributeKeys[name], true])),
          ),
          ...this.hostedLoginClient(props.staffConsoleUrls, props.staffConsoleUrls),
        })
      : undefined;

    const loginDomain =
      declaration.hostedLogin || consoleClient
        ? pool.addDomain('LoginDomain', {
            cognitoDomain: { domainPrefix: this.domainPrefix(kind, props.domainPrefix) },
            // The classic hosted UI works without a branding resource; the newer managed login needs one per
            // client (CfnManagedLoginBranding), which belongs with the portal's visual design.
            managedLoginVersion: cognito.ManagedLoginVersion.CLASSIC_HOSTED_UI,
          })
        : undefined;
    if (kind === 'portal' && loginDomain && props.branding)
      new HostedLoginBranding(this, 'PortalLoginBranding', {
        pool,
        client,
        domain: loginDomain,
        branding: props.branding,
      });

    return { pool, client, loginDomain, consoleClient };
  }

  /**
   * Codes (forgot password, an administrator's reset) through SES instead of Cognito's own sender (50 emails a day per
   * account, from a Cognito address): Portico's identity and configuration set, so bounces and complaints land where
   * the invitations' do. Cognito sends through its service-linked role (AWSServiceRoleForAmazonCognitoIdpEmailService,
   * created on first use), so the identity needs no sending authorization policy.
   */
  private portalEmailSettings(settings: PorticoIdentityProps['portalEmail']): Partial<cognito.UserPoolProps> {
    const message = portalCodeEmail(settings.organizationName);
    return {
      email: cognito.UserPoolEmail.withSES({
        fromEmail: settings.senderEmail,
        fromName: settings.organizationName,
        sesVerifiedDomain: settings.senderDomain,
        configurationSetName: settings.email.configurationSet.configurationSetName,
        // The identity lives in this stack's region, which an environment-agnostic stack knows only at deploy.
        sesRegion: Stack.of(this).region,
      }),
      userVerification: {
        emailStyle: cognito.VerificationEmailStyle.CODE,
        emailSubject: message.subject,
        emailBody: message.body,
      },
    };
  }

  /**
   * What full-function threat protection does, stated rather than left to the service's defaults. Users never get
   * risk notifications (that needs an SES sender configuration of its own); the CloudWatch metrics show every event.
   */
  private addRiskConfiguration(pool: cognito.UserPool): void {
    const action = (eventAction: 'BLOCK' | 'MFA_IF_CONFIGURED' | 'MFA_REQUIRED' | 'NO_ACTION') => ({
      eventAction,
      notify: false,
    });
    new cognito.CfnUserPoolRiskConfigurationAttachment(this, `${pool.node.id}RiskConfiguration`, {
      userPoolId: pool.userPoolId,
      clientId: 'ALL',
      // A password known from public breaches can neither sign in nor be set: the user must choose another
      // (forgot-password, or an administrator's AdminSetUserPassword).
      compromisedCredentialsRiskConfiguration: { actions: { eventAction: 'BLOCK' } },
      accountTakeoverRiskConfiguration: {
        actions: {
          // High risk: a second factor or nothing (a user without TOTP is refused); medium: TOTP where enrolled.
          highAction: action('MFA_REQUIRED'),
          mediumAction: action('MFA_IF_CONFIGURED'),
          lowAction: action('NO_ACTION'),
        },
      },
    });
  }

  /**
   * Browser client (the portal app, the staff console): authorization code grant through the hosted login. The
   * staff pool's TOTP MFA (optional) is asked for on this login too, for those who set it up.
   */
  private hostedLoginClient(
    callbackUrls: readonly string[],
    logoutUrls: readonly string[],
  ): Partial<cognito.UserPoolClientOptions> {
    return {
      // Cognito defaults to SRP + custom + refresh-token flows when none is named. The hosted login needs no
      // API flow; naming SRP alone keeps CUSTOM_AUTH off, and REFRESH_TOKEN_AUTH must be off for rotation.
      authFlows: { userSrp: true },
      oAuth: {
        // Code grant only: the implicit grant puts tokens in the URL. The client has no secret, so the web
        // app must send a PKCE code_challenge (Cognito supports PKCE on every code request but has no
        // setting to demand it; the portal app is responsible for always sending one).
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: [...callbackUrls],
        logoutUrls: [...logoutUrls],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      // A browser cannot protect a long-lived refresh token, so each use replaces it (OAuth 2.0 security
      // best practice for public clients); the grace period covers a retry after a lost response.
      refreshTokenRotationGracePeriod: Duration.seconds(10),
    };
  }

  /**
   * Hosted login prefixes are global per region. A configured one is used as is (other hosted pools get a
   * `-<kind>` suffix); otherwise `portico-<first block of the stack's GUID>`, resolved at deploy time, which
   * is stable for the stack's life and differs between stacks. Hex digits cannot spell a reserved word.
   */
  private domainPrefix(kind: PoolKind, configured: string | undefined): string {
    const base = configured ?? `portico-${Fn.select(0, Fn.split('-', Fn.select(2, Fn.split('/', Aws.STACK_ID))))}`;
    return kind === 'portal' ? base : `${base}-${kind}`;
  }
}

/** CDK's names for the standard attributes a client may write (shared/security/user-pools.ts). */
const standardAttributeKeys = { locale: 'locale', zoneinfo: 'timezone' } as const;

/**
 * Which pools run threat protection (Plus plan). Staff: few accounts, each able to read and change every CRM record,
 * so blocking breached passwords and risky sign-ins is worth the Plus price. Portal: every invited customer and
 * partner is a monthly active user, and Plus has no free tier; it stays on Essentials until that cost is accepted
 * (acknowledged in nag-acknowledgements.ts).
 */
export const threatProtection: Record<PoolKind, boolean> = { staff: true, portal: false };

/**
 * Client for pools without hosted login (staff): signs in through the Cognito API. SRP for applications;
 * USER_PASSWORD because the local tooling (`npm run token`, integration tests) uses that flow (cognito-local
 * has no SRP), and allowing it here lets the same tooling fetch a token from a deployed stack. The password
 * travels only over TLS to Cognito. No OAuth: nothing redirects through a browser.
 */
const apiSignInClient: Partial<cognito.UserPoolClientOptions> = {
  authFlows: { userSrp: true, userPassword: true },
  disableOAuth: true,
};
