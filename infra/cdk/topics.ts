import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

export interface SecureTopicProps {
  readonly key: kms.IKey;
  readonly displayName: string;
  /** The AWS service that publishes to the topic (`ses.amazonaws.com`, `cloudwatch.amazonaws.com`). */
  readonly publisher: string;
}

/**
 * The key that encrypts Portico's SNS topics. A customer managed key, not the AWS-managed `alias/aws/sns`: an AWS
 * service publishing to an encrypted topic (SES events, CloudWatch alarms) needs the key policy to let it use the
 * key, and the AWS-managed key's policy cannot be changed. It protects messages in flight only (SNS keeps none once
 * delivered), so it is deleted with the stack.
 */
export function createTopicKey(scope: Construct, id: string): kms.Key {
  return new kms.Key(scope, id, {
    description: 'Encrypts the Portico SNS topics (SES feedback, alarms)',
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
      masterKey: props.key,
      enforceSSL: true,
    });
    // A service publishing to an encrypted topic needs the key itself (the account-root statement of the key policy
    // does not cover service principals); without this, publishing fails and the events are dropped. Whether the
    // service may publish to this topic at all is the topic policy's decision, added where the publisher is wired.
    props.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal(props.publisher)],
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: ['*'],
      }),
    );
  }
}
