import { SendEmailCommand } from '../aws/client-sesv2';
import type { SESv2Client } from '@aws-sdk/client-sesv2';
import type { Email } from './emails';

/** Why an email went: SES bounce and complaint events carry it back (functions/ses-feedback.ts). */
export type EmailPurpose = 'invitation' | 'email-change' | 'support-end-reminder' | 'portal-notification';

/** SES, as access sends its emails: tagged with the person and the purpose. Answers SES's message id. */
export function createAccessEmailSender(deps: {
  readonly ses: SESv2Client;
  readonly senderEmail: string;
  readonly configurationSetName?: string;
}) {
  return async function send(
    personId: string,
    to: string,
    email: Email,
    purpose: EmailPurpose,
  ): Promise<string | undefined> {
    const result = await deps.ses.send(
      new SendEmailCommand({
        FromEmailAddress: deps.senderEmail,
        Destination: { ToAddresses: [to] },
        Content: {
          Simple: {
            Subject: { Data: email.subject, Charset: 'UTF-8' },
            Body: { Html: { Data: email.html, Charset: 'UTF-8' }, Text: { Data: email.text, Charset: 'UTF-8' } },
          },
        },
        EmailTags: [
          { Name: 'personId', Value: personId },
          { Name: 'purpose', Value: purpose },
        ],
        ...(deps.configurationSetName ? { ConfigurationSetName: deps.configurationSetName } : {}),
      }),
    );
    return result.MessageId;
  };
}

export type AccessEmailSender = ReturnType<typeof createAccessEmailSender>;
