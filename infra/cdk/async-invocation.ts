import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface AsyncInvocationFailuresProps {
  readonly fn: lambda.Function;
  /** Retries after the first attempt (shared/declarations/functions.ts `asyncInvocation`). */
  readonly maxRetryAttempts: number;
  /** Encrypts both queues: the events hold email addresses. */
  readonly key: kms.IKey;
  /** Invoked through an SNS subscription, which needs a dead-letter queue of its own (S3 invokes without one). */
  readonly viaSns: boolean;
}

/** How long a failed event waits in its queue for someone to look (SQS's maximum). */
const kept = Duration.days(14);

/**
 * Where a function invoked asynchronously (by SNS, or by S3's event notifications) loses nothing: Lambda's on-failure destination for an event that
 * failed every attempt, and a queue for the subscription's redrive policy, for an event SNS could not hand to Lambda
 * at all. Both are KMS-encrypted with the stack's key and TLS-only; PorticoAlarms alarms on their first message.
 */
export class AsyncInvocationFailures extends Construct {
  /** Lambda's on-failure destination: the event, the error and the attempts (a Lambda destination record). */
  readonly failed: sqs.Queue;
  /** The SNS subscription's dead-letter queue: SNS messages it could not deliver to the function (SNS only). */
  readonly undelivered?: sqs.Queue;

  constructor(scope: Construct, id: string, props: AsyncInvocationFailuresProps) {
    super(scope, id);
    const queue = (name: string) =>
      new sqs.Queue(this, name, {
        encryption: sqs.QueueEncryption.KMS,
        encryptionMasterKey: props.key,
        enforceSSL: true,
        retentionPeriod: kept,
      });
    this.failed = queue('Failed');
    if (props.viaSns) this.undelivered = queue('Undelivered');

    // Configured by hand rather than with CDK's SqsDestination, whose grant is the key's every encrypt and decrypt
    // action: sending to a KMS-encrypted queue takes SendMessage and a data key, nothing more.
    props.fn.configureAsyncInvoke({
      retryAttempts: props.maxRetryAttempts,
      // An SES event older than this is still recorded late rather than lost: Lambda's own maximum.
      maxEventAge: Duration.hours(6),
      onFailure: { bind: () => ({ destination: this.failed.queueArn }) },
    });
    props.fn.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.failed.queueArn] }),
    );
    props.fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [props.key.keyArn],
        // Only through SQS, as SQS asks on the function's behalf when it sends to the queue.
        conditions: {
          StringEquals: { 'kms:ViaService': `sqs.${Stack.of(this).region}.${Stack.of(this).urlSuffix}` },
        },
      }),
    );
  }
}
