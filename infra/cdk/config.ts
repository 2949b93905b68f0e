import { defaultCreateRate } from '../../shared/config/provisioning-defaults';
import { quotas, type QuotaName } from '../../shared/quotas/quota-rates';
import { defaultOrganizationName, organizationNameProblem } from '../../shared/access/portal-code-email';
import { accentColorProblem, defaultAccentColor, logoUrlProblem, type Branding } from '../../shared/branding/branding';
import { emailAddress } from '../../shared/modules/fields';

/**
 * Deployment settings read from CDK context (`cdk.json`, `cdk.context.json` or `cdk deploy -c key=value`).
 * Every value is validated here, before any construct exists, so a bad setting fails synth with a message
 * naming the key instead of failing half-way through a CloudFormation deployment.
 *
 * Values passed with `-c` arrive as strings; values from cdk.json arrive as JSON. Lists therefore accept a
 * JSON array or a comma-separated string, `apiThrottle` accepts an object or its JSON text, and `cognitoCreateRate`
 * a number or its text.
 */

export interface ApiThrottle {
  /** Steady-state requests per second for the whole default stage. */
  readonly rateLimit: number;
  /** Requests the stage accepts in a burst above the steady rate. */
  readonly burstLimit: number;
}

/** The portal web app's own host name and the certificate CloudFront serves it with. */
export interface PortalDomain {
  /** A lower-case host name such as `portal.example.com`. */
  readonly domainName: string;
  /** An ACM certificate in us-east-1 covering `domainName`. */
  readonly certificateArn: string;
}

export interface DeploymentConfig {
  /**
   * Browser origins allowed by CORS; empty means no CORS configuration at all. The portal web app needs none (it
   * calls the API on its own origin, through CloudFront); other browser clients, such as a staff CRM front end, do.
   */
  readonly allowedOrigins: readonly string[];
  /**
   * Where the portal web app is served instead of the distribution's `*.cloudfront.net` name. Undefined keeps
   * CloudFront's default name and certificate.
   */
  readonly portalDomain: PortalDomain | undefined;
  /**
   * Where the hosted login may redirect after sign-in (portal app client). Undefined means the portal web app's
   * own address (`PortalWebUrl`: `https://<portalDomain>/`, else the CloudFront distribution's), known only to the
   * stack.
   */
  readonly portalCallbackUrls: readonly string[] | undefined;
  /** Where the hosted login may redirect after sign-out (portal app client); undefined as for callbacks. */
  readonly portalLogoutUrls: readonly string[] | undefined;
  /** IANA zone the business operates in. Validated, but no resource uses it yet. */
  readonly timeZone: string;
  readonly apiThrottle: ApiThrottle;
  /**
   * Prefix of the Cognito hosted login domain (`<prefix>.auth.<region>.amazoncognito.com`). Undefined means
   * the stack derives one from its own CloudFormation stack id, which is stable for the stack's lifetime and
   * unique, so two deployments (accounts, regions, stack copies) never collide on the global prefix namespace.
   */
  readonly domainPrefix: string | undefined;
  /** The From address of invitations; SES sends only from a verified identity (this address or `senderDomain`). */
  readonly senderEmail: string;
  /**
   * Domain to verify as the SES identity instead of the single `senderEmail` address (DKIM records to publish in
   * DNS). Undefined verifies `senderEmail` itself (SES mails a confirmation link to it).
   */
  readonly senderDomain: string | undefined;
  /**
   * The portal web app's address, put in invitation emails. Undefined (neither it nor callback URLs configured)
   * means `PortalWebUrl`, which the stack supplies.
   */
  readonly portalSignInUrl: string | undefined;
  /**
   * AdminCreateUser calls per second each provisioning function instance allows itself; below Cognito's default
   * quota (50 per second per account and region) so sign-ins and other admin calls keep some headroom.
   */
  readonly cognitoCreateRate: number;
  /** Account-wide Cognito UserUpdate calls per second (enable, disable, attributes, passwords); AWS's default is 25. */
  readonly cognitoUpdateRate: number;
  /** Account-wide SES sends per second: set it under the account's own sending rate (SES console). */
  readonly sesSendRate: number;
  /** Address subscribed to the alarm topic; undefined leaves the topic without subscribers. */
  readonly alarmEmail: string | undefined;
  /**
   * The origin secret version CloudFront sends to the API (a Secrets Manager VersionId). Set only to carry a rotated
   * secret to CloudFront (README, "Rotating the origin secret"); undefined sends the current version.
   */
  readonly originSecretVersion: string | undefined;
  /**
   * The organization the portal belongs to, as its users know it: named in the subject and text of the portal pool's
   * code emails (password reset) and as their sender's display name. Default `Portico`.
   */
  readonly organizationName: string;
  /**
   * The organization's name, logo (`logoUrl`, https) and accent colour (`accentColor`, `#rrggbb` with AA contrast on
   * white; a lighter one is refused with a darker suggestion): the portal app's header, the hosted login and emails.
   */
  readonly branding: Branding;
  /** Days before a support window ends that the person gets one reminder email; 0 (the default) sends none. */
  readonly supportReminderDays: number;
  /** Settings that fell back to development-only defaults; the app surfaces these as synth warnings. */
  readonly warnings: readonly string[];
}

