import { ArnFormat, Stack } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { allowServiceToUseKey, SecureTopic } from './topics';

export interface PorticoEmailProps {
  /** The From address of everything Portico sends. */
  readonly senderEmail: string;
  /** Verify this domain instead of the single address; undefined verifies `senderEmail`. */
  readonly senderDomain: string | undefined;
  /** Encrypts the feedback topic. */
  readonly topicKey: kms.IKey;
}

/** The SES events that mean an invitation did not land (shared/access/email-feedback.ts reads them). */
export const feedbackEvents = [ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT] as const;

/**
 * Sending email: the verified sender identity, the configuration set every message goes through, and (once a
 * function subscribes) the SNS topic that set publishes bounces and complaints to.
 */
export class PorticoEmail extends Construct {
  readonly identity: ses.EmailIdentity;
  readonly configurationSet: ses.ConfigurationSet;
  /** What `ses:SendEmail` is granted on: SESv2 authorizes a send against the identity and the configuration set. */
  readonly sendEmailResources: readonly string[];
  /** Encrypts the feedback topic, and the queues of what its subscribers fail to handle. */
  readonly topicKey: kms.IKey;
  private readonly configurationSetArn: string;
  private feedback: sns.ITopic | undefined;
  /** Named, so the key policy can name it (see subscribeToFeedback). */
  private readonly feedbackTopicName = `${Stack.of(this).stackName}-email-feedback`;

  constructor(scope: Construct, id: string, props: PorticoEmailProps) {
    super(scope, id);
    this.topicKey = props.topicKey;
    this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      // Bounce and complaint rates per configuration set in CloudWatch: what SES judges the account by.
      reputationMetrics: true,
    });
    this.identity = new ses.EmailIdentity(this, 'Identity', {
      // A domain identity verifies through DKIM records (published by hand: the stack manages no DNS zone); an
      // address identity through the link SES mails to it.
      identity: props.senderDomain ? ses.Identity.domain(props.senderDomain) : ses.Identity.email(props.senderEmail),
      // The identity's default set: a message sent without naming one still reports its bounces.
      configurationSet: this.configurationSet,
    });
    this.configurationSetArn = Stack.of(this).formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: this.configurationSet.configurationSetName,
    });
    this.sendEmailResources = [this.identity.emailIdentityArn, this.configurationSetArn];
  }

  /**
   * Delivers the configuration set's bounce and complaint events to `fn`, through SNS. An event SNS cannot deliver
   * (the function throttled or unreachable after SNS's retries) goes to `deadLetterQueue`, encrypted with the topic
   * key, which SNS may use for this topic's messages only.
   */
  subscribeToFeedback(fn: lambda.IFunction, deadLetterQueue: sqs.IQueue): void {
    const topic = this.feedbackTopic();
    topic.addSubscription(new subscriptions.LambdaSubscription(fn, { deadLetterQueue }));
    // The topic's ARN built from its name: a reference would make the key depend on the topic it encrypts.
    const topicArn = Stack.of(this).formatArn({
      service: 'sns',
      resource: this.feedbackTopicName,
      arnFormat: ArnFormat.NO_RESOURCE_NAME,
    });
    allowServiceToUseKey(this.topicKey, 'sns.amazonaws.com', topicArn);
  }

  /** Created with the first subscriber: events nobody reads are not published. */
  private feedbackTopic(): sns.ITopic {
    if (this.feedback) return this.feedback;
    const { topic } = new SecureTopic(this, 'Feedback', {
      key: this.topicKey,
      displayName: 'Portico email bounces and complaints',
      topicName: this.feedbackTopicName,
      publisher: 'ses.amazonaws.com',
      publisherSourceArn: this.configurationSetArn,
    });
    // Also adds the topic policy letting this configuration set (only) publish.
    this.configurationSet.addEventDestination('Feedback', {
      destination: ses.EventDestination.snsTopic(topic),
      events: [...feedbackEvents],
    });
    this.feedback = topic;
    return topic;
  }
}
