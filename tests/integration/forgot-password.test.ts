import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CodeMismatchException,
  ConfirmForgotPasswordCommand,
  ForgotPasswordCommand,
  InvalidPasswordException,
  NotAuthorizedException,
  PasswordResetRequiredException,
} from '@aws-sdk/client-cognito-identity-provider';
import { waitFor } from '../../infra/local/managed-process';
import { activeContact, strongPassword, uniqueEmail } from '../support/active-person';
import { codeIn } from '../support/mailbox';
import { localStackContext } from '../support/local-stack-context';
import { rejectionOf } from '../support/rejection-of';

/**
 * Forgotten password through the Cognito API (ForgotPassword, ConfirmForgotPassword) on the local stack: the code
 * reaches the person's mailbox, worded for the organization, and never the emulators' logs.
 */
jest.setTimeout(90_000);

const local = localStackContext();

const forgot = (username: string) =>
  local.cognito.send(new ForgotPasswordCommand({ ClientId: local.outputs.PortalClientId, Username: username }));
const confirm = (username: string, code: string, password: string) =>
  local.cognito.send(
    new ConfirmForgotPasswordCommand({
      ClientId: local.outputs.PortalClientId,
      Username: username,
      ConfirmationCode: code,
      Password: password,
    }),
  );

/** Everything the local stack's emulators logged (cognito-local, DynamoDB Local, the mail server). */
function emulatorLogs(): string {
  const dir = join(process.env.PORTICO_DATA_DIR!, 'logs');
  return readdirSync(dir)
    .map((file) => readFileSync(join(dir, file), 'utf8'))
    .join('\n');
}
const deliveriesLogged = () => emulatorLogs().split('Code sent to the local mailbox').length - 1;

describe('forgot password through the Cognito API', () => {
  it('mails a code that sets a new password under the policy, once, and never logs it', async () => {
    const { email, username, password } = await activeContact(local.api, local.mail, local.users);
    const logged = deliveriesLogged();

    const sent = await forgot(username);
    // Where it went, masked as Cognito shows it.
    expect(sent.CodeDeliveryDetails).toEqual({
      AttributeName: 'email',
      DeliveryMedium: 'EMAIL',
      Destination: `${email[0]}***@e***`,
    });
    const [, message] = await local.mail.waitFor(email, 2);
    expect(message!.subject).toBe('Your Portico portal code');
    expect(message!.from).toBe('Portico <portal@portico.local>');
    const code = codeIn(message!);

    // The pool's password policy holds; a wrong code changes nothing.
    expect(await rejectionOf(confirm(username, code, 'short'))).toBeInstanceOf(InvalidPasswordException);
    const wrong = code === '000000' ? '111111' : '000000';
    expect(await rejectionOf(confirm(username, wrong, strongPassword()))).toBeInstanceOf(CodeMismatchException);
    expect((await local.users.signIn(username, password)).AuthenticationResult?.AccessToken).toEqual(
      expect.any(String),
    );

    const chosen = strongPassword();
    await confirm(username, code, chosen);
    expect((await local.users.signIn(email, chosen)).AuthenticationResult?.AccessToken).toEqual(expect.any(String));
    expect(await rejectionOf(local.users.signIn(email, password))).toBeInstanceOf(Error);
    // Used once: the same code does not set another password.
    expect(await rejectionOf(confirm(username, code, strongPassword()))).toBeInstanceOf(CodeMismatchException);

    // The delivery was logged (so the log is being written), the code was not.
    await waitFor(async () => deliveriesLogged() > logged, 10_000, 'the delivery to be logged');
    expect(emulatorLogs()).not.toContain(code);
  });

  it('answers an unknown name as a known one, and sends nothing', async () => {
    const nobody = uniqueEmail('nobody');
    const answer = await forgot(nobody);
    expect(answer.CodeDeliveryDetails).toEqual({
      AttributeName: 'email',
      DeliveryMedium: 'EMAIL',
      Destination: 'n***@e***',
    });
    expect(await rejectionOf(confirm(nobody, '123456', strongPassword()))).toBeInstanceOf(CodeMismatchException);
    expect(await local.mail.to(nobody)).toEqual([]);
  });

  it('sends no code to someone who has not chosen a password yet: their invitation is the way in', async () => {
    const email = uniqueEmail('invited');
    await local.api.create('contacts', { lastName: 'Invited', email, portal: { enabled: true } });
    await local.mail.waitFor(email);
    const error = await rejectionOf(forgot(email));
    expect(error).toBeInstanceOf(NotAuthorizedException);
    expect(error?.message).toBe('User password cannot be reset in the current state.');
    expect(await local.mail.to(email)).toHaveLength(1);
  });

  it('a login whose password staff reset must use the code: the old password no longer signs in', async () => {
    const { person, email, password } = await activeContact(local.api, local.mail, local.users);
    expect((await local.api.call('POST', `/contacts/${person.id}/portal-access/password-reset`)).status).toBe(202);
    expect(await rejectionOf(local.users.signIn(email, password))).toBeInstanceOf(PasswordResetRequiredException);
    const [, message] = await local.mail.waitFor(email, 2);
    const chosen = strongPassword();
    await confirm(email, codeIn(message!), chosen);
    expect((await local.users.signIn(email, chosen)).AuthenticationResult?.AccessToken).toEqual(expect.any(String));
    expect((await local.users.login(person.id))?.status).toBe('CONFIRMED');
  });
});
