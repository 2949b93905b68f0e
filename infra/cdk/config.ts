/**
 * Deployment settings read from CDK context (`cdk.json`, `cdk.context.json` or `cdk deploy -c key=value`).
 * Every value is validated here, before any construct exists, so a bad setting fails synth with a message
 * naming the key instead of failing half-way through a CloudFormation deployment.
 *
 * Values passed with `-c` arrive as strings; values from cdk.json arrive as JSON. Lists therefore accept a
 * JSON array or a comma-separated string, and `apiThrottle` accepts an object or its JSON text.
 */

export interface ApiThrottle {
  /** Steady-state requests per second for the whole default stage. */
  readonly rateLimit: number;
  /** Requests the stage accepts in a burst above the steady rate. */
  readonly burstLimit: number;
}

export interface DeploymentConfig {
  /** Browser origins allowed by CORS; empty means no CORS configuration at all. */
  readonly allowedOrigins: readonly string[];
  /** Where the hosted login may redirect after sign-in (portal app client). */
  readonly portalCallbackUrls: readonly string[];
  /** Where the hosted login may redirect after sign-out (portal app client). */
  readonly portalLogoutUrls: readonly string[];
  /** IANA zone the business operates in. Validated, but no resource uses it yet. */
  readonly timeZone: string;
  readonly apiThrottle: ApiThrottle;
  /**
   * Prefix of the Cognito hosted login domain (`<prefix>.auth.<region>.amazoncognito.com`). Undefined means
   * the stack derives one from its own CloudFormation stack id, which is stable for the stack's lifetime and
   * unique, so two deployments (accounts, regions, stack copies) never collide on the global prefix namespace.
   */
  readonly domainPrefix: string | undefined;
  /** Settings that fell back to development-only defaults; the app surfaces these as synth warnings. */
  readonly warnings: readonly string[];
}

/** Reads one context value; `app.node.tryGetContext` in the app, a plain lookup in tests. */
export type ContextGetter = (key: string) => unknown;

export const contextKeys = {
  allowedOrigins: 'allowedOrigins',
  portalCallbackUrls: 'portalCallbackUrls',
  portalLogoutUrls: 'portalLogoutUrls',
  timeZone: 'timeZone',
  apiThrottle: 'apiThrottle',
  domainPrefix: 'domainPrefix',
} as const;

/**
 * The local web app's address. Cognito accepts plain http only for localhost, so this default deploys, but
 * a shared environment must pass its real portal URLs; synth warns whenever this default is in use.
 */
export const localPortalUrl = 'http://localhost:5173/';

export const defaultApiThrottle: ApiThrottle = { rateLimit: 50, burstLimit: 100 };

