import { defaultPortalTicketsPerDay } from '../../shared/tickets/ticket-limits';
import { defaultDealProtectionDays } from '../../shared/deals/deal-limits';
import { type Construct } from 'constructs';
import * as v from 'valibot';
import { type CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { functions, accessMaxFailures } from '../../shared/declarations/functions';
import { outputNames } from '../../infra/outputs';
import { serviceName } from '../../infra/cdk/lambda-functions';
import { tableAccessGrants, tableGrantsFor } from '../../infra/cdk/table-permissions';
import { provisionerEnvironment } from '../../shared/access/provisioner-environment';
import { notificationEnvironment } from '../../shared/notifications/notification-config';
import { tableDesign } from '../../shared/data/table-design';
import { type Statement } from './iam-statement';
import {
  Resource,
  config,
  bare,
  streamFunctions,
  feedbackFunctions,
  stackUnderTest,
  asList,
  isRef,
} from './synth-stack';

/** The stack as a whole (what the tests rely on, its outputs and warnings), its functions and the permissions each is granted, no more. */

describe('PorticoStack', () => {
  const {
    stack,
    template,
    resources,
    logicalId,
    ofType,
    tableArn,
    streamArn,
    portalPoolArn,
    functionId,
    queueIdOf,
    scheduleQueueIdOf,
  } = stackUnderTest();

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

  describe('functions', () => {
    it('has one Lambda per registry entry and, besides, only the CDK functions that deploy the portal web app and set bucket notifications', () => {
      const others = ofType('AWS::Lambda::Function').filter(
        ([id]) => ![...stack.functions.byName.values()].some((fn) => logicalId(fn) === id),
      );
      expect(stack.functions.byName.size).toBe(functions.length);
      // And CDK's handler that puts the files bucket's event notifications.
      expect(others.map(([id]) => id).sort()).toEqual([
        expect.stringMatching(/^BucketNotificationsHandler/),
        expect.stringMatching(/^CustomCDKBucketDeployment/),
      ]);
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
      // No NODE_OPTIONS: `--enable-source-maps` would parse the map at every cold start; the bundle maps its stacks
      // when one is formatted (shared/observability/stacks-on-demand.ts).
      expect(Object.keys(variables).sort()).toEqual([...fn.environment, 'POWERTOOLS_SERVICE_NAME'].sort());
      expect(variables.POWERTOOLS_SERVICE_NAME).toBe(serviceName);
      const expected: Record<string, unknown> = {
        TABLE_NAME: { Ref: logicalId(stack.data.table) },
        PORTAL_USER_POOL_ID: { Ref: logicalId(stack.identity.pools.portal.pool) },
        SENDER_EMAIL: 'portal@mail.example.com',
        PORTAL_SIGN_IN_URL: 'https://portal.example.com/sign-in',
        SES_CONFIGURATION_SET: { Ref: logicalId(stack.email.configurationSet) },
        COGNITO_CREATE_RATE: '25',
        COGNITO_UPDATE_RATE: '20',
        SES_SEND_RATE: '10',
        ACCESS_MAX_FAILURES: String(streamFunctions[0]!.tableStream.maxRetryAttempts),
        TIME_ZONE: config.timeZone,
        STAFF_USER_POOL_ID: { Ref: logicalId(stack.identity.pools.staff.pool) },
        ORIGIN_VERIFY_SECRET_ID: { Ref: logicalId(stack.originSecret.secret) },
        BRANDING: JSON.stringify(config.branding),
        SUPPORT_REMINDER_DAYS: '7',
        FILES_BUCKET_NAME: { Ref: logicalId(stack.files.bucket) },
        // Not a context setting (yet): the construct's default.
        PORTAL_TICKETS_PER_DAY: String(defaultPortalTicketsPerDay),
        DEAL_PROTECTION_DAYS: String(defaultDealProtectionDays),
      };
      for (const name of fn.environment) expect([name, variables[name]]).toEqual([name, expected[name]]);
      const logGroupId = (props.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
      expect(resources[logGroupId]).toMatchObject({ Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 30 } });
    });

    it('gives the functions that send email literal settings their cold-start check accepts', () => {
      // Each reads its environment through its own schema: provisioning's, or the notification function's.
      const schemaOf = (name: string) =>
        name === 'portal-notifications' ? notificationEnvironment : provisionerEnvironment;
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
          const issues = v.safeParse(schemaOf(fn.name), env).issues ?? [];
          // Where and what, as a failure would show them: valibot's path items carry the key.
          expect(
            issues.map((issue) => ({ path: issue.path?.map((item) => item.key), message: issue.message })),
          ).toEqual([]);
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
});
