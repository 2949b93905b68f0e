import {
  DeleteUserAttributesCommand,
  NotAuthorizedException,
  UpdateUserAttributesCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { activeContact } from '../support/active-person';
import { localStackContext } from '../support/local-stack-context';
import { rejectionOf } from '../support/rejection-of';

/**
 * A portal login is written by the CRM only: the person's own access token cannot change or remove an attribute
 * that names or reaches them (the app client's write attributes, enforced by the local emulator as by Cognito).
 */
jest.setTimeout(90_000);

const local = localStackContext();

describe("a portal user's own access token", () => {
  it('cannot change preferred_username, email or any other attribute that names or reaches them', async () => {
    const { person, email, username, password, accessToken } = await activeContact(local.api, local.mail, local.users);
    const before = await local.users.login(person.id);
    expect(before?.attributes).toMatchObject({ email, email_verified: 'true', preferred_username: username });

    const attempts = [
      [{ Name: 'preferred_username', Value: 'someone-else' }],
      [{ Name: 'email', Value: 'attacker@example.com' }],
      [{ Name: 'email_verified', Value: 'false' }],
      [{ Name: 'phone_number', Value: '+15555550100' }],
      [{ Name: 'name', Value: 'Someone Else' }],
      [{ Name: 'given_name', Value: 'Someone' }],
      // A writable attribute beside a forbidden one does not carry it through.
      [
        { Name: 'locale', Value: 'fr-FR' },
        { Name: 'email', Value: 'attacker@example.com' },
      ],
    ];
    for (const UserAttributes of attempts) {
      const error = await rejectionOf(
        local.cognito.send(new UpdateUserAttributesCommand({ AccessToken: accessToken, UserAttributes })),
      );
      expect(error).toBeInstanceOf(NotAuthorizedException);
      expect(error?.message).toBe('A client attempted to write unauthorized attribute');
    }
    const deletion = await rejectionOf(
      local.cognito.send(
        new DeleteUserAttributesCommand({ AccessToken: accessToken, UserAttributeNames: ['preferred_username'] }),
      ),
    );
    expect(deletion).toBeInstanceOf(NotAuthorizedException);

    // Nothing changed: the login still carries what the CRM wrote.
    expect((await local.users.login(person.id))?.attributes).toEqual(before?.attributes);
    // The username staff gave still signs in.
    expect((await local.users.signIn(username, password)).AuthenticationResult?.AccessToken).toEqual(
      expect.any(String),
    );
  });

  it('may write the one attribute its client allows (the token and the call path work)', async () => {
    const { person, accessToken } = await activeContact(local.api, local.mail, local.users);
    await local.cognito.send(
      new UpdateUserAttributesCommand({
        AccessToken: accessToken,
        UserAttributes: [{ Name: 'locale', Value: 'en-GB' }],
      }),
    );
    expect((await local.users.login(person.id))?.attributes.locale).toBe('en-GB');
  });
});
