import { createHash, randomBytes } from 'node:crypto';
import type { LocalOutputs } from '../../infra/outputs';

/**
 * The portal's hosted login as a browser drives it: authorization code with PKCE (S256) on the portal app
 * client, a random `state` checked on the way back, then the code exchanged at the token endpoint.
 */

export interface HostedTokens {
  readonly accessToken: string;
  readonly idToken: string;
  /** Absent from a refresh answer, as with Cognito. */
  readonly refreshToken?: string;
  readonly tokenType: string;
  readonly expiresIn: number;
}

/** A step of the hosted login that did not end with tokens: what the endpoint answered. */
export class HostedLoginError extends Error {
  constructor(
    readonly step: 'authorize' | 'sign-in' | 'callback' | 'token' | 'refresh',
    readonly status: number,
    readonly body: string,
  ) {
    super(`Hosted login failed at ${step}: ${status} ${body.slice(0, 500)}`);
    this.name = 'HostedLoginError';
  }
}

const base64url = (bytes: Buffer) => bytes.toString('base64url');

/** RFC 7636: a 43-character verifier from 32 random bytes, and its S256 challenge. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = base64url(randomBytes(32));
  const challenge = base64url(createHash('sha256').update(verifier, 'ascii').digest());
  return { verifier, challenge };
}

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'" };
const decodeEntities = (value: string) => value.replace(/&(amp|lt|gt|quot|#39|apos);/g, (_, name) => entities[name]!);

/** The sign-in form of the login page: where it posts, and its hidden fields, as a browser reads them. */
export function parseLoginForm(html: string, pageUrl: string): { action: string; fields: Record<string, string> } {
  const form = /<form\b[^>]*\baction="([^"]*)"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) throw new Error(`No sign-in form on the login page: ${html.slice(0, 300)}`);
  const fields: Record<string, string> = {};
  for (const input of form[2]!.matchAll(/<input\b[^>]*>/gi)) {
    const tag = input[0];
    if (!/\btype="hidden"/i.test(tag)) continue;
    const name = /\bname="([^"]*)"/i.exec(tag)?.[1];
    const value = /\bvalue="([^"]*)"/i.exec(tag)?.[1] ?? '';
    if (name) fields[decodeEntities(name)] = decodeEntities(value);
  }
  return { action: new URL(decodeEntities(form[1]!), pageUrl).toString(), fields };
}

export function hostedLogin(outputs: LocalOutputs, options: { scope?: string; userAgent?: string } = {}) {
  const loginUrl = outputs.CognitoEndpoint;
  const clientId = outputs.PortalClientId;
  /** The portal web app's registered callback: the app's own address (infra/local/local-stack.ts). */
  const redirectUri = outputs.PortalWebUrl;
  const scope = options.scope ?? 'openid email profile';
  const headers = { 'user-agent': options.userAgent ?? 'portico-tests hosted-login' };

  async function tokenRequest(step: 'token' | 'refresh', form: Record<string, string>): Promise<HostedTokens> {
    const response = await fetch(`${loginUrl}/oauth2/token`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
    const text = await response.text();
    if (response.status !== 200) throw new HostedLoginError(step, response.status, text);
    const body = JSON.parse(text) as Record<string, unknown>;
    if (typeof body.access_token !== 'string' || typeof body.id_token !== 'string')
      throw new HostedLoginError(step, response.status, text);
    return {
      accessToken: body.access_token,
      idToken: body.id_token,
      ...(typeof body.refresh_token === 'string' ? { refreshToken: body.refresh_token } : {}),
      tokenType: String(body.token_type),
      expiresIn: Number(body.expires_in),
    };
  }

  /** Signs in through the hosted login page and returns the tokens the callback's code is exchanged for. */
  async function signIn(username: string, password: string): Promise<HostedTokens> {
    const { verifier, challenge } = pkcePair();
    const state = base64url(randomBytes(16));

    // 1. The browser is sent to the authorize endpoint and gets the login page.
    const authorize = new URL(`${loginUrl}/oauth2/authorize`);
    authorize.search = new URLSearchParams({
      client_id: clientId,
      redirect_uri: redirectUri,
      response_type: 'code',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      scope,
      state,
    }).toString();
    const page = await fetch(authorize, { headers, redirect: 'manual' });
    const html = await page.text();
    if (page.status !== 200) throw new HostedLoginError('authorize', page.status, html);

    // 2. The person fills in the form; the browser posts it with its hidden fields.
    const form = parseLoginForm(html, authorize.toString());
    const submitted = await fetch(form.action, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...form.fields, username, password }).toString(),
      redirect: 'manual',
    });
    const location = submitted.headers.get('location');
    if (submitted.status < 300 || submitted.status > 399 || !location)
      throw new HostedLoginError('sign-in', submitted.status, await submitted.text());

    // 3. The callback: only our own redirect URI, only with the state we sent (else it is not our login).
    const callback = new URL(location, form.action);
    if (`${callback.origin}${callback.pathname}` !== redirectUri)
      throw new HostedLoginError('callback', submitted.status, `redirected to ${location}, not ${redirectUri}`);
    if (callback.searchParams.get('state') !== state)
      throw new HostedLoginError('callback', submitted.status, `state mismatch in ${location}`);
    const error = callback.searchParams.get('error');
    if (error) throw new HostedLoginError('callback', submitted.status, `${error}: ${location}`);
    const code = callback.searchParams.get('code');
    if (!code) throw new HostedLoginError('callback', submitted.status, `no code in ${location}`);

    // 4. The app exchanges the code, proving it holds the verifier.
    return tokenRequest('token', {
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
      client_id: clientId,
      code_verifier: verifier,
    });
  }

  /** New access and ID tokens for a refresh token, from the token endpoint. */
  function refresh(refreshToken: string): Promise<HostedTokens> {
    return tokenRequest('refresh', { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId });
  }

  return { signIn, refresh, redirectUri };
}

/** The claims of a JWT, unverified (for assertions on tokens the test itself just received). */
export function jwtClaims(token: string): Record<string, unknown> {
  const payload = token.split('.')[1];
  if (!payload) throw new Error('Not a JWT');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}
