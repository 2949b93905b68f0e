import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Proof that a request came through Portico's own CloudFront distribution: CloudFront adds this header to every
 * request it forwards to the API (an origin custom header), carrying a secret only it and the API know. A request
 * straight to the API's execute-api address cannot carry the right value, so only proven requests may tell the API
 * who the viewer was (CloudFront-Viewer-Address). The local web origin adds it the same way.
 */
export const originVerifyHeader = 'x-portico-origin-verify';

/** The accepted values: the current one and, during a rotation, the one before it. */
export type OriginSecrets = readonly string[];

export interface OriginVerifierOptions {
  /** Reads the accepted values (Secrets Manager in the cloud and locally); called at most once per `ttlMs`. */
  readonly load: () => Promise<OriginSecrets>;
  /** How long loaded values are trusted before they are read again; a rotation waits at least this long. */
  readonly ttlMs?: number;
  readonly now?: () => number;
}

export interface OriginVerifier {
  /** True when `given` is one of the accepted values. Loads them on first use, never at cold start. */
  verify(given: string | undefined): Promise<boolean>;
}

/** Five minutes: the wait the rotation procedure (README) asks for between changing the secret and CloudFront. */
export const defaultOriginSecretTtlMs = 5 * 60 * 1000;

export function createOriginVerifier(options: OriginVerifierOptions): OriginVerifier {
  const ttlMs = options.ttlMs ?? defaultOriginSecretTtlMs;
  const now = options.now ?? Date.now;
  let cached: { readonly digests: readonly Buffer[]; readonly until: number } | undefined;
  // One read at a time: concurrent requests on a cold cache share it. A failed read is not cached.
  let loading: Promise<readonly Buffer[]> | undefined;

  async function accepted(): Promise<readonly Buffer[]> {
    if (cached && now() < cached.until) return cached.digests;
    loading ??= options
      .load()
      .then((values) => {
        const digests = values.filter((value) => value.length > 0).map(digest);
        cached = { digests, until: now() + ttlMs };
        return digests;
      })
      .finally(() => {
        loading = undefined;
      });
    return loading;
  }

  return {
    async verify(given) {
      // Nothing to prove, nothing to load: a request without the header never costs a Secrets Manager call.
      if (!given) return false;
      return matchesAny(given, await accepted());
    },
  };
}

/**
 * Compares `given` with every accepted value in constant time: each side is hashed to 32 bytes first (so lengths
 * never differ and timingSafeEqual never throws), and every value is compared even after a match.
 */
export function matchesAny(given: string, acceptedDigests: readonly Buffer[]): boolean {
  const candidate = digest(given);
  let matched = false;
  for (const value of acceptedDigests) matched = timingSafeEqual(candidate, value) || matched;
  return matched;
}

export function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
