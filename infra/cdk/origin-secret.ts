import { RemovalPolicy, SecretValue } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { originVerifyHeader } from '../../shared/http/origin-verify';

export interface PortalOriginSecretProps {
  /**
   * The secret version CloudFront sends (context `originSecretVersion`): set it to the new version's id to make a
   * deploy carry a rotated value to CloudFront (README, "Rotating the origin secret"). Undefined: the current one.
   */
  readonly versionId?: string;
}

/**
 * The secret that proves a request to the API came through the web app's CloudFront distribution
 * (shared/http/origin-verify.ts). Secrets Manager generates it, so no template or repository holds its value:
 * CloudFront's origin header takes it through a dynamic reference CloudFormation resolves at deploy, and the portal
 * API reads it at run time. CloudFront itself keeps the header value in its distribution configuration, readable by
 * whoever may read that configuration; the Lambda environment names only the secret's ARN.
 */
export class PortalOriginSecret extends Construct {
  readonly secret: secretsmanager.Secret;
  /** The origin custom header CloudFront adds to each request it forwards to the API. */
  readonly originHeaders: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: PortalOriginSecretProps = {}) {
    super(scope, id);
    this.secret = new secretsmanager.Secret(this, 'Secret', {
      description: 'Sent by the portal web app distribution to the API in the x-portico-origin-verify header',
      // 64 letters and digits: about 380 bits, and nothing a header value would need to escape.
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      // Only this stack's distribution and API use it, and each deploy can mint a new one.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const value = SecretValue.secretsManager(this.secret.secretArn, { versionId: props.versionId });
    this.originHeaders = { [originVerifyHeader]: value.unsafeUnwrap() };
  }
}
