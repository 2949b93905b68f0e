import { type AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { type DynamoDBRecord } from 'aws-lambda';
import { functions } from '../../shared/declarations/functions';
import { placeholderSenderEmail } from '../../infra/cdk/config';
import { filtersFor } from '../../infra/cdk/table-stream';
import { accessStreamInterest, planStreamWork } from '../../shared/access/stream-changes';
import { accessSortKey, recordSortKey } from '../../shared/data/keys';
import { tableDesign } from '../../shared/data/table-design';
import { modules } from '../../shared/modules/registry';
import { type Statement } from './iam-statement';
import {
  bare,
  streamFunctions,
  feedbackFunctions,
  stackUnderTest,
  MetricStat,
  Pattern,
  matches,
  isRef,
} from './synth-stack';

/** The table and its stream's consumers, email and its feedback, and the alarms of every failure destination. */

describe('PorticoStack', () => {
  const { stack, template, resources, logicalId, ofType, streamArn, functionId, queueIdOf } = stackUnderTest();

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
                logicalId(stack.functions.asyncConsumers.find((c) => c.name === fn.name)!.failures.undelivered!),
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

    it('has three alarms per stream consumer, two per asynchronously invoked function (three when SNS invokes it), two per scheduled function and one for the API, all notifying the alarm topic', () => {
      const asyncFunctions = functions.filter((fn) => fn.asyncInvocation);
      const snsInvoked = asyncFunctions.filter((fn) => fn.emailFeedback);
      const scheduledFunctions = functions.filter((fn) => fn.schedule);
      expect(alarms).toHaveLength(
        3 * streamFunctions.length + 2 * asyncFunctions.length + snsInvoked.length + 2 * scheduledFunctions.length + 1,
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
});
