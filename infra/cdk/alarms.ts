import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { AsyncConsumer, ScheduledFunction, StreamConsumer } from './lambda-functions';
import { SecureTopic } from './topics';

export interface PorticoAlarmsProps {
  readonly topicKey: kms.IKey;
  /** Subscribed to the alarm topic when given (AWS mails a confirmation link first). */
  readonly alarmEmail: string | undefined;
  readonly streams: readonly StreamConsumer[];
  /** Functions invoked asynchronously (SNS): alarms on their failure queues and failed invocations. */
  readonly asyncConsumers?: readonly AsyncConsumer[];
  readonly scheduled: readonly ScheduledFunction[];
  readonly httpApi: apigw.HttpApi;
}

/** How far behind a stream consumer may fall before someone should look. */
export const maxIteratorAge = Duration.minutes(5);
/** Share of API requests answered 5xx, in percent, above which the API alarms. */
export const maxServerErrorPercent = 1;

const period = Duration.minutes(5);

/**
 * The alarms that mean something is broken without anyone noticing otherwise: stream work given up on (DLQ),
 * stream batches failing or falling behind, asynchronous events (SES feedback) failed or undelivered, and the API
 * answering 5xx. All notify one SNS topic.
 */
export class PorticoAlarms extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: PorticoAlarmsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    // Alarm ARNs separate the name with a colon (`…:alarm:name`); formatArn's default slash would match no alarm.
    const accountAlarms = stack.formatArn({
      service: 'cloudwatch',
      resource: 'alarm',
      resourceName: '*',
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.topic = new SecureTopic(this, 'Notifications', {
      key: props.topicKey,
      displayName: 'Portico alarms',
      publisher: 'cloudwatch.amazonaws.com',
      publisherSourceArn: accountAlarms,
    }).topic;
    // enforceSSL gives the topic an explicit policy, which replaces the default one: CloudWatch needs its own
    // statement, limited to this account's alarms.
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': accountAlarms },
        },
      }),
    );
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));

    for (const stream of props.streams) {
      this.add(`${stream.name}-dlq`, {
        alarmDescription: `${stream.name} gave up on stream records; the failure queue says which (shard and sequence numbers).`,
        metric: stream.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
        threshold: 0,
      });
      this.add(`${stream.name}-errors`, {
        alarmDescription: `${stream.name} failed whole invocations (it reports per-record failures itself; this is a crash or timeout).`,
        metric: stream.fn.metricErrors({ period, statistic: 'Sum' }),
        threshold: 0,
      });
      this.add(`${stream.name}-iterator-age`, {
        alarmDescription: `${stream.name} is more than ${maxIteratorAge.toMinutes()} minutes behind the table stream.`,
        metric: stream.fn.metric('IteratorAge', { period, statistic: 'Maximum' }),
        threshold: maxIteratorAge.toMilliseconds(),
      });
    }

    for (const consumer of props.asyncConsumers ?? []) {
      const visible = (queue: AsyncConsumer['failures']['failed']) =>
        queue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' });
      this.add(`${consumer.name}-failed`, {
        alarmDescription: `${consumer.name} failed an event on every attempt; its failure queue holds the event and the error.`,
        metric: visible(consumer.failures.failed),
        threshold: 0,
      });
      if (consumer.failures.undelivered)
        this.add(`${consumer.name}-undelivered`, {
          alarmDescription: `SNS could not deliver an event to ${consumer.name}; the subscription's dead-letter queue holds it.`,
          metric: visible(consumer.failures.undelivered),
          threshold: 0,
        });
      this.add(`${consumer.name}-errors`, {
        alarmDescription: `${consumer.name} failed invocations (Lambda retries them; the failure queue gets what still fails).`,
        metric: consumer.fn.metricErrors({ period, statistic: 'Sum' }),
        threshold: 0,
      });
    }

    for (const run of props.scheduled) {
      this.add(`${run.name}-failures`, {
        alarmDescription: `A scheduled run of ${run.name} failed after its retries (or could not be invoked); the failure queue holds the event.`,
        metric: run.failureQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
        threshold: 0,
      });
      this.add(`${run.name}-errors`, {
        alarmDescription: `${run.name} failed a run (it is retried; the failures alarm fires if the retries fail too).`,
        metric: run.fn.metricErrors({ period, statistic: 'Sum' }),
        threshold: 0,
      });
    }

    this.add('api-5xx-rate', {
      alarmDescription: `More than ${maxServerErrorPercent}% of API requests were answered 5xx over ${period.toMinutes()} minutes.`,
      metric: new cloudwatch.MathExpression({
        // No requests, no rate: an idle API is not failing.
        expression: 'IF(requests > 0, 100 * errors / requests, 0)',
        usingMetrics: {
          errors: props.httpApi.metricServerError({ period, statistic: 'Sum' }),
          requests: props.httpApi.metricCount({ period, statistic: 'Sum' }),
        },
        label: '5xx responses (%)',
        period,
      }),
      threshold: maxServerErrorPercent,
    });
  }

  private add(id: string, props: Pick<cloudwatch.AlarmProps, 'alarmDescription' | 'metric' | 'threshold'>): void {
    const alarm = new cloudwatch.Alarm(this, id, {
      ...props,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      // Metrics without data points (no traffic, no failures) are healthy.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new SnsAction(this.topic));
    alarm.addOkAction(new SnsAction(this.topic));
    this.alarms.push(alarm);
  }
}