/** Reads one context value; `app.node.tryGetContext` in the app, a plain lookup in tests. */
export type ContextGetter = (key: string) => unknown;

export const contextKeys = {
  allowedOrigins: 'allowedOrigins',
  portalDomain: 'portalDomain',
  portalCertificateArn: 'portalCertificateArn',
  portalCallbackUrls: 'portalCallbackUrls',
  portalLogoutUrls: 'portalLogoutUrls',
  timeZone: 'timeZone',
  apiThrottle: 'apiThrottle',
  domainPrefix: 'domainPrefix',
  senderEmail: 'senderEmail',
  senderDomain: 'senderDomain',
  portalSignInUrl: 'portalSignInUrl',
  cognitoCreateRate: 'cognitoCreateRate',
  cognitoUpdateRate: 'cognitoUpdateRate',
  sesSendRate: 'sesSendRate',
  alarmEmail: 'alarmEmail',
  originSecretVersion: 'originSecretVersion',
  organizationName: 'organizationName',
  logoUrl: 'logoUrl',
  accentColor: 'accentColor',
  supportReminderDays: 'supportReminderDays',
} as const;

export const defaultApiThrottle: ApiThrottle = { rateLimit: 50, burstLimit: 100 };

/** A placeholder sender: deploys (SES mails a confirmation link nobody receives), but sends nothing; synth warns. */
export const placeholderSenderEmail = 'no-reply@example.com';

/** Cognito's default AdminCreateUser quota, per account and region. */
export const cognitoCreateUserQuota = 50;

/** CloudFront takes viewer certificates from ACM in this region only, wherever the stack is. */
export const cloudFrontCertificateRegion = 'us-east-1';

/** An ACM certificate ARN: partition, region, account and the certificate's UUID. */
const certificateArnPattern =
  /^arn:aws[a-z-]*:acm:(?<region>[a-z]{2}(?:-[a-z]+)+-[0-9]):[0-9]{12}:certificate\/[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}$/;

/** The form the provisioning functions accept for COGNITO_CREATE_RATE (shared/access/provisioner-environment.ts). */
const createRatePattern = /^[1-9][0-9]*(\.[0-9]+)?$/;

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

  const portalDomain = readPortalDomain(get, problems);

  // Not set: the stack's own web app (at portalDomain or CloudFront's name), known only once the stack exists.
  const portalUrls = (key: 'portalCallbackUrls' | 'portalLogoutUrls') => {
    const urls = readList(get, key, problems);
    if (urls === null) return [];
    if (urls === undefined) return undefined;
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

  const { senderEmail, senderDomain } = readSender(get, problems, warnings);
  const portalSignInUrl = readSignInUrl(get, portalCallbackUrls, problems, warnings);
  const cognitoCreateRate = readCreateRate(get, problems, warnings);
  const cognitoUpdateRate = readQuotaRate(get, contextKeys.cognitoUpdateRate, 'cognitoUpdate', problems, warnings);
  const sesSendRate = readQuotaRate(get, contextKeys.sesSendRate, 'sesSend', problems, warnings);

  const alarmEmail = readString(get, contextKeys.alarmEmail, problems);
  if (alarmEmail !== undefined && !isEmail(alarmEmail)) {
    problems.push(`alarmEmail "${alarmEmail}" is not an email address.`);
  }

  const originSecretVersion = readString(get, contextKeys.originSecretVersion, problems);
  // Secrets Manager version ids are 32 to 64 characters (a UUID when Secrets Manager picks them).
  if (originSecretVersion !== undefined && !/^[A-Za-z0-9-]{32,64}$/.test(originSecretVersion)) {
    problems.push(`originSecretVersion "${originSecretVersion}" is not a Secrets Manager version id.`);
  }
  const organizationName = readString(get, contextKeys.organizationName, problems) ?? defaultOrganizationName;
  const organizationProblem = organizationNameProblem(organizationName);
  if (organizationProblem) problems.push(`organizationName "${organizationName}" ${organizationProblem}.`);
  const supportReminderDays = readReminderDays(get, problems);
  const logoUrl = readString(get, contextKeys.logoUrl, problems);
  const logoProblem = logoUrl === undefined ? undefined : logoUrlProblem(logoUrl);
  if (logoProblem) problems.push(`${contextKeys.logoUrl} "${logoUrl}" ${logoProblem}.`);
  const accentColor = readString(get, contextKeys.accentColor, problems)?.toLowerCase() ?? defaultAccentColor;
  const accentProblem = accentColorProblem(accentColor);
  if (accentProblem) problems.push(`${contextKeys.accentColor} "${accentColor}" ${accentProblem}.`);

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    allowedOrigins,
    portalDomain,
    portalCallbackUrls,
    portalLogoutUrls,
    timeZone,
    apiThrottle,
    domainPrefix,
    senderEmail,
    senderDomain,
    portalSignInUrl,
    cognitoCreateRate,
    cognitoUpdateRate,
    sesSendRate,
    alarmEmail,
    originSecretVersion,
    organizationName,
    branding: { organizationName, ...(logoUrl === undefined ? {} : { logoUrl }), accentColor },
    supportReminderDays,
    warnings,
  };
}

