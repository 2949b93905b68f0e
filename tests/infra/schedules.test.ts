import { App, type CfnElement } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { functions, type FunctionDeclaration, type FunctionSchedule } from '../../shared/declarations/functions';
import { ConfigError, parseDeploymentConfig } from '../../infra/cdk/config';
import { PorticoStack } from '../../infra/cdk/portico-stack';
import { cronOf } from '../../infra/cdk/schedules';
import { nextDailyRun } from '../../infra/local/schedules';
import type { Statement } from './iam-statement';

/**
 * Scheduled functions (the registry's `schedule` field) in the cloud: an EventBridge Scheduler schedule in the
 * deployment's zone invoking the function, one failure queue for the schedule's DLQ and the function's on-failure
 * destination, alarms on both, a least-privilege role. And the local runtime's timer, from the same declaration.
 */
type Resource = { Type: string; Properties: Record<string, unknown> };

const scheduled = functions.filter(
  (fn): fn is FunctionDeclaration & { schedule: FunctionSchedule } => fn.schedule !== undefined,
);

const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
const stack = new PorticoStack(app, 'Portico', {
  config: parseDeploymentConfig((key) => ({ timeZone: 'Europe/Berlin', supportReminderDays: 5 })[key]),
});
const resources = app.synth().getStackByName('Portico').template.Resources as Record<string, Resource>;
const logicalId = (construct: IConstruct): string =>
  stack.resolve((construct.node.defaultChild as CfnElement).logicalId) as string;
const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);
const arnOf = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
const asList = (value: string | string[]) => (Array.isArray(value) ? value : [value]);

it('the registry schedules the daily access check (the tests below are not vacuous)', () => {
  expect(scheduled.map((fn) => fn.name)).toEqual(['portal-access-daily']);
  expect(ofType('AWS::Scheduler::Schedule')).toHaveLength(scheduled.length);
});

describe.each(scheduled.map((fn) => [fn.name, fn] as const))('%s', (name, fn) => {
  const run = stack.functions.scheduled.find((entry) => entry.name === name)!;
  const functionId = logicalId(stack.functions.byName.get(name)!);
  const queueId = logicalId(run.failureQueue as never);
  const roleId = logicalId(run.run.invokeRole);
  const schedule = ofType('AWS::Scheduler::Schedule').find(([, resource]) =>
    JSON.stringify(resource.Properties.Target).includes(functionId),
  )?.[1];

  it(`runs every day at ${fn.schedule.dailyAt} in the deployment's time zone`, () => {
    const { hour, minute } = cronOf(fn.schedule.dailyAt);
    expect(schedule?.Properties).toMatchObject({
      ScheduleExpression: `cron(${minute} ${hour} * * ? *)`,
      ScheduleExpressionTimezone: 'Europe/Berlin',
      State: 'ENABLED',
    });
  });

  it('invokes the function with its own role, retrying delivery, with the failure queue as DLQ', () => {
    expect(schedule?.Properties.Target).toMatchObject({
      Arn: arnOf(functionId),
      RoleArn: arnOf(roleId),
      DeadLetterConfig: { Arn: arnOf(queueId) },
      RetryPolicy: { MaximumEventAgeInSeconds: 6 * 3600, MaximumRetryAttempts: 5 },
      Input: JSON.stringify({ schedule: name }),
    });
  });

  it('sends a run that failed after the declared retries to the same queue', () => {
    const [config] = ofType('AWS::Lambda::EventInvokeConfig').filter(([, resource]) =>
      JSON.stringify(resource.Properties.FunctionName).includes(functionId),
    );
    expect(config?.[1].Properties).toMatchObject({
      MaximumRetryAttempts: fn.schedule.maxRetryAttempts,
      MaximumEventAgeInSeconds: 6 * 3600,
      DestinationConfig: { OnFailure: { Destination: arnOf(queueId) } },
    });
  });

  it('keeps failures in an encrypted, TLS-only queue for 14 days', () => {
    expect(resources[queueId]!.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 1209600,
    });
    const [policy] = ofType('AWS::SQS::QueuePolicy').filter(([, resource]) =>
      JSON.stringify(resource.Properties.Queues).includes(queueId),
    );
    expect(policy?.[1].Properties.PolicyDocument).toMatchObject({
      Statement: expect.arrayContaining([
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      ]),
    });
  });

  it('alarms on the first failed run and on any error', () => {
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties);
    const alarmTopic = { Ref: logicalId(stack.alarms.topic) };
    const onQueue = alarms.filter((alarm) => JSON.stringify(alarm.Dimensions ?? null).includes(queueId));
    expect(onQueue).toEqual([
      expect.objectContaining({
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [alarmTopic],
      }),
    ]);
    const onErrors = alarms.filter(
      (alarm) => alarm.MetricName === 'Errors' && JSON.stringify(alarm.Dimensions ?? null).includes(functionId),
    );
    expect(onErrors).toEqual([expect.objectContaining({ Threshold: 0, AlarmActions: [alarmTopic] })]);
  });

  it("has a role only this account's schedules may assume, allowed to invoke this function and fill this queue", () => {
    expect(resources[roleId]!.Properties.AssumeRolePolicyDocument).toMatchObject({
      Statement: [
        {
          Action: 'sts:AssumeRole',
          Principal: { Service: 'scheduler.amazonaws.com' },
          Condition: {
            StringEquals: {
              'aws:SourceAccount': { Ref: 'AWS::AccountId' },
              'aws:SourceArn': expect.objectContaining({ 'Fn::Join': expect.any(Array) }),
            },
          },
        },
      ],
    });
    const statements = ofType('AWS::IAM::Policy')
      .filter(([, policy]) => JSON.stringify(policy.Properties.Roles).includes(roleId))
      .flatMap(([, policy]) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
    expect(
      statements.map((statement) => ({ actions: asList(statement.Action), resource: statement.Resource })),
    ).toEqual(
      expect.arrayContaining([
        { actions: ['lambda:InvokeFunction'], resource: [arnOf(functionId), expect.anything()] },
        { actions: ['sqs:SendMessage'], resource: arnOf(queueId) },
      ]),
    );
    expect(statements).toHaveLength(2);
  });

  it('passes the reminder setting to the function', () => {
    const variables = (resources[functionId]!.Properties.Environment as { Variables: Record<string, unknown> })
      .Variables;
    expect(variables).toMatchObject({ SUPPORT_REMINDER_DAYS: '5', TIME_ZONE: 'Europe/Berlin' });
  });
});

