import {
  CognitoIdentityProviderClient,
  NotAuthorizedException,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { LocalOutputs } from '../../infra/outputs';
import { localCredentials, localRegion } from '../../infra/local/local-aws';
import { uniqueEmail } from '../support/active-person';
import { stackOutputs } from '../support/outputs';
import { portalUsers } from '../support/portal-users';

/** What the local Cognito refuses or keeps to itself, as Cognito does: self sign-up, and its internals in errors. */
jest.setTimeout(60_000);

let outputs: LocalOutputs;
let cognito: CognitoIdentityProviderClient;

beforeAll(() => {
  outputs = stackOutputs();
  cognito = new CognitoIdentityProviderClient({
    endpoint: outputs.CognitoEndpoint,
    region: localRegion,
    credentials: localCredentials,
  });
});
afterAll(() => cognito.destroy());

/** A raw call of the Cognito JSON API, as any HTTP client can make one. */
async function post(body: string, headers: Record<string, string>, path = '/') {
  const response = await fetch(`${outputs.CognitoEndpoint}${path}`, { method: 'POST', headers, body });
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
}
const target = (name: string) => ({
  'content-type': 'application/x-amz-json-1.1',
  'x-amz-target': `AWSCognitoIdentityProviderService.${name}`,
});

/** No stack frames, file paths or HTML: what Express's default error page shows. */
function expectNoInternals(text: string) {
  expect(text).not.toMatch(/\bat \S+ \(|node_modules|\/lib\/|<html|<pre|stack/i);
}

describe('the local Cognito', () => {
  it('refuses SignUp on the portal client: only staff (through the CRM) create logins', async () => {
    const email = uniqueEmail('signup');
    const error = await cognito
      .send(
        new SignUpCommand({
          ClientId: outputs.PortalClientId,
          Username: email,
          Password: 'Sign#Up-Passw0rd',
          UserAttributes: [{ Name: 'email', Value: email }],
        }),
      )
      .then(
        () => undefined,
        (failure: unknown) => failure as Error,
      );
    expect(error).toBeInstanceOf(NotAuthorizedException);
    expect(error?.message).toBe('SignUp is not permitted for this user pool');
    const users = portalUsers(outputs);
    expect(await users.login(email)).toBeUndefined();
    users.close();
  });

  it('answers a malformed body with a Cognito-shaped JSON error, not a stack trace', async () => {
    const answer = await post('{"Username": ', target('ForgotPassword'));
    expect(answer.status).toBe(400);
    expect(answer.type).toContain('application/x-amz-json-1.1');
    expect(JSON.parse(answer.text)).toEqual({
      __type: 'SerializationException',
      message: 'The request body is not valid JSON.',
    });
    expectNoInternals(answer.text);
  });

  it('answers a body of another type, and an unexpected failure, as Cognito-shaped JSON errors', async () => {
    const plain = await post('Username=x', { ...target('ForgotPassword'), 'content-type': 'text/plain' });
    expect(plain.status).toBe(400);
    expect(JSON.parse(plain.text)).toEqual({
      __type: 'SerializationException',
      message: 'The request body must be a JSON object.',
    });
    const array = await post('[]', target('AdminGetUser'));
    expect(JSON.parse(array.text)).toMatchObject({ __type: 'SerializationException' });
    // A member of the wrong type makes the code underneath throw a TypeError: a 500 that says nothing of it.
    const claims = Buffer.from(JSON.stringify({ client_id: outputs.PortalClientId })).toString('base64url');
    const failure = await post(
      JSON.stringify({ AccessToken: `e30.${claims}.x`, UserAttributes: 'email=x' }),
      target('UpdateUserAttributes'),
    );
    expect(failure.status).toBe(500);
    expect(JSON.parse(failure.text)).toEqual({
      __type: 'InternalErrorException',
      message: 'An internal error occurred.',
    });
    for (const answer of [plain, array, failure]) expectNoInternals(answer.text);
  });

  it("answers the token endpoint's errors in OAuth's JSON (a gate refusal: tests/e2e/portal-web.test.ts)", async () => {
    const answer = await post(
      new URLSearchParams({
        grant_type: 'authorization_code',
        code: 'not-a-code',
        client_id: outputs.PortalClientId,
        redirect_uri: outputs.PortalWebUrl,
        code_verifier: 'x'.repeat(43),
      }).toString(),
      { 'content-type': 'application/x-www-form-urlencoded' },
      '/oauth2/token',
    );
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text)).toMatchObject({ error: expect.any(String) });
    expectNoInternals(answer.text);
  });

  it('answers an unknown path as a JSON error too', async () => {
    const answer = await post('{}', { 'content-type': 'application/json' }, '/no-such-path');
    expect(answer.status).toBe(404);
    expect(JSON.parse(answer.text)).toMatchObject({ __type: expect.any(String), message: expect.any(String) });
    expectNoInternals(answer.text);
  });
});