export class ConfigError extends Error {
  constructor(problems: readonly string[]) {
    super(`Invalid CDK context:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses and validates every setting, collecting all problems so one synth reports them all. */
export function parseDeploymentConfig(get: ContextGetter): DeploymentConfig {
  const problems: string[] = [];
  const warnings: string[] = [];

  const allowedOrigins = readList(get, contextKeys.allowedOrigins, problems) ?? [];
  allowedOrigins.forEach((origin) => checkOrigin(origin, problems));

  const portalUrls = (key: 'portalCallbackUrls' | 'portalLogoutUrls') => {
    const urls = readList(get, key, problems);
    if (urls === null) return [];
    if (urls === undefined) {
      warnings.push(`${key} is not set; using ${localPortalUrl}, which only suits local development.`);
      return [localPortalUrl];
    }
    if (urls.length === 0) problems.push(`${key} must list at least one URL.`);
    urls.forEach((url) => checkRedirectUrl(key, url, problems));
    return urls;
  };
  const portalCallbackUrls = portalUrls(contextKeys.portalCallbackUrls);
  const portalLogoutUrls = portalUrls(contextKeys.portalLogoutUrls);

  const timeZone = readString(get, contextKeys.timeZone, problems) ?? 'UTC';
  checkTimeZone(timeZone, problems);

  const apiThrottle = readThrottle(get, problems);

  const domainPrefix = readString(get, contextKeys.domainPrefix, problems);
  if (domainPrefix !== undefined) checkDomainPrefix(domainPrefix, problems);

  if (problems.length > 0) throw new ConfigError(problems);
  return { allowedOrigins, portalCallbackUrls, portalLogoutUrls, timeZone, apiThrottle, domainPrefix, warnings };
}

function readString(get: ContextGetter, key: string, problems: string[]): string | undefined {
  const value = get(key);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.trim() === '') {
    problems.push(`${key} must be a non-empty string, got ${JSON.stringify(value)}.`);
    return undefined;
  }
  return value.trim();
}

/** The list, undefined when the key is not set, or null when it is malformed (the problem is recorded). */
function readList(get: ContextGetter, key: string, problems: string[]): string[] | undefined | null {
  let value = get(key);
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') {
    const text = value.trim();
    if (text.startsWith('[')) {
      try {
        value = JSON.parse(text);
      } catch {
        problems.push(`${key} looks like a JSON array but does not parse: ${text}`);
        return null;
      }
    } else {
      value = text === '' ? [] : text.split(',').map((item) => item.trim());
    }
  }
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && item.trim() !== '')) {
    problems.push(
      `${key} must be a list of non-empty strings (JSON array or comma-separated), got ${JSON.stringify(value)}.`,
    );
    return null;
  }
  return value.map((item: string) => item.trim());
}

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/** A CORS origin is scheme + host (+ port): browsers send exactly that, so anything more never matches. */
function checkOrigin(origin: string, problems: string[]): void {
  const url = parseUrl(origin);
  if (!url || url.protocol !== 'https:') {
    problems.push(`allowedOrigins entry "${origin}" must be an https origin such as https://portal.example.com.`);
  } else if (url.origin !== origin) {
    problems.push(
      `allowedOrigins entry "${origin}" must be an origin only (scheme and host, no path or trailing slash): use "${url.origin}".`,
    );
  }
}

/** Cognito's own rules for callback and sign-out URLs: absolute, https unless localhost, no fragment. */
function checkRedirectUrl(key: string, text: string, problems: string[]): void {
  const url = parseUrl(text);
  if (!url) {
    problems.push(`${key} entry "${text}" is not an absolute URL.`);
    return;
  }
  const localHttp = url.protocol === 'http:' && url.hostname === 'localhost';
  if (url.protocol !== 'https:' && !localHttp) {
    problems.push(`${key} entry "${text}" must use https (Cognito allows plain http only for localhost).`);
  }
  if (url.hash !== '') problems.push(`${key} entry "${text}" must not contain a #fragment.`);
}

function checkTimeZone(timeZone: string, problems: string[]): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    problems.push(
      `timeZone "${timeZone}" is not an IANA time zone known to this runtime (e.g. "Europe/Berlin", "UTC").`,
    );
  }
}

/** Cognito prefix rules: lower-case letters, digits and inner hyphens, and no AWS trademarks. */
function checkDomainPrefix(prefix: string, problems: string[]): void {
  if (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(prefix)) {
    problems.push(
      `domainPrefix "${prefix}" must be 1-63 characters of a-z, 0-9 and hyphens, starting and ending with a letter or digit.`,
    );
  }
  const reserved = ['aws', 'amazon', 'cognito'].filter((word) => prefix.includes(word));
  if (reserved.length > 0)
    problems.push(`domainPrefix "${prefix}" must not contain "${reserved.join('", "')}" (Cognito reserves them).`);
}

function readThrottle(get: ContextGetter, problems: string[]): ApiThrottle {
  let value = get(contextKeys.apiThrottle);
  if (value === undefined || value === null) return defaultApiThrottle;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      problems.push(
        `apiThrottle must be an object like {"rateLimit":50,"burstLimit":100}, got ${JSON.stringify(value)}.`,
      );
      return defaultApiThrottle;
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push(
      `apiThrottle must be an object like {"rateLimit":50,"burstLimit":100}, got ${JSON.stringify(value)}.`,
    );
    return defaultApiThrottle;
  }
  const given = value as Record<string, unknown>;
  const unknownKeys = Object.keys(given).filter((key) => key !== 'rateLimit' && key !== 'burstLimit');
  if (unknownKeys.length > 0) problems.push(`apiThrottle has unknown keys: ${unknownKeys.join(', ')}.`);
  const rateLimit = given.rateLimit ?? defaultApiThrottle.rateLimit;
  const burstLimit = given.burstLimit ?? defaultApiThrottle.burstLimit;
  if (typeof rateLimit !== 'number' || !Number.isFinite(rateLimit) || rateLimit <= 0) {
    problems.push(
      `apiThrottle.rateLimit must be a positive number of requests per second, got ${JSON.stringify(rateLimit)}.`,
    );
  }
  if (typeof burstLimit !== 'number' || !Number.isInteger(burstLimit) || burstLimit <= 0) {
    problems.push(
      `apiThrottle.burstLimit must be a positive whole number of requests, got ${JSON.stringify(burstLimit)}.`,
    );
  }
  return { rateLimit: rateLimit as number, burstLimit: burstLimit as number };
}
