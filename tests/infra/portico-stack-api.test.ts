import { Match } from 'aws-cdk-lib/assertions';
import { routeTable } from '../../shared/declarations/functions';
import { userPools, type PoolKind } from '../../shared/security/user-pools';
import { placeholderSenderEmail } from '../../infra/cdk/config';
import { Resource, config, bare, stackUnderTest } from './synth-stack';

/** The user pools and their clients, and the HTTP API with its authorizers and routes. */

describe('PorticoStack', () => {
  const { stack, template, resources, logicalId, ofType } = stackUnderTest();

  describe('identity', () => {
    const kinds = Object.keys(userPools) as PoolKind[];

    it.each(kinds)('%s pool follows its declaration', (kind) => {
      const declaration = userPools[kind];
      const { pool } = stack.identity.pools[kind];
      const resource = resources[logicalId(pool)]!;
      expect(resource.DeletionPolicy).toBe('Retain');
      expect(resource.Properties).toMatchObject({
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        AliasAttributes: [...declaration.signInAliases],
        // TOTP or nothing: never SMS.
        ...(declaration.mfa === 'optional-totp'
          ? { MfaConfiguration: 'OPTIONAL', EnabledMfas: ['SOFTWARE_TOKEN_MFA'] }
          : { MfaConfiguration: 'OFF' }),
        AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
        Policies: {
          PasswordPolicy: {
            MinimumLength: declaration.passwordMinLength,
            RequireLowercase: true,
            RequireUppercase: true,
            RequireNumbers: true,
            RequireSymbols: true,
            TemporaryPasswordValidityDays: declaration.temporaryPasswordValidityDays,
          },
        },
      });
    });

    it.each(kinds)('%s client: no secret, declared token lifetimes, no user enumeration', (kind) => {
      const declaration = userPools[kind];
      const { pool, client } = stack.identity.pools[kind];
      expect(resources[logicalId(client)]!.Properties).toMatchObject({
        UserPoolId: { Ref: logicalId(pool) },
        ClientName: declaration.clientName,
        GenerateSecret: false,
        AccessTokenValidity: declaration.accessTokenValidityMinutes,
        IdTokenValidity: declaration.idTokenValidityMinutes,
        RefreshTokenValidity: declaration.refreshTokenValidityDays * 24 * 60,
        TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'minutes' },
        PreventUserExistenceErrors: 'ENABLED',
      });
    });

    it.each(kinds)('%s client: a user may write only locale, never an attribute that names or reaches them', (kind) => {
      const props = resources[logicalId(stack.identity.pools[kind].client)]!.Properties;
      // An empty or missing list would be "every standard attribute" to Cognito.
      expect(props.WriteAttributes).toEqual(['locale']);
      expect(props.WriteAttributes).toEqual([...userPools[kind].clientWriteAttributes]);
    });

    it('portal pool sends its codes through SES: the sender identity, its configuration set, the organization named', () => {
      const { pool } = stack.identity.pools.portal;
      const resource = resources[logicalId(pool)]! as Resource & { DependsOn?: string[] };
      expect(resource.Properties.EmailConfiguration).toEqual({
        EmailSendingAccount: 'DEVELOPER',
        From: 'Acme Partners <portal@mail.example.com>',
        SourceArn: {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':ses:',
              { Ref: 'AWS::Region' },
              ':',
              { Ref: 'AWS::AccountId' },
              ':identity/mail.example.com',
            ],
          ],
        },
        ConfigurationSet: { Ref: logicalId(stack.email.configurationSet) },
      });
      // The identity exists before the pool names it.
      expect(resource.DependsOn).toContain(logicalId(stack.email.identity));
      const template = resource.Properties.VerificationMessageTemplate as Record<string, string>;
      expect(template).toMatchObject({ DefaultEmailOption: 'CONFIRM_WITH_CODE' });
      expect(template.EmailSubject).toBe('Your Acme Partners portal code');
      expect(template.EmailMessage).toContain('Your Acme Partners portal code is <strong>{####}</strong>');
      // Cognito's own sender (no EmailConfiguration) is left to the staff pool, which sends no codes to customers.
      expect(resources[logicalId(stack.identity.pools.staff.pool)]!.Properties.EmailConfiguration).toBeUndefined();
    });

    it('portal pool sends from the sender address itself when no domain is verified, naming the default organization', () => {
      const { stack: bareStack, resources: bareResources, logicalId: bareId } = bare();
      const props = bareResources[bareId(bareStack.identity.pools.portal.pool)]!.Properties;
      expect(props.EmailConfiguration).toMatchObject({
        EmailSendingAccount: 'DEVELOPER',
        From: `Portico <${placeholderSenderEmail}>`,
      });
      expect(JSON.stringify(props.EmailConfiguration)).toContain(`:identity/${placeholderSenderEmail}`);
      expect((props.VerificationMessageTemplate as Record<string, string>).EmailSubject).toBe(
        'Your Portico portal code',
      );
    });

    it('staff client signs in through the API (SRP, and password for local tooling), no OAuth', () => {
      const props = resources[logicalId(stack.identity.pools.staff.client)]!.Properties;
      expect(props.AllowedOAuthFlowsUserPoolClient).toBe(false);
      expect(props.ExplicitAuthFlows).toEqual(
        expect.arrayContaining(['ALLOW_USER_SRP_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']),
      );
    });

    it('portal client: code grant only, OIDC scopes, configured redirect URLs, rotating refresh tokens', () => {
      const props = resources[logicalId(stack.identity.pools.portal.client)]!.Properties;
      expect(props).toMatchObject({
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthFlows: ['code'],
        CallbackURLs: config.portalCallbackUrls,
        LogoutURLs: config.portalLogoutUrls,
        SupportedIdentityProviders: ['COGNITO'],
        RefreshTokenRotation: { Feature: 'ENABLED' },
      });
      expect([...(props.AllowedOAuthScopes as string[])].sort()).toEqual(['email', 'openid', 'profile']);
      expect(props.ExplicitAuthFlows).not.toContain('ALLOW_REFRESH_TOKEN_AUTH');
    });

    it('staff pool: Plus plan with full-function threat protection and stated risk actions; portal: Essentials', () => {
      const staff = resources[logicalId(stack.identity.pools.staff.pool)]!.Properties;
      expect(staff).toMatchObject({ UserPoolTier: 'PLUS', UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' } });
      const portal = resources[logicalId(stack.identity.pools.portal.pool)]!.Properties;
      expect(portal.UserPoolTier).toBe('ESSENTIALS');
      expect(portal.UserPoolAddOns).toEqual({ AdvancedSecurityMode: 'OFF' });
      const riskConfigurations = ofType('AWS::Cognito::UserPoolRiskConfigurationAttachment');
      expect(riskConfigurations).toHaveLength(1);
      expect(riskConfigurations[0]![1].Properties).toEqual({
        UserPoolId: { Ref: logicalId(stack.identity.pools.staff.pool) },
        ClientId: 'ALL',
        CompromisedCredentialsRiskConfiguration: { Actions: { EventAction: 'BLOCK' } },
        AccountTakeoverRiskConfiguration: {
          Actions: {
            HighAction: { EventAction: 'MFA_REQUIRED', Notify: false },
            MediumAction: { EventAction: 'MFA_IF_CONFIGURED', Notify: false },
            LowAction: { EventAction: 'NO_ACTION', Notify: false },
          },
        },
      });
    });

    it('each pool has one hosted login domain: the portal app and the staff console sign in there', () => {
      template.resourceCountIs('AWS::Cognito::UserPoolDomain', 2);
      for (const pool of [stack.identity.pools.portal.pool, stack.identity.pools.staff.pool])
        template.hasResourceProperties('AWS::Cognito::UserPoolDomain', { UserPoolId: { Ref: logicalId(pool) } });
    });

    it('staff console client: code grant only at the console, OIDC scopes, rotating refresh tokens, no secret', () => {
      const consoleClient = stack.identity.pools.staff.consoleClient!;
      const props = resources[logicalId(consoleClient)]!.Properties;
      expect(props).toMatchObject({
        UserPoolId: { Ref: logicalId(stack.identity.pools.staff.pool) },
        ClientName: 'portico-staff-console',
        GenerateSecret: false,
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthFlows: ['code'],
        SupportedIdentityProviders: ['COGNITO'],
        RefreshTokenRotation: { Feature: 'ENABLED' },
        EnableTokenRevocation: true,
        PreventUserExistenceErrors: 'ENABLED',
      });
      // The console's own distribution, and nothing else, is where the login may send a code or a signed-out user.
      const consoleUrl = {
        'Fn::Join': [
          '',
          ['https://', { 'Fn::GetAtt': [logicalId(stack.staffConsole.distribution), 'DomainName'] }, '/'],
        ],
      };
      expect(props.CallbackURLs).toEqual([consoleUrl]);
      expect(props.LogoutURLs).toEqual([consoleUrl]);
      expect([...(props.AllowedOAuthScopes as string[])].sort()).toEqual(['email', 'openid', 'profile']);
      expect(props.ExplicitAuthFlows).not.toContain('ALLOW_USER_PASSWORD_AUTH');
      // TOTP is available to staff (optional), and asked for on the hosted login of those who set it up.
      expect(resources[logicalId(stack.identity.pools.staff.pool)]!.Properties).toMatchObject({
        MfaConfiguration: 'OPTIONAL',
        EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      });
    });
  });

  describe('HTTP API', () => {
    const authorizers = ofType('AWS::ApiGatewayV2::Authorizer');

    it("has one JWT authorizer per user pool, trusting only that pool and its clients (the staff console's too)", () => {
      expect(authorizers).toHaveLength(2);
      for (const kind of Object.keys(userPools) as PoolKind[]) {
        const { pool, client, consoleClient } = stack.identity.pools[kind];
        const [, authorizer] = authorizers.find(([, resource]) => resource.Properties.Name === kind)!;
        const clients = [client, ...(consoleClient ? [consoleClient] : [])];
        expect(authorizer.Properties).toMatchObject({
          AuthorizerType: 'JWT',
          IdentitySource: ['$request.header.Authorization'],
          JwtConfiguration: { Audience: clients.map((each) => ({ Ref: logicalId(each) })) },
        });
        const issuer = JSON.stringify((authorizer.Properties.JwtConfiguration as { Issuer: unknown }).Issuer);
        expect(issuer).toContain('https://cognito-idp.');
        expect(issuer).toContain(JSON.stringify({ Ref: logicalId(pool) }));
      }
    });

    it('has exactly the routes of the route table', () => {
      const keys = ofType('AWS::ApiGatewayV2::Route').map(([, route]) => route.Properties.RouteKey);
      expect(keys.sort()).toEqual(
        routeTable()
          .map((route) => route.routeKey)
          .sort(),
      );
    });

    it.each(routeTable().map((route) => [route.routeKey, route] as const))(
      '%s: authorizer and function as declared',
      (routeKey, route) => {
        const [, resource] = ofType('AWS::ApiGatewayV2::Route').find(([, r]) => r.Properties.RouteKey === routeKey)!;
        if (route.auth === 'none') {
          expect(resource.Properties.AuthorizationType).toBe('NONE');
          expect(resource.Properties.AuthorizerId).toBeUndefined();
        } else {
          expect(resource.Properties.AuthorizationType).toBe('JWT');
          const [authorizerId] = authorizers.find(([, a]) => a.Properties.Name === route.auth)!;
          expect(resource.Properties.AuthorizerId).toEqual({ Ref: authorizerId });
        }
        const integrationId = JSON.stringify(resource.Properties.Target).match(/"Ref":"([^"]+)"/)![1]!;
        const integration = resources[integrationId]!;
        const functionId = logicalId(stack.functions.byName.get(route.functionName)!);
        expect(integration.Properties).toMatchObject({
          IntegrationType: 'AWS_PROXY',
          IntegrationUri: { 'Fn::GetAtt': [functionId, 'Arn'] },
          PayloadFormatVersion: '2.0',
        });
      },
    );

    it('throttles and access-logs the default stage', () => {
      const stages = ofType('AWS::ApiGatewayV2::Stage');
      expect(stages).toHaveLength(1);
      const [, stage] = stages[0]!;
      expect(stage.Properties).toMatchObject({
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 },
      });
      const accessLog = stage.Properties.AccessLogSettings as { Format: string; DestinationArn: unknown };
      const format = JSON.parse(accessLog.Format) as Record<string, string>;
      expect(format).toMatchObject({
        requestId: '$context.requestId',
        routeKey: '$context.routeKey',
        status: '$context.status',
        integrationError: expect.stringContaining('$context.integration'),
      });
      const logGroupId = (accessLog.DestinationArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      expect(resources[logGroupId]?.Type).toBe('AWS::Logs::LogGroup');
    });

    it('allows exactly the configured CORS origins', () => {
      template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
        CorsConfiguration: {
          AllowOrigins: config.allowedOrigins,
          AllowCredentials: false,
          AllowHeaders: Match.arrayWith(['authorization', 'content-type', 'if-match']),
          ExposeHeaders: Match.arrayWith(['etag', 'location', 'x-correlation-id']),
        },
      });
    });

    it('has no CORS configuration when no origin is configured', () => {
      bare().template.hasResourceProperties('AWS::ApiGatewayV2::Api', { CorsConfiguration: Match.absent() });
    });
  });
});
