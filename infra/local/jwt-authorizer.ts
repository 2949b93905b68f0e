import { JwtVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import type { Fetcher } from 'aws-jwt-verify/https';

/**
 * Verifies a bearer token the way an API Gateway HTTP API JWT authorizer does: signature against the
 * issuer's JWKS, `iss` equal to the configured issuer, `aud` or `client_id` among the configured
 * audiences, and `exp`/`nbf`/`iat` against the clock. Local runtime only: it trusts cognito-local's
 * issuer, whose signing key ships in a public npm package.
 */
export interface JwtAuthorizerConfig {
  readonly issuer: string;
  readonly audiences: readonly string[];
  readonly jwksUri: string;
}

export type JwtClaims = Record<string, unknown>;

export type AuthorizerResult =
  | { readonly authorized: true; readonly claims: Record<string, string>; readonly scopes: string[] | null }
  | { readonly authorized: false; readonly reason: string };

/** The SDK's fetcher speaks HTTPS only; cognito-local serves its JWKS over plain HTTP on loopback. */
const loopbackFetcher: Fetcher = {
  async fetch(uri) {
    const response = await fetch(uri, { signal: AbortSignal.timeout(3000) });
    if (!response.ok) throw new Error(`JWKS fetch failed with ${response.status}`);
    return response.arrayBuffer();
  },
};

/** API Gateway hands claims to the integration as strings; arrays become `[a b]`. */
export function flattenClaims(payload: JwtClaims): Record<string, string> {
  return Object.fromEntries(
    Object.entries(payload).map(([name, value]) => [
      name,
      Array.isArray(value) ? `[${value.join(' ')}]` : typeof value === 'object' ? JSON.stringify(value) : String(value),
    ]),
  );
}

export function createJwtAuthorizer(config: JwtAuthorizerConfig) {
  const verifier = JwtVerifier.create(
    {
      issuer: config.issuer,
      jwksUri: config.jwksUri,
      // Checked below: Cognito access tokens carry `client_id`, ID tokens `aud`.
      audience: null,
      customJwtCheck: ({ payload }) => {
        const audiences = [payload.aud, payload.client_id].flat().filter((v): v is string => typeof v === 'string');
        if (!audiences.some((a) => config.audiences.includes(a))) throw new Error('audience not allowed');
        if (typeof payload.iat === 'number' && payload.iat > Date.now() / 1000 + 60)
          throw new Error('issued in the future');
      },
    },
    { jwksCache: new SimpleJwksCache({ fetcher: loopbackFetcher }) },
  );

  return async function authorize(authorizationHeader: string | undefined): Promise<AuthorizerResult> {
    if (!authorizationHeader) return { authorized: false, reason: 'missing token' };
    // API Gateway accepts the token with or without the Bearer scheme.
    const token = authorizationHeader.replace(/^Bearer\s+/i, '').trim();
    try {
      const payload = (await verifier.verify(token)) as JwtClaims;
      const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ') : null;
      return { authorized: true, claims: flattenClaims(payload), scopes };
    } catch (error) {
      return { authorized: false, reason: (error as Error).message };
    }
  };
}

export type JwtAuthorizer = ReturnType<typeof createJwtAuthorizer>;
