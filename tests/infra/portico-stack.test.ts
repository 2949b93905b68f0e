import { App, type CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { functions, routeTable } from '../../infra/functions';
import { outputNames } from '../../infra/outputs';
import { userPools, type PoolKind } from '../../infra/user-pools';
import { ConfigError, localPortalUrl, parseDeploymentConfig, type DeploymentConfig } from '../../infra/cdk/config';
import { serviceName } from '../../infra/cdk/lambda-functions';
import { PorticoStack } from '../../infra/cdk/portico-stack';
import { tableAccessGrants, tableGrantsFor } from '../../infra/cdk/table-permissions';
import { tableDesign } from '../../shared/data/table-design';

type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };

const context = (values: Record<string, unknown>) => (key: string) => values[key];

function synth(config: DeploymentConfig) {
  // An empty bundling-stacks list tells NodejsFunction to skip esbuild: tests check the template, not bundles.
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new PorticoStack(app, 'Portico', { config });
  const template = Template.fromStack(stack);
  const resources = template.toJSON().Resources as Record<string, Resource>;
  // Resolving the token (rather than getLogicalId) honours overrideLogicalId on pinned resources.
  const logicalId = (construct: IConstruct): string =>
    stack.resolve((construct.node.defaultChild as CfnElement).logicalId) as string;
  const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);
  return { stack, template, resources, logicalId, ofType };
}

const config = parseDeploymentConfig(
  context({
    allowedOrigins: ['https://portal.example.com', 'https://crm.example.com'],
    portalCallbackUrls: 'https://portal.example.com/callback',
    portalLogoutUrls: 'https://portal.example.com/',
    apiThrottle: { rateLimit: 20, burstLimit: 40 },
  }),
);

