import { CognitoIdentityProviderClient, DescribeUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { InvokeCommand, LambdaClient, ResourceNotFoundException } from '@aws-sdk/client-lambda';
import { userPools } from '../../shared/security/user-pools';
import { localOutputNames, outputNames, type LocalOutputs } from '../../infra/outputs';
import { localCredentials, localRegion } from '../../infra/local/local-aws';
import { stackOutputs } from '../support/outputs';
import { cognitoLocalSigningKey, signJwt, staffAccessClaims, staffAccessToken, strangerKey } from '../support/tokens';

let outputs: LocalOutputs;
beforeAll(() => {
  outputs = stackOutputs();
});

const getMe = (authorization?: string) =>
  fetch(`${outputs.ApiUrl}/me`, { headers: authorization ? { authorization } : {} });

describe('the local stack', () => {
  it('writes outputs.json with the cloud stack output names and the local-only keys', () => {
    for (const name of [...outputNames, ...localOutputNames]) {
      expect(typeof outputs[name]).toBe('string');
      expect(outputs[name]).not.toBe('');
    }
    expect(outputs.ApiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('answers GET /health with 200 and the table check', async () => {
    const response = await fetch(`${outputs.ApiUrl}/health`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = await response.json();
    expect(body).toMatchObject({ status: 'ok', checks: { table: { status: 'ok' } } });
  });

  it('answers an unknown route the way API Gateway does', async () => {
    const response = await fetch(`${outputs.ApiUrl}/no-such-route`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ message: 'Not Found' });
  });

  it('creates both user pools with the sign-in settings shared/security/user-pools.ts declares', async () => {
    const cognito = new CognitoIdentityProviderClient({
      endpoint: outputs.CognitoEndpoint,
      region: localRegion,
      credentials: localCredentials,
    });
    const portal = await cognito.send(new DescribeUserPoolCommand({ UserPoolId: outputs.PortalUserPoolId }));
    const staff = await cognito.send(new DescribeUserPoolCommand({ UserPoolId: outputs.StaffUserPoolId }));
    cognito.destroy();
    expect(portal.UserPool?.AliasAttributes).toEqual([...userPools.portal.signInAliases]);
    expect(portal.UserPool?.UsernameAttributes ?? []).toEqual([]);
    expect(staff.UserPool?.UsernameAttributes).toEqual(['email']);
    expect(portal.UserPool?.Policies?.PasswordPolicy?.MinimumLength).toBe(userPools.portal.passwordMinLength);
  });

  it('serves the mailbox page of the local mail server', async () => {
    const response = await fetch(outputs.MailboxUrl);
    expect(response.status).toBe(200);
  });
});

describe('the local JWT authorizer on a staff route', () => {
  it('lets a real staff access token through and hands its claims to the handler', async () => {
    const token = await staffAccessToken(outputs);
    const response = await getMe(`Bearer ${token}`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { subject: string };
    expect(body).toMatchObject({ clientId: outputs.StaffClientId, tokenUse: 'access' });
    expect(body.subject).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('accepts a token it did not issue itself when claims and signature are right (positive control for the forgeries below)', async () => {
    const { key, kid } = cognitoLocalSigningKey();
    const response = await getMe(`Bearer ${signJwt(staffAccessClaims(outputs), key, kid)}`);
    expect(response.status).toBe(200);
  });

  it('refuses a request without a token', async () => {
    const response = await getMe();
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ message: 'Unauthorized' });
  });

  it('refuses a token signed with another key', async () => {
    const forged = signJwt(staffAccessClaims(outputs), strangerKey(), cognitoLocalSigningKey().kid);
    expect((await getMe(`Bearer ${forged}`)).status).toBe(401);
  });

  it('refuses an expired token', async () => {
    const { key, kid } = cognitoLocalSigningKey();
    const now = Math.floor(Date.now() / 1000);
    const expired = signJwt(staffAccessClaims(outputs, { iat: now - 7200, exp: now - 3600 }), key, kid);
    expect((await getMe(`Bearer ${expired}`)).status).toBe(401);
  });

  it('refuses a token for another client (audience)', async () => {
    const { key, kid } = cognitoLocalSigningKey();
    const token = signJwt(staffAccessClaims(outputs, { client_id: outputs.PortalClientId }), key, kid);
    expect((await getMe(`Bearer ${token}`)).status).toBe(401);
  });

  it('refuses a token from another issuer (the portal pool)', async () => {
    const { key, kid } = cognitoLocalSigningKey();
    const token = signJwt(
      staffAccessClaims(outputs, { iss: `${outputs.CognitoEndpoint}/${outputs.PortalUserPoolId}` }),
      key,
      kid,
    );
    expect((await getMe(`Bearer ${token}`)).status).toBe(401);
  });

  it('refuses garbage', async () => {
    expect((await getMe('Bearer not-a-jwt')).status).toBe(401);
  });
});

describe('the local Lambda invoke endpoint', () => {
  const lambda = () =>
    new LambdaClient({ endpoint: outputs.LambdaEndpoint, region: localRegion, credentials: localCredentials });

  it('invokes a declared function with the event it is given', async () => {
    const client = lambda();
    const event = {
      version: '2.0',
      routeKey: 'GET /health',
      rawPath: '/health',
      rawQueryString: '',
      headers: {},
      isBase64Encoded: false,
      requestContext: { requestId: 'invoke-test', http: { method: 'GET', path: '/health' } },
    };
    const result = await client.send(new InvokeCommand({ FunctionName: 'health', Payload: JSON.stringify(event) }));
    client.destroy();
    expect(result.FunctionError).toBeUndefined();
    const payload = JSON.parse(Buffer.from(result.Payload!).toString());
    expect(payload.statusCode).toBe(200);
    expect(payload.headers['x-correlation-id']).toBe('invoke-test');
  });

  it('reports an unknown function as ResourceNotFoundException', async () => {
    const client = lambda();
    await expect(client.send(new InvokeCommand({ FunctionName: 'no-such-function' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
    client.destroy();
  });
});
