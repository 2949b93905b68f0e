import type { Construct } from 'constructs';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { App, type CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { functions, routeTable, type FunctionDeclaration } from '../../shared/declarations/functions';
import { outputNames } from '../../infra/outputs';
import { userPools, type PoolKind } from '../../shared/security/user-pools';
import {
  ConfigError,
  parseDeploymentConfig,
  placeholderSenderEmail,
  type DeploymentConfig,
} from '../../infra/cdk/config';
import { serviceName } from '../../infra/cdk/lambda-functions';
import { accessMaxFailures } from '../../shared/declarations/functions';
import { PorticoStack } from '../../infra/cdk/portico-stack';
import { filtersFor } from '../../infra/cdk/table-stream';
import { accessStreamInterest } from '../../shared/access/stream-changes';
import { tableAccessGrants, tableGrantsFor } from '../../infra/cdk/table-permissions';
import { accessSortKey } from '../../shared/data/keys';
import { provisionerEnvironment } from '../../shared/access/provisioner-config';
import { defaultCreateRate } from '../../shared/config/provisioning-defaults';
import { planStreamWork } from '../../shared/access/stream-changes';
import { tableDesign } from '../../shared/data/table-design';
import { modules } from '../../shared/modules/registry';
import { recordSortKey } from '../../shared/data/keys';
import type { Statement } from './iam-statement';

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
    senderEmail: 'portal@mail.example.com',
    senderDomain: 'mail.example.com',
    portalSignInUrl: 'https://portal.example.com/sign-in',
    // As `-c cognitoCreateRate=25` passes it.
    cognitoCreateRate: '25',
    alarmEmail: 'ops@example.com',
    organizationName: 'Acme Partners',
    supportReminderDays: '7',
  }),
);

/** The stack with no context at all (every default), synthesized once for the tests that need it. */
let bareStack: ReturnType<typeof synth> | undefined;
const bare = () => (bareStack ??= synth(parseDeploymentConfig(context({}))));

/** Functions that declare a table stream subscription. */
const streamFunctions = functions.filter(
  (fn): fn is FunctionDeclaration & { tableStream: NonNullable<FunctionDeclaration['tableStream']> } =>
    fn.tableStream !== undefined,
);
const feedbackFunctions = functions.filter((fn) => fn.emailFeedback);