describe('PorticoStack', () => {
  const { stack, template, resources, logicalId, ofType } = synth(config);

  it('skips bundling under test (the context key is the one this CDK version reads)', () => {
    expect(stack.bundlingRequired).toBe(false);
  });

  describe('table', () => {
    it('has the designed keys, billing, protection, stream and TTL', () => {
      template.resourceCountIs('AWS::DynamoDB::Table', 1);
      template.hasResource('AWS::DynamoDB::Table', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: {
          KeySchema: [
            { AttributeName: tableDesign.partitionKey, KeyType: 'HASH' },
            { AttributeName: tableDesign.sortKey, KeyType: 'RANGE' },
          ],
          BillingMode: 'PAY_PER_REQUEST',
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          DeletionProtectionEnabled: true,
          StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
          TimeToLiveSpecification: { AttributeName: tableDesign.ttlAttribute, Enabled: true },
          SSESpecification: { SSEEnabled: true },
        },
      });
    });

    it('has exactly the designed GSIs, string keys, all attributes projected', () => {
      const [, table] = ofType('AWS::DynamoDB::Table')[0]!;
      const indexes = table.Properties.GlobalSecondaryIndexes as unknown[];
      expect(indexes).toEqual(
        tableDesign.globalSecondaryIndexes.map((index) => ({
          IndexName: index.indexName,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
      );
      const keyNames = [
        tableDesign.partitionKey,
        tableDesign.sortKey,
        ...tableDesign.globalSecondaryIndexes.flatMap((index) => [index.partitionKey, index.sortKey]),
      ];
      expect(table.Properties.AttributeDefinitions).toEqual(
        keyNames.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
      );
    });
  });

  describe('functions', () => {
    it('has one Lambda per registry entry and no others', () => {
      template.resourceCountIs('AWS::Lambda::Function', functions.length);
    });

    it.each(functions.map((fn) => [fn.name, fn] as const))('%s: runtime, sizing, environment, logs', (name, fn) => {
      const lambdaFn = stack.functions.byName.get(name);
      expect(lambdaFn).toBeDefined();
      const props = resources[logicalId(lambdaFn!)]!.Properties;
      expect(props).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        MemorySize: fn.memoryMb,
        Timeout: fn.timeoutSeconds,
        TracingConfig: { Mode: 'Active' },
        Description: fn.description,
      });
      const variables = (props.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(Object.keys(variables).sort()).toEqual(
        [...fn.environment, 'NODE_OPTIONS', 'POWERTOOLS_SERVICE_NAME'].sort(),
      );
      expect(variables.NODE_OPTIONS).toBe('--enable-source-maps');
      expect(variables.POWERTOOLS_SERVICE_NAME).toBe(serviceName);
      if (fn.environment.includes('TABLE_NAME')) {
        expect(variables.TABLE_NAME).toEqual({ Ref: logicalId(stack.data.table) });
      }
      const logGroupId = (props.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
      expect(resources[logGroupId]).toMatchObject({ Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 30 } });
    });
  });

  describe('permissions', () => {
    const statementsOfRole = (roleId: string) =>
      ofType('AWS::IAM::Policy')
        .filter(([, policy]) => (policy.Properties.Roles as unknown[]).some((role) => isRef(role, roleId)))
        .flatMap(([, policy]) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement);

    it.each(functions.map((fn) => [fn.name, fn] as const))('%s: exactly the table actions it declares', (name, fn) => {
      const role = stack.functions.byName.get(name)!.role!;
      const tableArn = { 'Fn::GetAtt': [logicalId(stack.data.table), 'Arn'] };
      const dynamoStatements = statementsOfRole(logicalId(role)).filter((statement) =>
        asList(statement.Action).some((action) => action.startsWith('dynamodb:')),
      );
      const granted = dynamoStatements.map((statement) => ({
        scope: JSON.stringify(statement.Resource) === JSON.stringify(tableArn) ? 'table' : 'indexes',
        actions: asList(statement.Action).sort(),
      }));
      expect(granted).toEqual(tableGrantsFor(fn.tableAccess));
      for (const statement of dynamoStatements) {
        if (JSON.stringify(statement.Resource) !== JSON.stringify(tableArn)) {
          expect(statement.Resource).toEqual({ 'Fn::Join': ['', [tableArn, '/index/*']] });
        }
      }
    });

    it('maps access levels to the expected actions', () => {
      expect(tableGrantsFor(['probe'])).toEqual([{ scope: 'table', actions: ['dynamodb:GetItem'] }]);
      expect(tableGrantsFor([])).toEqual([]);
      expect(tableGrantsFor(['probe', 'read'])).toEqual([
        { scope: 'table', actions: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'] },
        { scope: 'indexes', actions: ['dynamodb:Query'] },
      ]);
      const write = tableGrantsFor(['write'])[0]!;
      expect(write.scope).toBe('table');
      expect(write.actions).toEqual(
        expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem']),
      );
      expect(write.actions).not.toContain('dynamodb:Scan');
      const allActions = Object.values(tableAccessGrants).flatMap((grants) => grants.flatMap((grant) => grant.actions));
      expect(allActions.filter((action) => action.includes('*'))).toEqual([]);
      // Request paths read by key and index only (docs/data-model.md); no function may scan the table.
      expect(allActions).not.toContain('dynamodb:Scan');
    });

    it('never grants a wildcard action', () => {
      const statements = [
        ...ofType('AWS::IAM::Policy').flatMap(
          ([, policy]) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement,
        ),
        ...ofType('AWS::IAM::Role').flatMap(([, role]) =>
          ((role.Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[] | undefined) ?? []).flatMap(
            (policy) => policy.PolicyDocument.Statement,
          ),
        ),
      ];
      expect(statements.length).toBeGreaterThan(0);
      const wildcards = statements
        .flatMap((statement) => asList(statement.Action))
        .filter((action) => action.includes('*'));
      expect(wildcards).toEqual([]);
      // And nothing on the table is granted on every resource.
      const dynamoOnStar = statements.filter(
        (statement) => statement.Resource === '*' && asList(statement.Action).some((a) => a.startsWith('dynamodb:')),
      );
      expect(dynamoOnStar).toEqual([]);
    });
  });

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

    it('only the portal pool has a hosted login domain', () => {
      template.resourceCountIs('AWS::Cognito::UserPoolDomain', 1);
      template.hasResourceProperties('AWS::Cognito::UserPoolDomain', {
        UserPoolId: { Ref: logicalId(stack.identity.pools.portal.pool) },
      });
    });
  });

  describe('HTTP API', () => {
    const authorizers = ofType('AWS::ApiGatewayV2::Authorizer');

    it('has one JWT authorizer per user pool, trusting only that pool and its client', () => {
      expect(authorizers).toHaveLength(2);
      for (const kind of Object.keys(userPools) as PoolKind[]) {
        const { pool, client } = stack.identity.pools[kind];
        const [, authorizer] = authorizers.find(([, resource]) => resource.Properties.Name === kind)!;
        expect(authorizer.Properties).toMatchObject({
          AuthorizerType: 'JWT',
          IdentitySource: ['$request.header.Authorization'],
          JwtConfiguration: { Audience: [{ Ref: logicalId(client) }] },
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
      const { template: bare } = synth(parseDeploymentConfig(context({})));
      bare.hasResourceProperties('AWS::ApiGatewayV2::Api', { CorsConfiguration: Match.absent() });
    });
  });

  it('has exactly the shared output names', () => {
    expect(Object.keys(template.toJSON().Outputs as object).sort()).toEqual([...outputNames].sort());
    template.hasOutput('TableName', { Value: { Ref: logicalId(stack.data.table) } });
    template.hasOutput('PortalLoginUrl', {
      Value: { 'Fn::Join': ['', Match.arrayWith(['https://', '.amazoncognito.com'])] },
    });
  });

  it('reports development-only defaults as synth warnings', () => {
    const { stack: defaulted } = synth(parseDeploymentConfig(context({})));
    const warnings = defaulted.node.metadata.filter((entry) => entry.type === 'aws:cdk:warning');
    expect(warnings.map((entry) => String(entry.data))).toEqual([
      expect.stringContaining('portalCallbackUrls'),
      expect.stringContaining('portalLogoutUrls'),
    ]);
  });
});

describe('parseDeploymentConfig', () => {
  const errorOf = (values: Record<string, unknown>) => {
    try {
      parseDeploymentConfig(context(values));
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    throw new Error('expected a ConfigError');
  };

  it('defaults to no CORS, UTC, 50/100 throttling and a derived domain prefix', () => {
    const parsed = parseDeploymentConfig(context({}));
    expect(parsed).toMatchObject({
      allowedOrigins: [],
      portalCallbackUrls: [localPortalUrl],
      portalLogoutUrls: [localPortalUrl],
      timeZone: 'UTC',
      apiThrottle: { rateLimit: 50, burstLimit: 100 },
      domainPrefix: undefined,
    });
    expect(parsed.warnings).toHaveLength(2);
  });

  it('accepts lists as arrays, JSON text (cdk -c) or comma-separated text', () => {
    expect(parseDeploymentConfig(context({ allowedOrigins: '["https://a.example.com"]' })).allowedOrigins).toEqual([
      'https://a.example.com',
    ]);
    expect(
      parseDeploymentConfig(context({ allowedOrigins: 'https://a.example.com, https://b.example.com:8443' }))
        .allowedOrigins,
    ).toEqual(['https://a.example.com', 'https://b.example.com:8443']);
    expect(parseDeploymentConfig(context({ apiThrottle: '{"rateLimit":5,"burstLimit":10}' })).apiThrottle).toEqual({
      rateLimit: 5,
      burstLimit: 10,
    });
    expect(parseDeploymentConfig(context({ timeZone: 'Europe/Berlin', domainPrefix: 'acme-portal' }))).toMatchObject({
      timeZone: 'Europe/Berlin',
      domainPrefix: 'acme-portal',
    });
  });

  it('rejects an unknown time zone, naming it', () => {
    expect(errorOf({ timeZone: 'Mars/Olympus_Mons' })).toMatch(
      /timeZone "Mars\/Olympus_Mons" is not an IANA time zone/,
    );
  });

  it('rejects a non-https origin and an origin with a path', () => {
    expect(errorOf({ allowedOrigins: ['http://portal.example.com'] })).toMatch(
      /allowedOrigins entry "http:\/\/portal.example.com" must be an https origin/,
    );
    expect(errorOf({ allowedOrigins: ['https://portal.example.com/'] })).toMatch(/use "https:\/\/portal.example.com"/);
    expect(errorOf({ allowedOrigins: 42 })).toMatch(/allowedOrigins must be a list/);
  });

  it('rejects redirect URLs Cognito would refuse', () => {
    expect(errorOf({ portalCallbackUrls: ['http://portal.example.com/callback'] })).toMatch(
      /portalCallbackUrls entry .* must use https/,
    );
    expect(errorOf({ portalLogoutUrls: ['https://portal.example.com/#bye'] })).toMatch(/must not contain a #fragment/);
    expect(errorOf({ portalCallbackUrls: [] })).toMatch(/portalCallbackUrls must list at least one URL/);
    // A malformed value is reported once, as malformed, not also as empty.
    expect(errorOf({ portalCallbackUrls: 5 }).match(/^ {2}- /gm)).toHaveLength(1);
    expect(
      parseDeploymentConfig(context({ portalCallbackUrls: ['http://localhost:3000/cb'] })).portalCallbackUrls,
    ).toEqual(['http://localhost:3000/cb']);
  });

  it('rejects bad throttling and domain prefixes', () => {
    expect(errorOf({ apiThrottle: { rateLimit: -1, burstLimit: 1.5 } })).toMatch(
      /apiThrottle.rateLimit must be a positive number[\s\S]*apiThrottle.burstLimit must be a positive whole number/,
    );
    expect(errorOf({ apiThrottle: { rate: 5 } })).toMatch(/unknown keys: rate/);
    expect(errorOf({ domainPrefix: 'Portico_Login' })).toMatch(/domainPrefix "Portico_Login" must be 1-63 characters/);
    expect(errorOf({ domainPrefix: 'my-aws-login' })).toMatch(/must not contain "aws"/);
  });

  it('reports every problem at once', () => {
    const message = errorOf({ timeZone: 'Nowhere', allowedOrigins: ['ftp://x'], domainPrefix: '-x' });
    expect(message.match(/^ {2}- /gm)).toHaveLength(3);
  });
});

interface Statement {
  Action: string | string[];
  Resource: unknown;
}

function asList(value: string | string[]): string[] {
  return Array.isArray(value) ? value : [value];
}

function isRef(value: unknown, logicalId: string): boolean {
  return typeof value === 'object' && value !== null && (value as { Ref?: string }).Ref === logicalId;
}