/** Whole days, 0 (off, the default) to 99: the form SUPPORT_REMINDER_DAYS takes (functions/portal-access-daily.ts). */
function readReminderDays(get: ContextGetter, problems: string[]): number {
  const key = contextKeys.supportReminderDays;
  const value = get(key);
  if (value === undefined || value === null) return 0;
  const days = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof days !== 'number' || !Number.isInteger(days) || days < 0 || days > 99) {
    problems.push(`${key} must be a whole number of days from 0 (no reminders) to 99, got ${JSON.stringify(value)}.`);
    return 0;
  }
  return days;
}

/** The same email check the functions apply to SENDER_EMAIL at cold start. */
function isEmail(text: string): boolean {
  return emailAddress.test(text);
}

/**
 * senderEmail and senderDomain. With a domain, the address defaults to no-reply@<domain> and must be at that very
 * domain (the identity SES authorizes the send against, and the one the functions are granted). Without one, the
 * address itself is the identity, and the example.com placeholder is only good for a stack that sends nothing.
 */
function readSender(
  get: ContextGetter,
  problems: string[],
  warnings: string[],
): { senderEmail: string; senderDomain: string | undefined } {
  const given = readString(get, contextKeys.senderEmail, problems);
  let senderDomain = readString(get, contextKeys.senderDomain, problems)?.toLowerCase();
  if (senderDomain !== undefined && !isDomainName(senderDomain)) {
    problems.push(`senderDomain "${senderDomain}" must be a domain name such as mail.example.com.`);
    senderDomain = undefined;
  }
  if (given !== undefined && !isEmail(given)) {
    problems.push(`senderEmail "${given}" is not an email address.`);
  } else if (given !== undefined && senderDomain !== undefined) {
    const domain = given.slice(given.lastIndexOf('@') + 1).toLowerCase();
    if (domain !== senderDomain) {
      problems.push(
        `senderEmail "${given}" must be an address at senderDomain "${senderDomain}" (the identity SES verifies and the functions may send from).`,
      );
    }
  }
  if (given !== undefined) return { senderEmail: given, senderDomain };
  if (senderDomain !== undefined) return { senderEmail: `no-reply@${senderDomain}`, senderDomain };
  warnings.push(
    `senderEmail is not set; using ${placeholderSenderEmail}, which nobody can verify in SES, so no invitation will be sent.`,
  );
  return { senderEmail: placeholderSenderEmail, senderDomain };
}

/**
 * portalDomain and portalCertificateArn, which go together: CloudFront answers for another host name only with a
 * certificate for it, and takes that certificate from ACM in us-east-1 only. Whether the certificate covers the name
 * is CloudFront's check, at deploy.
 */
