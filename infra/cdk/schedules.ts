import { Duration, Stack, TimeZone } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { FunctionDeclaration, FunctionSchedule } from '../../shared/declarations/functions';

export interface ScheduledRunProps {
  readonly declaration: FunctionDeclaration & { readonly schedule: FunctionSchedule };
  readonly fn: lambda.Function;
  /** The deployment's IANA zone: `dailyAt` is a time of day there. */
  readonly timeZone: string;
}

/** `HH:MM` → the cron fields EventBridge Scheduler takes. */
export function cronOf(dailyAt: string): { hour: string; minute: string } {
  const match = /^([01][0-9]|2[0-3]):([0-5][0-9])$/.exec(dailyAt);
  if (!match) throw new Error(`dailyAt must be HH:MM (24-hour), got ${dailyAt}`);
  return { hour: String(Number(match[1])), minute: String(Number(match[2])) };
}

/**
 * An EventBridge Scheduler schedule invoking one function (asynchronously) every day at its declared time in the
 * deployment's zone, and the one queue where a run ends up when it fails: the schedule's dead-letter queue (Lambda
 * could not be invoked) and the function's on-failure destination (the run failed after Lambda's retries).
 */
export class ScheduledRun extends Construct {
  readonly failureQueue: sqs.Queue;
  readonly schedule: scheduler.Schedule;
  /** The role the schedule invokes the function with. */
  readonly invokeRole: iam.Role;

  constructor(scope: Construct, id: string, props: ScheduledRunProps) {
    super(scope, id);
    const { declaration, fn } = props;
    this.failureQueue = new sqs.Queue(this, 'Failures', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    // A run that keeps failing is not retried into the next day's run.
    const maxEventAge = Duration.hours(6);
    fn.configureAsyncInvoke({
      retryAttempts: declaration.schedule.maxRetryAttempts,
      maxEventAge,
      onFailure: new SqsDestination(this.failureQueue),
    });
    // Only schedules of this account's default group may assume it (no confused deputy); it may invoke this one
    // function and send to this one queue (the target adds both grants).
    const stack = Stack.of(this);
    this.invokeRole = new iam.Role(this, 'InvokeRole', {
      description: `EventBridge Scheduler invokes ${declaration.name} with this role`,
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: {
            'aws:SourceAccount': stack.account,
            'aws:SourceArn': stack.formatArn({
              service: 'scheduler',
              resource: 'schedule-group',
              resourceName: 'default',
            }),
          },
        },
      }),
    });
    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      description: `${declaration.name}: every day at ${declaration.schedule.dailyAt} ${props.timeZone}`,
      schedule: scheduler.ScheduleExpression.cron({
        ...cronOf(declaration.schedule.dailyAt),
        timeZone: TimeZone.of(props.timeZone),
      }),
      target: new LambdaInvoke(fn, {
        role: this.invokeRole,
        input: scheduler.ScheduleTargetInput.fromObject({ schedule: declaration.name }),
        deadLetterQueue: this.failureQueue,
        retryAttempts: 5,
        maxEventAge,
      }),
    });
  }
}
