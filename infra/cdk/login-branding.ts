import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import type { Branding } from '../../shared/branding/branding';

/**
 * The deployment's accent colour on the portal's hosted login. The pool uses the classic hosted UI, whose only
 * CloudFormation branding is CSS on its `-customizable` classes (CfnUserPoolUICustomizationAttachment). Its logo is an
 * uploaded image (SetUICustomization's ImageFile, not in CloudFormation), and the newer managed login's branding
 * (CfnManagedLoginBranding, which aws-cdk-lib has) takes logos as image bytes in the template, not URLs: so the logo
 * URL is not shown there; the organization's name is, through the app's own sign-in page before it.
 */
export function classicHostedUiCss(branding: Branding): string {
  const accent = branding.accentColor;
  return [
    `.submitButton-customizable { background-color: ${accent}; border-color: ${accent}; }`,
    `.submitButton-customizable:hover { background-color: ${accent}; border-color: ${accent}; }`,
    `.inputField-customizable:focus { border-color: ${accent}; }`,
    `.redirect-customizable { color: ${accent}; }`,
  ].join('\n');
}

export class HostedLoginBranding extends Construct {
  constructor(
    scope: Construct,
    id: string,
    props: {
      pool: cognito.IUserPool;
      client: cognito.IUserPoolClient;
      domain: cognito.UserPoolDomain;
      branding: Branding;
    },
  ) {
    super(scope, id);
    const attachment = new cognito.CfnUserPoolUICustomizationAttachment(this, 'Css', {
      userPoolId: props.pool.userPoolId,
      clientId: props.client.userPoolClientId,
      css: classicHostedUiCss(props.branding),
    });
    // Cognito accepts UI customization only once the pool has its domain.
    attachment.node.addDependency(props.domain);
  }
}