describe('PorticoStack', () => {
  const { stack, template, resources, logicalId, ofType } = synth(config);
  const tableArn = { 'Fn::GetAtt': ['Table', 'Arn'] };
  const streamArn = { 'Fn::GetAtt': ['Table', 'StreamArn'] };
  const portalPoolArn = { 'Fn::GetAtt': [logicalId(stack.identity.pools.portal.pool), 'Arn'] };
  const functionId = (name: string) => logicalId(stack.functions.byName.get(name)!);
  const queueIdOf = (name: string) =>
    logicalId(stack.functions.streamConsumers.find((consumer) => consumer.name === name)!.deadLetterQueue);
  const scheduleQueueIdOf = (name: string) =>
    logicalId(stack.functions.scheduled.find((run) => run.name === name)!.failureQueue as never);

  it('skips bundling under test (the context key is the one this CDK version reads)', () => {
    expect(stack.bundlingRequired).toBe(false);
  });

  it('tests a registry that has a stream consumer, an email sender and a feedback receiver', () => {
    // Guards the per-declaration tests below against passing by iterating over nothing.
    expect(streamFunctions.length).toBeGreaterThan(0);
    expect(feedbackFunctions.length).toBeGreaterThan(0);
    expect(functions.some((fn) => fn.sendsEmail)).toBe(true);
    expect(functions.some((fn) => fn.portalPoolActions?.length)).toBe(true);
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
    it('has one Lambda per registry entry and, besides, only the CDK function that deploys the portal web app', () => {
      const others = ofType('AWS::Lambda::Function').filter(
        ([id]) => ![...stack.functions.byName.values()].some((fn) => logicalId(fn) === id),
      );
      expect(stack.functions.byName.size).toBe(functions.length);
      expect(others.map(([id]) => id)).toEqual([expect.stringMatching(/^CustomCDKBucketDeployment/)]);
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
      const expected: Record<string, unknown> = {
        TABLE_NAME: { Ref: logicalId(stack.data.table) },
        PORTAL_USER_POOL_ID: { Ref: logicalId(stack.identity.pools.portal.pool) },
        SENDER_EMAIL: 'portal@mail.example.com',
        PORTAL_SIGN_IN_URL: 'https://portal.example.com/sign-in',
        SES_CONFIGURATION_SET: { Ref: logicalId(stack.email.configurationSet) },
        COGNITO_CREATE_RATE: '25',
        ACCESS_MAX_FAILURES: String(streamFunctions[0]!.tableStream.maxRetryAttempts),
        TIME_ZONE: config.timeZone,
        STAFF_USER_POOL_ID: { Ref: logicalId(stack.identity.pools.staff.pool) },
        ORIGIN_VERIFY_SECRET_ID: { Ref: logicalId(stack.originSecret.secret) },
        SUPPORT_REMINDER_DAYS: '7',
      };
      for (const name of fn.environment) expect([name, variables[name]]).toEqual([name, expected[name]]);
      const logGroupId = (props.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
      expect(resources[logGroupId]).toMatchObject({ Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 30 } });
    });

    it('gives the provisioning functions literal settings their cold-start check accepts', () => {
      for (const { stack: synthesized } of [{ stack }, bare()]) {
        const template = Template.fromStack(synthesized).toJSON() as { Resources: Record<string, Resource> };
        for (const fn of functions.filter((declaration) => declaration.environment.includes('SENDER_EMAIL'))) {
          const id = synthesized.resolve(
            (synthesized.functions.byName.get(fn.name)!.node.defaultChild as CfnElement).logicalId,
          ) as string;
          const variables = (template.Resources[id]!.Properties.Environment as { Variables: Record<string, unknown> })
            .Variables;
          // Tokens (table name, pool id, set name, the web app's domain) resolve at deploy time; stand-ins take
          // their place here, inside the text a Fn::Join builds.
          const standIn = (value: unknown): string => {
            if (typeof value === 'string') return value;
            const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
            return join ? join[1].map(standIn).join(join[0]) : 'resolved';
          };
          const env = Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, standIn(value)]));
          expect(provisionerEnvironment.safeParse(env).error?.issues ?? []).toEqual([]);
        }
      }
    });

    it('ACCESS_MAX_FAILURES follows the stream consumer retries, 5 without one, and refuses two that disagree', () => {
      const [controller] = streamFunctions;
      expect(accessMaxFailures()).toBe(String(controller!.tableStream.maxRetryAttempts));
      expect(accessMaxFailures(functions.filter((fn) => !fn.tableStream))).toBe('5');
      const retrying = (maxRetryAttempts: number) => ({
        ...controller!,
        tableStream: { ...controller!.tableStream!, batchSize: 10, maxRetryAttempts },
      });
      expect(accessMaxFailures([retrying(3)])).toBe('3');
      expect(accessMaxFailures([retrying(3), retrying(3)])).toBe('3');
      expect(() => accessMaxFailures([retrying(3), retrying(4)])).toThrow(/retry different numbers of times/);
      // A stream consumer that does not read the variable does not set it.
      expect(accessMaxFailures([{ ...retrying(3), environment: ['TABLE_NAME'] }])).toBe('5');
    });

    it('attaches each declared Cognito trigger to the portal pool, and none to the staff pool', () => {
      const lambdaConfig = (pool: Construct) =>
        (resources[logicalId(pool as never)]!.Properties as { LambdaConfig?: Record<string, unknown> }).LambdaConfig;
      const expected: Record<string, unknown> = {};
      for (const fn of functions) {
        for (const trigger of fn.cognitoTriggers ?? []) {
          expected[trigger] = { 'Fn::GetAtt': [logicalId(stack.functions.byName.get(fn.name) as never), 'Arn'] };
        }
      }
      expect(Object.keys(expected).sort()).toEqual(['PreAuthentication', 'PreTokenGeneration']);
      expect(lambdaConfig(stack.identity.pools.portal.pool)).toEqual(expected);
      expect(lambdaConfig(stack.identity.pools.staff.pool)).toBeUndefined();
      // And nothing is left declared but unwired.
      const unwired = stack.node
        .findAll()
        .flatMap((construct) => construct.node.metadata)
        .filter((entry) => entry.type === 'aws:cdk:warning' && String(entry.data).includes('does not wire'));
      expect(unwired).toEqual([]);
    });
  });

  describe('permissions', () => {
    const statementsOfRole = (roleId: string) =>
      ofType('AWS::IAM::Policy')
        .filter(([, policy]) => (policy.Properties.Roles as unknown[]).some((role) => isRef(role, roleId)))
        .flatMap(([, policy]) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement);

    const statementsOf = (name: string) => statementsOfRole(logicalId(stack.functions.byName.get(name)!.role!));
    const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
    // Each declared index by name, never `<table>/index/*`.
    const indexArns = tableDesign.globalSecondaryIndexes.map((index) => ({
      'Fn::Join': ['', [tableArn, `/index/${index.indexName}`]],
    }));

    it.each(functions.map((fn) => [fn.name, fn] as const))('%s: exactly the table actions it declares', (name, fn) => {
      const dynamoStatements = statementsOf(name).filter((statement) =>
        asList(statement.Action).some((action) => action.startsWith('dynamodb:')),
      );
      // Stream reading (the event source mapping's grants) is checked on its own below.
      const onTable = dynamoStatements.filter(
        (statement) => !same(statement.Resource, streamArn) && statement.Resource !== '*',
      );
      const granted = onTable.map((statement) => ({
        scope: same(statement.Resource, tableArn) ? 'table' : 'indexes',
        actions: asList(statement.Action).sort(),
      }));
      expect(granted).toEqual(tableGrantsFor(fn.tableAccess));
      for (const statement of onTable) {
        if (!same(statement.Resource, tableArn)) expect(statement.Resource).toEqual(indexArns);
      }
    });

    it.each(functions.map((fn) => [fn.name, fn] as const))('%s: reads the stream only if subscribed', (name, fn) => {
      const streamStatements = statementsOf(name).filter(
        (statement) =>
          same(statement.Resource, streamArn) ||
          (statement.Resource === '*' && asList(statement.Action).some((action) => action.startsWith('dynamodb:'))),
      );
      const actions = streamStatements.map((statement) => ({
        resource: statement.Resource,
        actions: asList(statement.Action).sort(),
      }));
      expect(actions).toEqual(
        fn.tableStream
          ? [
              { resource: '*', actions: ['dynamodb:ListStreams'] },
              {
                resource: streamArn,
                actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
              },
            ]
          : [],
      );
      // The failed-batch queue: its own, and only for a stream consumer (or, for an asynchronously invoked function,
      // its on-failure destination; tests/infra/async-invocation.test.ts).
      const sqsStatements = statementsOf(name).filter((statement) =>
        asList(statement.Action).some((action) => action.startsWith('sqs:')),
      );
      const asyncFailed = stack.functions.asyncConsumers.find((consumer) => consumer.name === name)?.failures.failed;
      expect(sqsStatements.map((statement) => statement.Resource)).toEqual(
        fn.tableStream
          ? [{ 'Fn::GetAtt': [queueIdOf(name), 'Arn'] }]
          : asyncFailed
            ? [{ 'Fn::GetAtt': [logicalId(asyncFailed), 'Arn'] }]
            : fn.schedule
              ? [{ 'Fn::GetAtt': [scheduleQueueIdOf(name), 'Arn'] }]
              : [],
      );
    });

    it.each(functions.map((fn) => [fn.name, fn] as const))(
      '%s: exactly the declared Cognito actions, on the portal pool only',
      (name, fn) => {
        const cognitoStatements = statementsOf(name).filter((statement) =>
          asList(statement.Action).some((action) => action.startsWith('cognito-idp:')),
        );
        const declared = fn.portalPoolActions ?? [];
        if (declared.length === 0) {
          expect(cognitoStatements).toEqual([]);
          return;
        }
        expect(cognitoStatements).toHaveLength(1);
        expect(cognitoStatements[0]!.Effect).toBe('Allow');
        expect(cognitoStatements[0]!.Resource).toEqual(portalPoolArn);
        expect(asList(cognitoStatements[0]!.Action).sort()).toEqual(
          declared.map((action) => `cognito-idp:${action}`).sort(),
        );
      },
    );

    it.each(functions.map((fn) => [fn.name, fn] as const))(
      '%s: ses:SendEmail on the sender identity and configuration set, if it sends email',
      (name, fn) => {
        const sesStatements = statementsOf(name).filter((statement) =>
          asList(statement.Action).some((action) => action.startsWith('ses:')),
        );
        if (!fn.sendsEmail) {
          expect(sesStatements).toEqual([]);
          return;
        }
        expect(sesStatements).toHaveLength(1);
        const [statement] = sesStatements;
        expect(asList(statement!.Action)).toEqual(['ses:SendEmail']);
        const arns = asList(statement!.Resource as string | string[]).map((arn) => JSON.stringify(arn));
        expect(arns).toHaveLength(2);
        const identity = JSON.stringify({ Ref: logicalId(stack.email.identity) });
        const configurationSet = JSON.stringify({ Ref: logicalId(stack.email.configurationSet) });
        expect(arns.find((arn) => arn.includes(':identity/'))).toContain(identity);
        expect(arns.find((arn) => arn.includes(':configuration-set/'))).toContain(configurationSet);
        for (const arn of arns) expect(arn).toContain(':ses:');
      },
    );

    it.each(functions.map((fn) => [fn.name] as const))(
      '%s: a role of its own, no managed policy, writing only to its own log group',
      (name) => {
        const lambdaFn = stack.functions.byName.get(name)!;
        const roleId = logicalId(lambdaFn.role!);
        expect(resources[roleId]!.Properties.ManagedPolicyArns).toBeUndefined();
        expect(resources[roleId]!.Properties.AssumeRolePolicyDocument).toMatchObject({
          Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } }],
        });
        // No other function shares it.
        const roleUsers = ofType('AWS::Lambda::Function').filter(([, fn]) =>
          same(fn.Properties.Role, { 'Fn::GetAtt': [roleId, 'Arn'] }),
        );
        expect(roleUsers.map(([id]) => id)).toEqual([functionId(name)]);
        const logGroupId = (resources[functionId(name)]!.Properties.LoggingConfig as { LogGroup: { Ref: string } })
          .LogGroup.Ref;
        const logStatements = statementsOf(name).filter((statement) =>
          asList(statement.Action).some((action) => action.startsWith('logs:')),
        );
        expect(logStatements).toEqual([
          {
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] },
          },
        ]);
      },
    );

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
      // And nothing on the table is granted on every resource. The one exception: dynamodb:ListStreams, which the
      // stream event source mapping needs and IAM cannot scope (the action has no resource type); it lists stream
      // ARNs, never data.
      const dynamoOnStar = statements
        .filter((statement) => statement.Resource === '*')
        .flatMap((statement) => asList(statement.Action))
        .filter((action) => action.startsWith('dynamodb:'));
      expect(new Set(dynamoOnStar)).toEqual(new Set(streamFunctions.length > 0 ? ['dynamodb:ListStreams'] : []));
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
      bare().template.hasResourceProperties('AWS::ApiGatewayV2::Api', { CorsConfiguration: Match.absent() });
    });
  });

  describe('table stream', () => {
    const mappings = ofType('AWS::Lambda::EventSourceMapping');
    const mappingOf = (name: string) =>
      mappings.find(([, mapping]) => isRef(mapping.Properties.FunctionName, functionId(name)))?.[1];

    it('has one event source mapping per stream subscription, and no other', () => {
      expect(mappings).toHaveLength(streamFunctions.length);
    });

    it.each(streamFunctions.map((fn) => [fn.name, fn] as const))(
      '%s: mapping settings from its declaration, partial batch failures, one batch per shard',
      (name, fn) => {
        expect(mappingOf(name)?.Properties).toMatchObject({
          EventSourceArn: streamArn,
          StartingPosition: 'TRIM_HORIZON',
          BatchSize: fn.tableStream.batchSize,
          MaximumRetryAttempts: fn.tableStream.maxRetryAttempts,
          FunctionResponseTypes: ['ReportBatchItemFailures'],
          BisectBatchOnFunctionError: true,
          MaximumRecordAgeInSeconds: 24 * 60 * 60,
          ParallelizationFactor: 1,
          DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueIdOf(name), 'Arn'] } } },
        });
      },
    );

    it.each(streamFunctions.map((fn) => [fn.name] as const))(
      '%s: failed batches go to an encrypted, TLS-only queue kept 14 days',
      (name) => {
        const queueId = queueIdOf(name);
        expect(resources[queueId]).toMatchObject({
          Type: 'AWS::SQS::Queue',
          Properties: { SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 60 * 60 },
        });
        const policies = ofType('AWS::SQS::QueuePolicy').filter(([, policy]) =>
          (policy.Properties.Queues as unknown[]).some((queue) => isRef(queue, queueId)),
        );
        expect(policies).toHaveLength(1);
        const statements = (policies[0]![1].Properties.PolicyDocument as { Statement: Statement[] }).Statement;
        expect(statements).toContainEqual(
          expect.objectContaining({
            Effect: 'Deny',
            Action: 'sqs:*',
            Principal: { AWS: '*' },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            Resource: { 'Fn::GetAtt': [queueId, 'Arn'] },
          }),
        );
      },
    );

    describe('portal-access-controller filter', () => {
      const people = modules.filter((module) => module.kind === 'person').map((module) => module.name);
      const watched = [...people, 'partner-organizations'];
      const patterns = () =>
        (
          mappingOf('portal-access-controller')!.Properties.FilterCriteria as { Filters: { Pattern: string }[] }
        ).Filters.map((filter) => JSON.parse(filter.Pattern) as Pattern);

      it('is the one the mapping carries', () => {
        expect(patterns()).toEqual(
          filtersFor(accessStreamInterest).map((filter) => JSON.parse(filter.pattern as string)),
        );
      });

      it('matches record items of the people modules and partner organizations: new image, or old on REMOVE', () => {
        expect(people).toEqual(expect.arrayContaining(['contacts', 'leads', 'partner-contacts']));
        const keys = { [tableDesign.sortKey]: { S: [recordSortKey] } };
        expect(patterns()).toEqual([
          {
            eventName: ['INSERT', 'MODIFY'],
            dynamodb: { Keys: keys, NewImage: { module: { S: expect.arrayContaining(watched) } } },
          },
          {
            eventName: ['REMOVE'],
            dynamodb: { Keys: keys, OldImage: { module: { S: expect.arrayContaining(watched) } } },
          },
        ]);
        for (const pattern of patterns()) {
          const image = pattern.dynamodb as { NewImage?: Pattern; OldImage?: Pattern };
          const names = ((image.NewImage ?? image.OldImage)!.module as { S: string[] }).S;
          expect([...names].sort()).toEqual([...watched].sort());
        }
      });

      // Every kind of change to every module, run through the filter and through the controller's own planning.
      const samples = modules.flatMap((module) =>
        [recordSortKey, accessSortKey].flatMap((sk) =>
          (['INSERT', 'MODIFY', 'REMOVE'] as const).map((eventName) => {
            const key = { [tableDesign.partitionKey]: `${module.idPrefix}_1`, [tableDesign.sortKey]: sk };
            const old = {
              ...key,
              module: module.name,
              email: 'a@example.com',
              portal: { enabled: true },
              partnerStatus: 'active',
            };
            const next = {
              ...key,
              module: module.name,
              email: 'b@example.com',
              portal: { enabled: false },
              partnerStatus: 'inactive',
            };
            const image = (item: object) => marshall(item) as Record<string, AttributeValue>;
            const record = {
              eventName,
              dynamodb: {
                Keys: image(key),
                SequenceNumber: '100',
                ...(eventName === 'INSERT' ? {} : { OldImage: image(old) }),
                ...(eventName === 'REMOVE' ? {} : { NewImage: image(eventName === 'INSERT' ? old : next) }),
              },
            };
            return { label: `${eventName} ${module.name} ${sk}`, record, module: module.name, sk };
          }),
        ),
      );

      it('lets through every record the controller acts on', () => {
        const acted = samples.filter(({ record }) => planStreamWork([record as DynamoDBRecord]).ignored === 0);
        // Non-vacuous: people are inserted, changed and removed, and partner organizations changed.
        expect(acted.map((sample) => sample.label)).toEqual(
          expect.arrayContaining([
            'INSERT contacts RECORD',
            'REMOVE leads RECORD',
            'MODIFY partner-organizations RECORD',
          ]),
        );
        const dropped = acted.filter(({ record }) => !patterns().some((pattern) => matches(pattern, record)));
        expect(dropped.map((sample) => sample.label)).toEqual([]);
      });

      it('drops other modules and the access items beside a record', () => {
        const passed = samples.filter(({ record }) => patterns().some((pattern) => matches(pattern, record)));
        expect(passed.length).toBeGreaterThan(0);
        for (const sample of passed) {
          expect([sample.label, sample.sk, watched.includes(sample.module)]).toEqual([
            sample.label,
            recordSortKey,
            true,
          ]);
        }
        expect(passed.map((sample) => sample.label)).not.toContain('MODIFY contacts ACCESS');
        expect(passed.map((sample) => sample.label)).not.toContain('INSERT tickets RECORD');
      });
    });
  });

  describe('email', () => {
    const feedbackTopicId = () => {
      const [destination] = ofType('AWS::SES::ConfigurationSetEventDestination');
      return (destination![1].Properties.EventDestination as { SnsDestination: { TopicARN: { Ref: string } } })
        .SnsDestination.TopicARN.Ref;
    };

    it('verifies the sender domain when one is configured, with the configuration set as its default', () => {
      template.resourceCountIs('AWS::SES::EmailIdentity', 1);
      template.resourceCountIs('AWS::SES::ConfigurationSet', 1);
      template.hasResourceProperties('AWS::SES::EmailIdentity', {
        EmailIdentity: 'mail.example.com',
        ConfigurationSetAttributes: { ConfigurationSetName: { Ref: logicalId(stack.email.configurationSet) } },
      });
    });

    it('verifies the sender address itself when no domain is configured', () => {
      bare().template.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: placeholderSenderEmail });
    });

    it('publishes bounces and complaints (only) of the configuration set to an encrypted, TLS-only topic', () => {
      const destinations = ofType('AWS::SES::ConfigurationSetEventDestination');
      expect(destinations).toHaveLength(1);
      const { ConfigurationSetName, EventDestination } = destinations[0]![1].Properties as {
        ConfigurationSetName: unknown;
        EventDestination: { Enabled: boolean; MatchingEventTypes: string[] };
      };
      expect(ConfigurationSetName).toEqual({ Ref: logicalId(stack.email.configurationSet) });
      expect(EventDestination.Enabled).toBe(true);
      expect([...EventDestination.MatchingEventTypes].sort()).toEqual(['bounce', 'complaint']);
      const topicId = feedbackTopicId();
      expectSecureTopic(topicId, 'ses.amazonaws.com');
      // SES may publish for this configuration set only.
      const allow = topicPolicyOf(topicId).find((statement) => statement.Effect === 'Allow')!;
      expect(allow).toMatchObject({ Principal: { Service: 'ses.amazonaws.com' }, Action: 'sns:Publish' });
      expect(JSON.stringify(allow.Condition)).toContain(
        JSON.stringify({ Ref: logicalId(stack.email.configurationSet) }),
      );
    });

    it('subscribes each function declaring emailFeedback, and no other, to the feedback topic', () => {
      const topicId = feedbackTopicId();
      const subscriptions = ofType('AWS::SNS::Subscription').filter(([, subscription]) =>
        isRef(subscription.Properties.TopicArn, topicId),
      );
      expect(subscriptions.map(([, subscription]) => subscription.Properties)).toEqual(
        feedbackFunctions.map((fn) => ({
          Protocol: 'lambda',
          TopicArn: { Ref: topicId },
          Endpoint: { 'Fn::GetAtt': [functionId(fn.name), 'Arn'] },
          RedrivePolicy: {
            deadLetterTargetArn: {
              'Fn::GetAtt': [
                logicalId(stack.functions.asyncConsumers.find((c) => c.name === fn.name)!.failures.undelivered),
                'Arn',
              ],
            },
          },
        })),
      );
      for (const fn of feedbackFunctions) {
        template.hasResourceProperties('AWS::Lambda::Permission', {
          Action: 'lambda:InvokeFunction',
          Principal: 'sns.amazonaws.com',
          FunctionName: { 'Fn::GetAtt': [functionId(fn.name), 'Arn'] },
          SourceArn: { Ref: topicId },
        });
      }
    });
  });

  describe('alarms', () => {
    const alarms = ofType('AWS::CloudWatch::Alarm');
    const alarmTopicId = logicalId(stack.alarms.topic);
    const alarmOn = (metricName: string, dimension: unknown) =>
      alarms.filter(
        ([, alarm]) =>
          alarm.Properties.MetricName === metricName &&
          JSON.stringify(alarm.Properties.Dimensions).includes(JSON.stringify(dimension)),
      );

    it('has three alarms per stream consumer, three per asynchronously invoked function, two per scheduled function and one for the API, all notifying the alarm topic', () => {
      const asyncFunctions = functions.filter((fn) => fn.asyncInvocation);
      const scheduledFunctions = functions.filter((fn) => fn.schedule);
      expect(alarms).toHaveLength(
        3 * streamFunctions.length + 3 * asyncFunctions.length + 2 * scheduledFunctions.length + 1,
      );
      for (const [, alarm] of alarms) {
        expect(alarm.Properties).toMatchObject({
          AlarmActions: [{ Ref: alarmTopicId }],
          ComparisonOperator: 'GreaterThanThreshold',
          TreatMissingData: 'notBreaching',
        });
      }
    });

    it.each(streamFunctions.map((fn) => [fn.name] as const))(
      '%s: any message in its failure queue, any failed invocation, more than 5 minutes behind',
      (name) => {
        const dlq = alarmOn('ApproximateNumberOfMessagesVisible', { 'Fn::GetAtt': [queueIdOf(name), 'QueueName'] });
        expect(dlq).toHaveLength(1);
        expect(dlq[0]![1].Properties).toMatchObject({ Namespace: 'AWS/SQS', Threshold: 0 });
        const errors = alarmOn('Errors', { Ref: functionId(name) });
        expect(errors).toHaveLength(1);
        expect(errors[0]![1].Properties).toMatchObject({ Namespace: 'AWS/Lambda', Statistic: 'Sum', Threshold: 0 });
        const age = alarmOn('IteratorAge', { Ref: functionId(name) });
        expect(age).toHaveLength(1);
        expect(age[0]![1].Properties).toMatchObject({
          Namespace: 'AWS/Lambda',
          Statistic: 'Maximum',
          Threshold: 5 * 60 * 1000,
        });
      },
    );

    it('alarms when more than 1% of API requests over 5 minutes are 5xx', () => {
      const apiAlarms = alarms.filter(([, alarm]) => alarm.Properties.Metrics !== undefined);
      expect(apiAlarms).toHaveLength(1);
      const { Metrics, Threshold } = apiAlarms[0]![1].Properties as {
        Metrics: { Id: string; Expression?: string; ReturnData?: boolean; MetricStat?: MetricStat }[];
        Threshold: number;
      };
      const apiId = { Ref: logicalId(stack.api.httpApi) };
      const stat = (name: string) => Metrics.find((metric) => metric.MetricStat?.Metric.MetricName === name)!;
      for (const name of ['5xx', 'Count']) {
        expect(stat(name).MetricStat).toEqual({
          Metric: { Namespace: 'AWS/ApiGateway', MetricName: name, Dimensions: [{ Name: 'ApiId', Value: apiId }] },
          Period: 300,
          Stat: 'Sum',
        });
      }
      const expression = Metrics.find((metric) => metric.Expression)!;
      expect(expression.ReturnData).not.toBe(false);
      // Evaluate the expression as CloudWatch would, for a few error counts out of 1000 requests.
      const evaluate = (errors: number, requests: number) =>
        new Function(
          stat('5xx').Id,
          stat('Count').Id,
          `const IF = (c, a, b) => (c ? a : b); return ${expression.Expression};`,
        )(errors, requests) as number;
      expect(evaluate(10, 1000) > Threshold).toBe(false);
      expect(evaluate(11, 1000) > Threshold).toBe(true);
      expect(evaluate(0, 0) > Threshold).toBe(false);
    });

    it('notifies an encrypted, TLS-only topic CloudWatch may publish to, and the configured address', () => {
      expectSecureTopic(alarmTopicId, 'cloudwatch.amazonaws.com');
      const allow = topicPolicyOf(alarmTopicId).find((statement) => statement.Effect === 'Allow')!;
      expect(allow).toMatchObject({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish' });
      expect(allow.Condition?.StringEquals).toEqual({ 'aws:SourceAccount': { Ref: 'AWS::AccountId' } });
      template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'email',
        Endpoint: 'ops@example.com',
        TopicArn: { Ref: alarmTopicId },
      });
      bare().template.resourcePropertiesCountIs('AWS::SNS::Subscription', { Protocol: 'email' }, 0);
    });
  });

  /** Statements of the topic's policy. */
  function topicPolicyOf(topicId: string): Statement[] {
    const policies = ofType('AWS::SNS::TopicPolicy').filter(([, policy]) =>
      (policy.Properties.Topics as unknown[]).some((topic) => isRef(topic, topicId)),
    );
    expect(policies).toHaveLength(1);
    return (policies[0]![1].Properties.PolicyDocument as { Statement: Statement[] }).Statement;
  }

  /** KMS-encrypted with a key `publisher` may use, and refusing publishers without TLS. */
  function expectSecureTopic(topicId: string, publisher: string): void {
    const keyArn = resources[topicId]!.Properties.KmsMasterKeyId as { 'Fn::GetAtt': [string, string] };
    expect(keyArn['Fn::GetAtt'][1]).toBe('Arn');
    const key = resources[keyArn['Fn::GetAtt'][0]]!;
    expect(key.Type).toBe('AWS::KMS::Key');
    expect(key.Properties.EnableKeyRotation).toBe(true);
    const keyStatements = (key.Properties.KeyPolicy as { Statement: Statement[] }).Statement;
    expect(keyStatements).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: publisher },
        Action: expect.arrayContaining(['kms:Decrypt', expect.stringMatching(/^kms:GenerateDataKey\*?$/)]),
      }),
    );
    expect(topicPolicyOf(topicId)).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Action: 'sns:Publish',
        Principal: '*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
  }

  it('has exactly the shared output names', () => {
    expect(Object.keys(template.toJSON().Outputs as object).sort()).toEqual([...outputNames].sort());
    template.hasOutput('TableName', { Value: { Ref: logicalId(stack.data.table) } });
    template.hasOutput('PortalLoginUrl', {
      Value: { 'Fn::Join': ['', Match.arrayWith(['https://', '.amazoncognito.com'])] },
    });
  });

  it('reports development-only defaults as synth warnings', () => {
    const warnings = bare().stack.node.metadata.filter((entry) => entry.type === 'aws:cdk:warning');
    // The portal URLs default to the stack's own web app, which is no development-only default.
    expect(warnings.map((entry) => String(entry.data))).toEqual([expect.stringContaining('senderEmail')]);
    expect(stack.node.metadata.filter((entry) => entry.type === 'aws:cdk:warning')).toEqual([]);
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

  it("defaults to no CORS, UTC, 50/100 throttling, a derived domain prefix and the stack's own web app", () => {
    const parsed = parseDeploymentConfig(context({}));
    expect(parsed).toMatchObject({
      allowedOrigins: [],
      timeZone: 'UTC',
      apiThrottle: { rateLimit: 50, burstLimit: 100 },
      domainPrefix: undefined,
      senderEmail: placeholderSenderEmail,
      senderDomain: undefined,
      cognitoCreateRate: 40,
      alarmEmail: undefined,
      organizationName: 'Portico',
      supportReminderDays: 0,
    });
    // Undefined: CloudFront's own name and certificate; the stack puts PortalWebUrl in the URLs below
    // (tests/infra/portal-web.test.ts).
    expect(parsed.portalDomain).toBeUndefined();
    expect(parsed.portalCallbackUrls).toBeUndefined();
    expect(parsed.portalLogoutUrls).toBeUndefined();
    expect(parsed.portalSignInUrl).toBeUndefined();
    expect(parsed.warnings).toEqual([
      expect.stringContaining(`senderEmail is not set; using ${placeholderSenderEmail}`),
    ]);
  });

  it('keeps the web app default for the URLs that are not configured, each on its own', () => {
    const parsed = parseDeploymentConfig(context({ portalLogoutUrls: ['https://portal.example.com/bye'] }));
    expect(parsed.portalCallbackUrls).toBeUndefined();
    expect(parsed.portalLogoutUrls).toEqual(['https://portal.example.com/bye']);
    // The invitation link follows the callback URLs only.
    expect(parsed.portalSignInUrl).toBeUndefined();
    expect(parsed.warnings).not.toContainEqual(expect.stringContaining('portal'));
  });

  describe('portal domain', () => {
    const domainName = 'portal.example.com';
    const certificateArn = 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555';

    it('reads the host name and certificate together, leaving the portal URLs to the stack', () => {
      const parsed = parseDeploymentConfig(context({ portalDomain: domainName, portalCertificateArn: certificateArn }));
      expect(parsed.portalDomain).toEqual({ domainName, certificateArn });
      expect(parsed.portalCallbackUrls).toBeUndefined();
      expect(parsed.portalLogoutUrls).toBeUndefined();
      expect(parsed.portalSignInUrl).toBeUndefined();
      expect(parsed.warnings).not.toContainEqual(expect.stringContaining('portal'));
    });

    it('refuses one without the other', () => {
      expect(errorOf({ portalDomain: domainName })).toMatch(
        /portalDomain is set but portalCertificateArn is not: .* takes both/,
      );
      expect(errorOf({ portalCertificateArn: certificateArn })).toMatch(
        /portalCertificateArn is set but portalDomain is not/,
      );
      // A malformed value counts as given: it is reported once, as malformed.
      const message = errorOf({ portalDomain: 'https://portal.example.com', portalCertificateArn: certificateArn });
      expect(message.match(/^ {2}- /gm)).toHaveLength(1);
    });

    it.each([
      'https://portal.example.com',
      'portal.example.com/',
      'portal.example.com/app',
      'portal.example.com:8443',
      'Portal.Example.com',
      'portal.example.com.',
      '*.example.com',
      'localhost',
      'portal_web.example.com',
    ])('refuses the host name %p', (host) => {
      expect(errorOf({ portalDomain: host, portalCertificateArn: certificateArn })).toMatch(
        new RegExp(`portalDomain "${host.replace(/[.*]/g, '\\$&')}" must be a lower-case host name`),
      );
    });

    it('refuses a certificate outside us-east-1, naming its region', () => {
      const frankfurt = certificateArn.replace('us-east-1', 'eu-central-1');
      expect(errorOf({ portalDomain: domainName, portalCertificateArn: frankfurt })).toMatch(
        /portalCertificateArn ".*" is in eu-central-1: CloudFront uses ACM certificates from us-east-1 only/,
      );
    });

    it.each([
      'arn:aws:acm:us-east-1:123456789012:certificate/not-a-uuid',
      'arn:aws:iam::123456789012:server-certificate/portal',
      'arn:aws:acm:us-east-1:1234:certificate/11111111-2222-3333-4444-555555555555',
      '11111111-2222-3333-4444-555555555555',
    ])('refuses %p as not an ACM certificate ARN', (arn) => {
      expect(errorOf({ portalDomain: domainName, portalCertificateArn: arn })).toMatch(
        /portalCertificateArn ".*" is not an ACM certificate ARN/,
      );
    });
  });

  it('defaults the creation rate to the provisioning code default, below the Cognito quota', () => {
    expect(parseDeploymentConfig(context({})).cognitoCreateRate).toBe(defaultCreateRate);
    expect(defaultCreateRate).toBeLessThan(50);
  });

  it('reads the sender, sign-in URL, creation rate and alarm address', () => {
    const parsed = parseDeploymentConfig(
      context({
        senderEmail: 'Portal@Mail.Example.com',
        senderDomain: 'Mail.Example.com',
        portalSignInUrl: 'https://portal.example.com/app/',
        cognitoCreateRate: 12.5,
        alarmEmail: 'ops@example.com',
        portalCallbackUrls: ['https://portal.example.com/callback'],
        portalLogoutUrls: ['https://portal.example.com/'],
      }),
    );
    expect(parsed).toMatchObject({
      senderEmail: 'Portal@Mail.Example.com',
      senderDomain: 'mail.example.com',
      portalSignInUrl: 'https://portal.example.com/app/',
      cognitoCreateRate: 12.5,
      alarmEmail: 'ops@example.com',
      warnings: [],
    });
    expect(parseDeploymentConfig(context({ cognitoCreateRate: '25' })).cognitoCreateRate).toBe(25);
  });

  it('derives the sender from the domain and the sign-in URL from the first callback URL', () => {
    const parsed = parseDeploymentConfig(
      context({
        senderDomain: 'mail.example.com',
        portalCallbackUrls: ['https://portal.example.com:8443/auth/callback', 'https://other.example.com/cb'],
        portalLogoutUrls: ['https://portal.example.com/'],
      }),
    );
    expect(parsed).toMatchObject({
      senderEmail: 'no-reply@mail.example.com',
      portalSignInUrl: 'https://portal.example.com:8443/',
      warnings: [],
    });
  });

  it('accepts a localhost sign-in URL for development, with a warning', () => {
    const parsed = parseDeploymentConfig(context({ portalSignInUrl: 'http://localhost:3000/' }));
    expect(parsed.portalSignInUrl).toBe('http://localhost:3000/');
    expect(parsed.warnings).toContainEqual(expect.stringContaining('portalSignInUrl is http://localhost:3000/'));
  });

  it('warns when the creation rate exceeds the default Cognito quota', () => {
    const parsed = parseDeploymentConfig(context({ cognitoCreateRate: 80 }));
    expect(parsed.cognitoCreateRate).toBe(80);
    expect(parsed.warnings).toContainEqual(expect.stringMatching(/cognitoCreateRate 80 is above .* quota \(50/));
  });

  it('rejects bad senders, naming them', () => {
    expect(errorOf({ senderEmail: 'portal-at-example.com' })).toMatch(
      /senderEmail "portal-at-example.com" is not an email address/,
    );
    expect(errorOf({ senderEmail: 42 })).toMatch(/senderEmail must be a non-empty string/);
    expect(errorOf({ senderDomain: 'localhost' })).toMatch(/senderDomain "localhost" must be a domain name/);
    expect(errorOf({ senderDomain: 'https://mail.example.com' })).toMatch(/senderDomain .* must be a domain name/);
    expect(errorOf({ senderDomain: 'mail.example.com', senderEmail: 'portal@example.com' })).toMatch(
      /senderEmail "portal@example.com" must be an address at senderDomain "mail.example.com"/,
    );
  });

  it('rejects a sign-in URL that is not absolute https', () => {
    expect(errorOf({ portalSignInUrl: 'portal.example.com' })).toMatch(
      /portalSignInUrl "portal.example.com" is not an absolute URL/,
    );
    expect(errorOf({ portalSignInUrl: 'http://portal.example.com/' })).toMatch(
      /portalSignInUrl "http:\/\/portal.example.com\/" must use https/,
    );
    expect(errorOf({ portalSignInUrl: 'ftp://portal.example.com/' })).toMatch(/portalSignInUrl .* must use https/);
  });

  it.each([0, -5, 0.5, 'fast', '', '1e400', true, Number.NaN])('rejects cognitoCreateRate %p', (rate) => {
    expect(errorOf({ cognitoCreateRate: rate })).toMatch(
      /cognitoCreateRate must be a number of Cognito user creations per second, at least 1/,
    );
  });

  it('rejects an alarm address that is not one', () => {
    expect(errorOf({ alarmEmail: 'ops' })).toMatch(/alarmEmail "ops" is not an email address/);
    expect(errorOf({ organizationName: 'Acme <script>' })).toMatch(/organizationName "Acme <script>" must not contain/);
    expect(errorOf({ organizationName: 'Acme\u202Egnp' })).toMatch(/must not contain control or formatting characters/);
    expect(errorOf({ organizationName: 'A'.repeat(65) })).toMatch(/must be at most 64 characters/);
    expect(errorOf({ organizationName: 42 })).toMatch(/organizationName must be a non-empty string/);
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
    const local = parseDeploymentConfig(context({ portalCallbackUrls: ['http://localhost:3000/cb'] }));
    expect(local.portalCallbackUrls).toEqual(['http://localhost:3000/cb']);
    // The invitation link derived from it points at a developer's machine: synth warns.
    expect(local.portalSignInUrl).toBe('http://localhost:3000/');
    expect(local.warnings).toContainEqual(
      expect.stringContaining('portalSignInUrl is not set; invitations link to http://localhost:3000/'),
    );
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
    const message = errorOf({
      timeZone: 'Nowhere',
      allowedOrigins: ['ftp://x'],
      domainPrefix: '-x',
      senderEmail: 'x',
      portalSignInUrl: 'x',
      cognitoCreateRate: 0,
      alarmEmail: 'x',
      portalCertificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555',
    });
    // The certificate's region, and its domain missing.
    expect(message.match(/^ {2}- /gm)).toHaveLength(9);
  });
});

interface MetricStat {
  Metric: { Namespace: string; MetricName: string; Dimensions: unknown[] };
  Period: number;
  Stat: string;
}

/** An event filter pattern, in the subset the stack uses: nested objects ending in lists of exact values. */
type Pattern = { [key: string]: Pattern | readonly (string | number | boolean)[] };

/** Lambda's event filtering for that subset: every key of the pattern must be present and equal to a listed value. */
function matches(pattern: Pattern, event: unknown): boolean {
  return Object.entries(pattern).every(([key, expected]) => {
    const value = (event as Record<string, unknown> | undefined)?.[key];
    if (Array.isArray(expected)) {
      if (!expected.every((item) => ['string', 'number', 'boolean'].includes(typeof item))) {
        throw new Error(`Pattern operator not supported by this test: ${JSON.stringify(expected)}`);
      }
      return expected.includes(value as string);
    }
    return typeof value === 'object' && value !== null && matches(expected as Pattern, value);
  });
}

function asList(value: string | string[]): string[] {
  return Array.isArray(value) ? value : [value];
}

function isRef(value: unknown, logicalId: string): boolean {
  return typeof value === 'object' && value !== null && (value as { Ref?: string }).Ref === logicalId;
}
