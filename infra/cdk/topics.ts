import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

export interface SecureTopicProps {
  readonly key: kms.IKey;
  readonly displayName: string;
  /** A fixed name, for a topic whose ARN the key policy names (a reference to the topic would be a cycle). */
  readonly topicName?: string;
  /** The AWS service that publishes to the topic (`ses.amazonaws.com`, `cloudwatch.amazonaws.com`). */
  readonly publisher: string;
  /** The publisher's resources that may use the key through it (aws:SourceArn; `*` allowed in the resource part). */
  readonly publisherSourceArn: string;
}

/**
 * The key that encrypts Portico's SNS topics. A customer managed key, not the AWS-managed `alias/aws/sns`: an AWS
 * service publishing to an encrypted topic (SES events, CloudWatch alarms) needs the key policy to let it use the
 * key, and the AWS-managed key's policy cannot be changed. It protects messages in flight only (SNS keeps none once
 * delivered), so it is deleted with the stack.
 */
export function createTopicKey(scope: Construct, id: string): kms.Key {
  return new kms.Key(scope, id, {
    description: 'Encrypts the Portico SNS topics (SES feedback, alarms) and the feedback failure queues',
    enableKeyRotation: true,
    removalPolicy: RemovalPolicy.DESTROY,
    pendingWindow: Duration.days(7),
  });
}

/** An SNS topic encrypted with `key`, refusing requests without TLS, that `publisher` may publish to. */
export class SecureTopic extends Construct {
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: SecureTopicProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: props.displayName,
      topicName: props.topicName,
      masterKey: props.key,
      enforceSSL: true,
    });
    // A service publishing to an encrypted topic needs the key itself (the account-root statement of the key policy
    // does not cover service principals); without this, publishing fails and the events are dropped. Whether the
    // service may publish to this topic at all is the topic policy's decision, added where the publisher is wired.
    allowServiceToUseKey(props.key, props.publisher, props.publisherSourceArn);
  }
}

/**
 * Lets an AWS service encrypt with `key` on behalf of `sourceArn` (its resources in this account) only: without the
 * aws:SourceAccount and aws:SourceArn conditions, the service could be made to use the key for anyone's resources
 * (the confused deputy). ArnLike, so `sourceArn` may end in a wildcard (every alarm of the account).
 */
export function allowServiceToUseKey(key: kms.IKey, service: string, sourceArn: string): void {
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal(service)],
      actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
      resources: ['*'],
      conditions: {
        StringEquals: { 'aws:SourceAccount': Stack.of(key).account },
        ArnLike: { 'aws:SourceArn': sourceArn },
      },
    }),
  );
}
