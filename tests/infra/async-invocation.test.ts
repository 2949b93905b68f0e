import { App, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { functions } from '../../shared/declarations/functions';
import { parseDeploymentConfig } from '../../infra/cdk/config';
import { PorticoStack } from '../../infra/cdk/portico-stack';
import type { Statement } from './iam-statement';
import { render } from './synth-stack';

/**
 * Nothing lost on the asynchronous paths (infra/cdk/async-invocation.ts): a function SNS invokes (SES feedback) has
 * an on-failure destination, its subscription a redrive policy, both queues encrypted with the stack's key, and an
 * alarm on each; the KMS key policy lets each AWS service use the key for this stack's resources only.
 */

type Resource = { Type: string; Properties: Record<string, unknown> };

const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
const stack = new PorticoStack(app, 'Portico', {
  config: parseDeploymentConfig((key) => ({ senderEmail: 'portal@example.com' })[key]),
});
const resources = (Template.fromStack(stack).toJSON() as { Resources: Record<string, Resource> }).Resources;
const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);
const logicalId = (construct: IConstruct): string =>
  stack.resolve((construct.node.defaultChild as CfnElement).logicalId) as string;
const getAtt = (construct: IConstruct, attribute = 'Arn') => ({ 'Fn::GetAtt': [logicalId(construct), attribute] });
const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

const keyId = logicalId(stack.email.topicKey);
const keyStatements = () => (resources[keyId]!.Properties.KeyPolicy as { Statement: Statement[] }).Statement;
const serviceStatement = (service: string) => {
  const found = keyStatements().filter(
    (statement) => JSON.stringify(statement.Principal) === JSON.stringify({ Service: service }),
  );
  expect(found).toHaveLength(1);
  return found[0]!;
};