describe('cronOf', () => {
  it.each([
    ['00:05', { hour: '0', minute: '5' }],
    ['23:59', { hour: '23', minute: '59' }],
  ])('%s', (dailyAt, cron) => expect(cronOf(dailyAt)).toEqual(cron));
  it.each(['24:00', '7:5', '12:60', 'noon'])('refuses %s', (dailyAt) => expect(() => cronOf(dailyAt)).toThrow(/HH:MM/));
});

describe('supportReminderDays', () => {
  const parse = (value: unknown) => parseDeploymentConfig((key) => (key === 'supportReminderDays' ? value : undefined));
  it('is off by default and reads whole days, as JSON or -c text', () => {
    expect(parse(undefined).supportReminderDays).toBe(0);
    expect(parse(14).supportReminderDays).toBe(14);
    expect(parse('3').supportReminderDays).toBe(3);
  });
  it.each([-1, 100, 2.5, 'soon', ''])('refuses %p, naming the key', (value) => {
    expect(() => parse(value)).toThrow(ConfigError);
    expect(() => parse(value)).toThrow(/supportReminderDays must be a whole number of days/);
  });
});

describe('the local timer: nextDailyRun', () => {
  it.each([
    ['00:05', 'UTC', '2026-12-02T10:00:00Z', '2026-12-03T00:05:00.000Z'],
    ['00:05', 'UTC', '2026-12-02T00:04:59Z', '2026-12-02T00:05:00.000Z'],
    ['00:05', 'UTC', '2026-12-02T00:05:00Z', '2026-12-03T00:05:00.000Z'],
    ['00:05', 'Europe/Berlin', '2026-12-02T10:00:00Z', '2026-12-02T23:05:00.000Z'],
    ['00:05', 'Europe/Berlin', '2026-12-02T23:30:00Z', '2026-12-03T23:05:00.000Z'],
    // Summer time begins in Berlin on 2027-03-28: midnight is then 22:00 UTC the day before.
    ['00:05', 'Europe/Berlin', '2027-03-27T12:00:00Z', '2027-03-27T23:05:00.000Z'],
    ['00:05', 'Europe/Berlin', '2027-03-28T12:00:00Z', '2027-03-28T22:05:00.000Z'],
    ['00:05', 'America/New_York', '2026-12-02T10:00:00Z', '2026-12-03T05:05:00.000Z'],
  ])('%s in %s after %s is %s', (dailyAt, zone, now, next) => {
    expect(nextDailyRun(dailyAt, zone, new Date(now)).toISOString()).toBe(next);
  });
});