function readPortalDomain(get: ContextGetter, problems: string[]): PortalDomain | undefined {
  const domainKey = contextKeys.portalDomain;
  const certificateKey = contextKeys.portalCertificateArn;
  const domainName = readString(get, domainKey, problems);
  const certificateArn = readString(get, certificateKey, problems);
  if (domainName !== undefined && !isDomainName(domainName)) {
    problems.push(
      `${domainKey} "${domainName}" must be a lower-case host name such as portal.example.com (no scheme, path, port or trailing dot).`,
    );
  }
  if (certificateArn !== undefined) {
    const region = certificateArnPattern.exec(certificateArn)?.groups?.region;
    if (region === undefined) {
      problems.push(
        `${certificateKey} "${certificateArn}" is not an ACM certificate ARN (arn:aws:acm:${cloudFrontCertificateRegion}:<account>:certificate/<id>).`,
      );
    } else if (region !== cloudFrontCertificateRegion) {
      problems.push(
        `${certificateKey} "${certificateArn}" is in ${region}: CloudFront uses ACM certificates from ${cloudFrontCertificateRegion} only, so request or import it there.`,
      );
    }
  }
  // Presence, not validity: a malformed value is reported above, not also as missing.
  const given = (key: string) => get(key) !== undefined && get(key) !== null;
  if (given(domainKey) !== given(certificateKey)) {
    const [present, absent] = given(domainKey) ? [domainKey, certificateKey] : [certificateKey, domainKey];
    problems.push(
      `${present} is set but ${absent} is not: serving the portal web app on its own domain takes both (the host name and an ACM certificate in ${cloudFrontCertificateRegion} covering it).`,
    );
  }
  if (domainName === undefined || certificateArn === undefined) return undefined;
  return { domainName, certificateArn };
}

/** Lower-case DNS labels of letters, digits and inner hyphens, at least two of them (no bare TLD). */
function isDomainName(text: string): boolean {
  return (
    text.length <= 253 && /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(text)
  );
}

/**
 * The invitation link. https, or http on localhost for a development stack (what Cognito allows for redirects too);
 * defaults to the origin of the first sign-in callback URL, or, with none configured, to undefined: the stack's own
 * web app. Invitations pointing at localhost draw a warning.
 */
function readSignInUrl(
  get: ContextGetter,
  portalCallbackUrls: readonly string[] | undefined,
  problems: string[],
  warnings: string[],
): string | undefined {
  const key = contextKeys.portalSignInUrl;
  const given = readString(get, key, problems);
  let signInUrl: string;
  if (given !== undefined) {
    const url = parseUrl(given);
    if (!url) {
      problems.push(`${key} "${given}" is not an absolute URL.`);
      return given;
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && url.hostname === 'localhost')) {
      problems.push(`${key} "${given}" must use https (plain http is accepted only for localhost).`);
      return given;
    }
    signInUrl = given;
  } else {
    if (portalCallbackUrls === undefined) return undefined;
    // Unparseable or missing callback URLs are reported already; the link then has nothing to derive from.
    const first = portalCallbackUrls[0] !== undefined ? parseUrl(portalCallbackUrls[0]) : undefined;
    if (!first) return undefined;
    signInUrl = `${first.origin}/`;
  }
  if (parseUrl(signInUrl)?.hostname === 'localhost') {
    warnings.push(
      `${key} ${given === undefined ? 'is not set; invitations link to' : 'is'} ${signInUrl}, which only suits local development.`,
    );
  }
  return signInUrl;
}

/** A number (or its text, from `-c`) in the form the functions accept: at least 1, no exponent. */
function readCreateRate(get: ContextGetter, problems: string[], warnings: string[]): number {
  const key = contextKeys.cognitoCreateRate;
  const value = get(key);
  if (value === undefined || value === null) return defaultCreateRate;
  const rate = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof rate !== 'number' || !Number.isFinite(rate) || !createRatePattern.test(String(rate))) {
    problems.push(
      `${key} must be a number of Cognito user creations per second, at least 1 (Cognito's default quota is ${cognitoCreateUserQuota}), got ${JSON.stringify(value)}.`,
    );
    return defaultCreateRate;
  }
  if (rate > cognitoCreateUserQuota) {
    warnings.push(
      `${key} ${rate} is above Cognito's default AdminCreateUser quota (${cognitoCreateUserQuota} per second): raise the account's quota first, or creations will be throttled.`,
    );
  }
  return rate;
}

/** An account-wide rate (shared/quotas/quota-rates.ts): a number of at least 1; above AWS's default only warns. */
function readQuotaRate(
  get: ContextGetter,
  key: string,
  quota: QuotaName,
  problems: string[],
  warnings: string[],
): number {
  const { defaultRate, awsDefault, description } = quotas[quota];
  const value = get(key);
  if (value === undefined || value === null) return defaultRate;
  const rate = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof rate !== 'number' || !Number.isFinite(rate) || !createRatePattern.test(String(rate))) {
    problems.push(
      `${key} must be a number of ${description} calls per second, at least 1, got ${JSON.stringify(value)}.`,
    );
    return defaultRate;
  }
  if (rate > awsDefault) {
    warnings.push(`${key} ${rate} is above AWS's default (${awsDefault} per second): check the account's own quota.`);
  }
  return rate;
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
