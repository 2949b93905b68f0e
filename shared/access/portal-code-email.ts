/**
 * The email Cognito sends a portal user with a one-time code: the password reset code of ForgotPassword and of an
 * administrator's AdminResetUserPassword (Cognito words both with the pool's verification message, in CODE style;
 * distinct wording per purpose would take a CustomMessage trigger). The CDK stack puts it on the portal pool and the
 * local bootstrap on the local pool, whose delivery fills in the code the same way.
 */

/** Where Cognito puts the code; the message must contain it exactly once. */
export const codePlaceholder = '{####}';

// The organization's name is part of the deployment's branding; named here too for this module's readers.
export { defaultOrganizationName, organizationNameMaxLength, organizationNameProblem } from '../branding/branding';
import { organizationNameProblem } from '../branding/branding';

export interface CodeEmail {
  readonly subject: string;
  /** Cognito sends this as the HTML body; it holds `codePlaceholder`. */
  readonly body: string;
}

export function portalCodeEmail(organizationName: string): CodeEmail {
  const problem = organizationNameProblem(organizationName);
  if (problem) throw new Error(`organizationName ${problem}`);
  return {
    subject: `Your ${organizationName} portal code`,
    body:
      `<p>Your ${organizationName} portal code is <strong>${codePlaceholder}</strong></p>` +
      '<p>Enter it where you asked for it, to choose a new password. It works for one hour.</p>' +
      '<p>If you did not ask for a new password, you can ignore this email, unless signing in asks you for a code: ' +
      'then your account manager has asked for a new password for you, and this is the code to use.</p>',
  };
}
