import {
  CognitoIdentityProviderClient,
  DeleteUserAttributesCommand,
  NotAuthorizedException,
  UpdateUserAttributesCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { LocalOutputs } from '../../infra/outputs';
import { localCredentials, localRegion } from '../../infra/local/local-aws';
import { activeContact } from '../support/active-person';
import { mailbox } from '../support/mailbox';
import { stackOutputs } from '../support/outputs';
import { portalUsers } from '../support/portal-users';
import { staffApi, type StaffApi } from '../support/staff-api';

/**
 * A portal login is written by the CRM only: the person's own access token cannot change or remove an attribute
 * that names or reaches them (the app client's write attributes, enforced by the local emulator as by Cognito).
 */
jest.setTimeout(90_000);

let outputs: LocalOutputs;
let api: StaffApi;
let users: ReturnType<typeof portalUsers>;
let mail: ReturnType<typeof mailbox>;
let cognito: CognitoIdentityProviderClient;

beforeAll(async () => {
  outputs = stackOutputs();
  api = await staffApi(outputs);
  users = portalUsers(outputs);
  mail = mailbox(outputs.SesEndpoint);
  cognito = new CognitoIdentityProviderClient({
    endpoint: outputs.CognitoEndpoint,
    region: localRegion,
    credentials: localCredentials,
  });
});
afterAll(() => {
  users.close();
  cognito.destroy();
});

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as Error,
  );

describe("a portal user's own access token", () => {
  it('cannot change preferred_username, email or any other attribute that names or reaches them', async () => {
    const { person, email, username, password, accessToken } = await activeContact(api, mail, users);
    const before = await users.login(person.id);
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
      const error = await refusal(
        cognito.send(new UpdateUserAttributesCommand({ AccessToken: accessToken, UserAttributes })),
      );
      expect(error).toBeInstanceOf(NotAuthorizedException);
      expect(error?.message).toBe('A client attempted to write unauthorized attribute');
    }
    const deletion = await refusal(
      cognito.send(
        new DeleteUserAttributesCommand({ AccessToken: accessToken, UserAttributeNames: ['preferred_username'] }),
      ),
    );
    expect(deletion).toBeInstanceOf(NotAuthorizedException);

    // Nothing changed: the login still carries what the CRM wrote.
    expect((await users.login(person.id))?.attributes).toEqual(before?.attributes);
    // The username staff gave still signs in.
    expect((await users.signIn(username, password)).AuthenticationResult?.AccessToken).toEqual(expect.any(String));
  });

  it('may write the one attribute its client allows (the token and the call path work)', async () => {
    const { person, accessToken } = await activeContact(api, mail, users);
    await cognito.send(
      new UpdateUserAttributesCommand({
        AccessToken: accessToken,
        UserAttributes: [{ Name: 'locale', Value: 'en-GB' }],
      }),
    );
    expect((await users.login(person.id))?.attributes.locale).toBe('en-GB');
  });
});
