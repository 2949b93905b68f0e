/**
 * The email Cognito sends a portal user with a one-time code: the password reset code of ForgotPassword and of an
 * administrator's AdminResetUserPassword (Cognito words both with the pool's verification message, in CODE style;
 * distinct wording per purpose would take a CustomMessage trigger). The CDK stack puts it on the portal pool and the
 * local bootstrap on the local pool, whose delivery fills in the code the same way.
 */

/** Where Cognito puts the code; the message must contain it exactly once. */
export const codePlaceholder = '{####}';

/** The organization named in codes' emails when the deployment names none. */
export const defaultOrganizationName = 'Portico';

/** Longest organization name: it goes into a subject line and the From display name. */
export const organizationNameMaxLength = 64;

/** A name fit for a subject line, a From display name and an HTML message: printable, no markup, bounded. */
export function organizationNameProblem(name: string): string | undefined {
  if (name.trim() !== name || name === '') return 'must be non-empty, without leading or trailing spaces';
  if (name.length > organizationNameMaxLength) return `must be at most ${organizationNameMaxLength} characters`;
  // Control characters, bidi overrides and lone surrogates would garble or disguise a subject line.
  if (/[\p{Cc}\p{Cf}\p{Cs}]/u.test(name)) return 'must not contain control or formatting characters';
  if (/[<>&"]/.test(name)) return 'must not contain < > & or "';
  return undefined;
}

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
