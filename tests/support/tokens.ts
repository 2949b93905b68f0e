import { createPrivateKey, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { CognitoIdentityProviderClient, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { LocalOutputs } from '../../infra/outputs';
import { localCredentials, localRegion } from '../../infra/local/local-aws';

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

export function signJwt(claims: Record<string, unknown>, key: KeyObject, kid: string): string {
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid }));
  const payload = base64url(JSON.stringify(claims));
  const signature = sign('RSA-SHA256', Buffer.from(`${header}.${payload}`), key);
  return `${header}.${payload}.${base64url(signature)}`;
}

/** cognito-local signs every token with this key, published in its npm package. */
export function cognitoLocalSigningKey(): { key: KeyObject; kid: string } {
  const file = createRequire(__filename).resolve('cognito-local/lib/keys/cognitoLocal.private.json');
  const { jwk } = JSON.parse(readFileSync(file, 'utf8')) as { jwk: { kid: string } & Record<string, string> };
  return { key: createPrivateKey({ key: jwk, format: 'jwk' }), kid: jwk.kid };
}

/** A key nobody trusts, for forged tokens. */
export function strangerKey(): KeyObject {
  return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
}

/** Claims shaped like a Cognito access token of the staff pool, valid for a minute unless overridden. */
export function staffAccessClaims(outputs: LocalOutputs, overrides: Record<string, unknown> = {}) {
  const now = Math.floor(Date.now() / 1000);
  return {
    sub: randomUUID(),
    iss: `${outputs.CognitoEndpoint}/${outputs.StaffUserPoolId}`,
    client_id: outputs.StaffClientId,
    token_use: 'access',
    scope: 'aws.cognito.signin.user.admin',
    auth_time: now,
    iat: now,
    exp: now + 60,
    jti: randomUUID(),
    username: 'someone',
    ...overrides,
  };
}

export async function signIn(endpoint: string, clientId: string, username: string, password: string) {
  const cognito = new CognitoIdentityProviderClient({ endpoint, region: localRegion, credentials: localCredentials });
  try {
    const result = await cognito.send(
      new InitiateAuthCommand({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: clientId,
        AuthParameters: { USERNAME: username, PASSWORD: password },
      }),
    );
    if (!result.AuthenticationResult?.AccessToken) throw new Error(`No tokens for ${username}`);
    return result.AuthenticationResult;
  } finally {
    cognito.destroy();
  }
}

export async function staffAccessToken(outputs: LocalOutputs): Promise<string> {
  const tokens = await signIn(
    outputs.CognitoEndpoint,
    outputs.StaffClientId,
    outputs.StaffUsername,
    outputs.StaffPassword,
  );
  return tokens.AccessToken!;
}
