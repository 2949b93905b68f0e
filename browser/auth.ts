/// <reference lib="dom" />
import { appUrl, type AppConfig } from './config';
import { inAppRoute } from './routes';

/**
 * Sign-in through the hosted login: authorization code with PKCE (S256) and a random `state`, checked on
 * the way back. Tokens live in this tab's sessionStorage only (never localStorage): a reload keeps the
 * session, closing the tab ends it, and other tabs or sites cannot read it.
 */

export interface Tokens {
  readonly accessToken: string;
  readonly idToken: string;
  readonly refreshToken?: string;
  /** Epoch milliseconds at which the access token expires. */
  readonly expiresAt: number;
}

/** Why a sign-in or refresh ended without tokens. */
export type AuthFailure = 'refused' | 'expired' | 'state-mismatch' | 'network' | 'failed';

export class AuthError extends Error {
  constructor(
    readonly reason: AuthFailure,
    message: string,
  ) {
    super(message);
    this.name = 'AuthError';
  }
}

const sessionKey = 'portico.session';
const pendingKey = 'portico.sign-in';

const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

const randomString = (byteCount: number) => base64url(crypto.getRandomValues(new Uint8Array(byteCount)));

/** RFC 7636 S256: base64url(SHA-256(verifier)). */
export async function codeChallengeOf(verifier: string): Promise<string> {
  return base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
}

export function loadSession(): Tokens | undefined {
  try {
    const stored = JSON.parse(sessionStorage.getItem(sessionKey) ?? 'null') as Tokens | null;
    return stored && typeof stored.accessToken === 'string' ? stored : undefined;
  } catch {
    return undefined;
  }
}

export const saveSession = (tokens: Tokens) => sessionStorage.setItem(sessionKey, JSON.stringify(tokens));

export function clearSession() {
  sessionStorage.removeItem(sessionKey);
  sessionStorage.removeItem(pendingKey);
}

/**
 * Sends the browser to the hosted login; it comes back to the app with `?code&state`. The page the person was on
 * (`returnTo`, an in-app route only) waits in this tab beside the PKCE verifier, never in the URL the login sees.
 */
export async function beginSignIn(config: AppConfig, returnTo?: string): Promise<void> {
  const verifier = randomString(32);
  const state = randomString(16);
  const route = returnTo === undefined ? undefined : inAppRoute(returnTo);
  sessionStorage.setItem(pendingKey, JSON.stringify({ verifier, state, route }));
  const authorize = new URL(`${config.loginUrl}/oauth2/authorize`);
  authorize.search = new URLSearchParams({
    client_id: config.clientId,
    redirect_uri: appUrl(),
    response_type: 'code',
    scope: config.scopes,
    state,
    code_challenge: await codeChallengeOf(verifier),
    code_challenge_method: 'S256',
  }).toString();
  location.assign(authorize.toString());
}

/** Is this page load the hosted login coming back to us? */
export const isSignInCallback = (params: URLSearchParams) =>
  params.has('state') && (params.has('code') || params.has('error'));

/** Token endpoint refusals caused by our token gate (pre token generation) read like this. */
const refusedByGate = /PreTokenGeneration|UserLambdaValidation|not available for this account/i;

async function tokenRequest(config: AppConfig, form: Record<string, string>, previous?: Tokens): Promise<Tokens> {
  let response: Response;
  try {
    response = await fetch(`${config.loginUrl}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  } catch {
    throw new AuthError('network', 'The sign-in service could not be reached.');
  }
  const text = await response.text();
  if (!response.ok) {
    if (refusedByGate.test(text)) throw new AuthError('refused', 'Access refused.');
    if (response.status >= 500 && !/invalid_grant/.test(text))
      throw new AuthError('failed', `The sign-in service answered ${response.status}.`);
    throw new AuthError('expired', 'The session is no longer valid.');
  }
  const body = JSON.parse(text) as Record<string, unknown>;
  if (typeof body.access_token !== 'string' || typeof body.id_token !== 'string')
    throw new AuthError('failed', 'The sign-in service sent no tokens.');
  // With refresh token rotation Cognito sends a new refresh token; without it, the old one stays valid.
  const refreshToken = typeof body.refresh_token === 'string' ? body.refresh_token : previous?.refreshToken;
  return {
    accessToken: body.access_token,
    idToken: body.id_token,
    ...(refreshToken ? { refreshToken } : {}),
    expiresAt: Date.now() + Number(body.expires_in ?? 3600) * 1000,
  };
}

/**
 * Exchanges the callback's code for tokens, after checking it answers the sign-in this tab started; also gives back
 * the in-app route the sign-in started from, checked again on the way out.
 */
export async function completeSignIn(
  config: AppConfig,
  params: URLSearchParams,
): Promise<{ tokens: Tokens; route: string | undefined }> {
  const pending = JSON.parse(sessionStorage.getItem(pendingKey) ?? 'null') as {
    verifier: string;
    state: string;
    route?: string;
  } | null;
  sessionStorage.removeItem(pendingKey);
  // A callback we did not start (or one replayed from history) is not our sign-in: drop it.
  if (!pending || params.get('state') !== pending.state)
    throw new AuthError('state-mismatch', 'This sign-in was not started here.');
  const error = params.get('error');
  if (error) {
    const description = params.get('error_description') ?? '';
    throw new AuthError(refusedByGate.test(description) ? 'refused' : 'failed', `${error} ${description}`.trim());
  }
  const tokens = await tokenRequest(config, {
    grant_type: 'authorization_code',
    client_id: config.clientId,
    code: params.get('code') ?? '',
    redirect_uri: appUrl(),
    code_verifier: pending.verifier,
  });
  saveSession(tokens);
  return { tokens, route: typeof pending.route === 'string' ? inAppRoute(pending.route) : undefined };
}

export async function refreshSession(config: AppConfig, tokens: Tokens): Promise<Tokens> {
  if (!tokens.refreshToken) throw new AuthError('expired', 'No refresh token.');
  const refreshed = await tokenRequest(
    config,
    { grant_type: 'refresh_token', client_id: config.clientId, refresh_token: tokens.refreshToken },
    tokens,
  );
  saveSession(refreshed);
  return refreshed;
}

/** Milliseconds until a refresh is due: a minute before expiry, never sooner than in five seconds. */
export const refreshDelay = (tokens: Tokens, now = Date.now()) => Math.max(5_000, tokens.expiresAt - 60_000 - now);

/**
 * Ends the session: revokes the refresh token (best effort: the tokens are dropped either way), forgets
 * the tokens, and passes through the hosted login's sign-out so its own session cookie goes too.
 */
export async function signOut(config: AppConfig, tokens: Tokens | undefined): Promise<void> {
  clearSession();
  if (tokens?.refreshToken) {
    await fetch(`${config.loginUrl}/oauth2/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: tokens.refreshToken, client_id: config.clientId }).toString(),
    }).catch(() => undefined);
  }
  const logout = new URL(`${config.loginUrl}/logout`);
  logout.search = new URLSearchParams({ client_id: config.clientId, logout_uri: appUrl() }).toString();
  location.assign(logout.toString());
}