/** Every statement of the role policies attached to `construct`'s role. */
function roleStatements(roleId: string): Statement[] {
  return ofType('AWS::IAM::Policy')
    .filter(([, policy]) =>
      (policy.Properties.Roles as unknown[]).some((role) => JSON.stringify(role) === JSON.stringify({ Ref: roleId })),
    )
    .flatMap(([, policy]) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

const asyncFunctions = functions.filter((fn) => fn.asyncInvocation);

describe('asynchronously invoked functions', () => {
  it('are declared where SNS invokes a function (every emailFeedback function) or S3 does (objectCreated), so the checks below are not vacuous', () => {
    expect(asyncFunctions.map((fn) => fn.name)).toEqual(['ses-feedback', 'file-uploads']);
    for (const fn of functions.filter((declaration) => declaration.filesBucket?.objectCreated))
      expect(fn.asyncInvocation).toBeDefined();
    for (const fn of functions.filter((declaration) => declaration.emailFeedback))
      expect(fn.asyncInvocation).toBeDefined();
    expect(stack.functions.asyncConsumers.map((consumer) => consumer.name)).toEqual(
      asyncFunctions.map((fn) => fn.name),
    );
  });

  describe.each(asyncFunctions.map((fn) => [fn.name, fn] as const))('%s', (name, declaration) => {
    const consumer = stack.functions.asyncConsumers.find((candidate) => candidate.name === name)!;
    const { failed } = consumer.failures;
    // SNS invokes through a subscription with a dead-letter queue of its own; S3 invokes directly, so it has none.
    const undelivered = consumer.failures.undelivered!;
    const queues = declaration.emailFeedback ? [failed, undelivered] : [failed];

    it(declaration.emailFeedback ? 'has an SNS dead-letter queue' : 'has no SNS dead-letter queue', () => {
      expect(consumer.failures.undelivered !== undefined).toBe(Boolean(declaration.emailFeedback));
    });

    it('sends an event that failed every retry to its failure queue (the on-failure destination)', () => {
      // Scheduled functions have invoke configs of their own (tests/infra/schedules.test.ts).
      const configs = ofType('AWS::Lambda::EventInvokeConfig').filter(
        ([, resource]) =>
          JSON.stringify(resource.Properties.FunctionName) === JSON.stringify({ Ref: logicalId(consumer.fn) }),
      );
      expect(configs).toHaveLength(1);
      expect(configs[0]![1].Properties).toEqual({
        FunctionName: { Ref: logicalId(consumer.fn) },
        Qualifier: '$LATEST',
        MaximumRetryAttempts: declaration.asyncInvocation!.maxRetryAttempts,
        MaximumEventAgeInSeconds: 6 * 3600,
        DestinationConfig: { OnFailure: { Destination: getAtt(failed) } },
      });
    });

    it('has an SNS subscription whose redrive policy sends what SNS cannot deliver to the other queue, if SNS invokes it', () => {
      const subscriptions = ofType('AWS::SNS::Subscription').filter(
        ([, subscription]) => JSON.stringify(subscription.Properties.Endpoint) === JSON.stringify(getAtt(consumer.fn)),
      );
      expect(subscriptions).toHaveLength(declaration.emailFeedback ? 1 : 0);
      if (!declaration.emailFeedback) return;
      expect(subscriptions[0]![1].Properties.RedrivePolicy).toEqual({ deadLetterTargetArn: getAtt(undelivered) });
      // The topic may send there; nothing else may, and nothing without TLS.
      const [policy] = ofType('AWS::SQS::QueuePolicy').filter(([, queuePolicy]) =>
        (queuePolicy.Properties.Queues as unknown[]).some(
          (queue) => JSON.stringify(queue) === JSON.stringify({ Ref: logicalId(undelivered) }),
        ),
      );
      const statements = (policy![1].Properties.PolicyDocument as { Statement: Statement[] }).Statement;
      const topicArn = subscriptions[0]![1].Properties.TopicArn;
      expect(statements).toContainEqual(
        expect.objectContaining({
          Effect: 'Allow',
          Principal: { Service: 'sns.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Condition: { ArnEquals: { 'aws:SourceArn': topicArn } },
        }),
      );
      expect(statements.filter((statement) => statement.Effect === 'Allow')).toHaveLength(1);
    });

    it.each(queues.map((queue) => [queue === failed ? 'failure queue' : 'dead-letter queue', queue] as const))(
      'keeps its %s encrypted with the stack key, TLS-only, for 14 days',
      (_, queue) => {
        expect(resources[logicalId(queue)]!.Properties).toMatchObject({
          KmsMasterKeyId: getAtt(stack.email.topicKey),
          MessageRetentionPeriod: 14 * 24 * 3600,
        });
        const [policy] = ofType('AWS::SQS::QueuePolicy').filter(([, queuePolicy]) =>
          (queuePolicy.Properties.Queues as unknown[]).some(
            (ref) => JSON.stringify(ref) === JSON.stringify({ Ref: logicalId(queue) }),
          ),
        );
        expect((policy![1].Properties.PolicyDocument as { Statement: Statement[] }).Statement).toContainEqual(
          expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        );
      },
    );

    it('may send to its failure queue and use the key through SQS, and nothing more of either', () => {
      const statements = roleStatements(logicalId(consumer.fn.role!));
      const touching = statements.filter((statement) =>
        list(statement.Action).some((action) => action.startsWith('sqs:') || action.startsWith('kms:')),
      );
      expect(touching).toEqual([
        { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: getAtt(failed) },
        {
          Effect: 'Allow',
          Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
          Resource: getAtt(stack.email.topicKey),
          Condition: {
            StringEquals: {
              'kms:ViaService': { 'Fn::Join': ['', ['sqs.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }]] },
            },
          },
        },
      ]);
    });

    it('alarms on the first message in either queue and on any failed invocation', () => {
      const alarms = ofType('AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties);
      const onQueue = (queue: IConstruct) =>
        alarms.filter(
          (alarm) =>
            alarm.MetricName === 'ApproximateNumberOfMessagesVisible' &&
            JSON.stringify(alarm.Dimensions) ===
              JSON.stringify([{ Name: 'QueueName', Value: getAtt(queue, 'QueueName') }]),
        );
      for (const queue of queues) {
        expect(onQueue(queue)).toEqual([
          expect.objectContaining({
            Namespace: 'AWS/SQS',
            Threshold: 0,
            ComparisonOperator: 'GreaterThanThreshold',
            AlarmActions: [{ Ref: logicalId(stack.alarms.topic) }],
          }),
        ]);
      }
      const errors = alarms.filter(
        (alarm) =>
          alarm.MetricName === 'Errors' &&
          JSON.stringify(alarm.Dimensions) ===
            JSON.stringify([{ Name: 'FunctionName', Value: { Ref: logicalId(consumer.fn) } }]),
      );
      expect(errors).toEqual([expect.objectContaining({ Namespace: 'AWS/Lambda', Statistic: 'Sum', Threshold: 0 })]);
    });
  });
});

describe('the stack key policy', () => {
  const account = { Ref: 'AWS::AccountId' };

  it('lets SES use the key only for this account and this configuration set', () => {
    const statement = serviceStatement('ses.amazonaws.com');
    expect(statement.Condition?.StringEquals).toEqual({ 'aws:SourceAccount': account });
    expect(render(statement.Condition?.ArnLike?.['aws:SourceArn'])).toBe(
      `arn:\${AWS::Partition}:ses:\${AWS::Region}:\${AWS::AccountId}:configuration-set/\${${logicalId(stack.email.configurationSet)}}`,
    );
  });

  it("lets CloudWatch use the key only for this account's alarms", () => {
    const statement = serviceStatement('cloudwatch.amazonaws.com');
    expect(statement.Condition?.StringEquals).toEqual({ 'aws:SourceAccount': account });
    const alarms = 'arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:*';
    expect(render(statement.Condition?.ArnLike?.['aws:SourceArn'])).toBe(alarms);
    // The alarm topic's own policy names the same alarms (alarm ARNs end in `alarm:<name>`, with a colon).
    const [[, topicPolicy]] = ofType('AWS::SNS::TopicPolicy').filter(([, policy]) =>
      JSON.stringify(policy.Properties.Topics).includes(logicalId(stack.alarms.topic)),
    ) as [[string, Resource]];
    const publish = (topicPolicy.Properties.PolicyDocument as { Statement: Statement[] }).Statement.find(
      (candidate) => candidate.Effect === 'Allow',
    )!;
    expect(render(publish.Condition?.ArnLike?.['aws:SourceArn'])).toBe(alarms);
  });

  it("lets SNS use the key only for the feedback topic's messages (its dead-letter queue)", () => {
    const statement = serviceStatement('sns.amazonaws.com');
    expect(statement.Condition?.StringEquals).toEqual({ 'aws:SourceAccount': account });
    const [[topicId, topic]] = ofType('AWS::SNS::Topic').filter(([, resource]) =>
      String(resource.Properties.TopicName ?? '').endsWith('-email-feedback'),
    ) as [[string, Resource]];
    expect(topic.Properties.TopicName).toBe('Portico-email-feedback');
    expect(render(statement.Condition?.ArnLike?.['aws:SourceArn'])).toBe(
      'arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:Portico-email-feedback',
    );
    // The name is the topic's: the condition and the subscription mean the same topic.
    expect(
      ofType('AWS::SNS::Subscription').some(
        ([, s]) => JSON.stringify(s.Properties.TopicArn) === JSON.stringify({ Ref: topicId }),
      ),
    ).toBe(true);
  });

  it('grants no AWS service the key without both conditions, and only data-key use', () => {
    const services = keyStatements().filter((statement) => JSON.stringify(statement.Principal).includes('Service'));
    expect(services.length).toBeGreaterThanOrEqual(3);
    for (const statement of services) {
      expect(Object.keys(statement.Condition ?? {}).sort()).toEqual(['ArnLike', 'StringEquals']);
      expect(statement.Condition!.StringEquals!['aws:SourceAccount']).toEqual(account);
      expect(statement.Condition!.ArnLike!['aws:SourceArn']).toBeDefined();
      expect(list(statement.Action).sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);
    }
  });
});
