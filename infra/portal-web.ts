import { resolve } from 'node:path';
import { modules } from '../shared/modules/registry';
import { apiDocumentPath, writeApiReference } from './api-reference';
import type { Branding } from '../shared/branding/branding';
import { refusalMessage } from '../shared/portal/portal-session';
import { allowedContentTypes, maxFileBytes } from '../shared/files/file-rules';
import { browserAppCacheControl, buildBrowserApp, type BrowserAppBuild } from './browser-app-build';

/**
 * The portal web app (web/), declared once for the cloud (S3 + CloudFront, infra/cdk/portal-web.ts) and the
 * local stand-in (infra/local/portal-web-server.ts): how it is built, which paths go to the API, which
 * headers every answer carries.
 */

export const webRoot = resolve(__dirname, '..', 'web');

/**
 * Paths the web app's origin forwards to the API, so the app calls it on its own origin: no CORS, and a
 * Content-Security-Policy that allows `connect-src 'self'` plus the hosted login and the files bucket only.
 */
export const portalWebApiPaths = ['/portal/*', apiDocumentPath] as const;

/** What the app reads at start (`/config.json`): written at deploy time, so one build serves every stack. */
export interface PortalWebConfig {
  readonly loginUrl: string;
  readonly clientId: string;
  readonly scopes: string;
  /** The organization's name, logo and accent colour, for the app's header (shared/branding/branding.ts). */
  readonly branding: Branding;
}

export const portalWebScopes = 'openid email profile';

/** The origins the app talks to besides its own, each named once by the runtime that knows it. */
export interface PortalWebOrigins {
  /** The hosted login (its token endpoint). */
  readonly login: string;
  /**
   * The files bucket's endpoint, where the browser PUTs an upload with its presigned URL: `filesBucketOrigin` of the
   * bucket in the cloud, the s3rver endpoint locally.
   */
  readonly files: string;
  /** The organization's logo, if the deployment names one. */
  readonly logoUrl?: string | undefined;
}

/**
 * The files bucket as presigned URLs name it in the cloud: virtual-hosted style on the regional endpoint
 * (shared/files/file-store.ts presigns without path style there). `regionalDomainName` may be a CDK token.
 */
export function filesBucketOrigin(regionalDomainName: string): string {
  return `https://${regionalDomainName}`;
}

/**
 * Security headers on every answer of the web app's origin. The policy allows only the app's own script and
 * style (no inline code, no eval), calls to its own origin, the hosted login's token endpoint and the files bucket
 * (uploads go straight there), and DOM sinks only through Trusted Types policies (the app has none: it builds the
 * page with text nodes).
 */
export function portalWebSecurityHeaders({ login: loginOrigin, files: filesOrigin, logoUrl }: PortalWebOrigins) {
  // The logo's own origin, and only it, may serve images beside the app's.
  const logoOrigin = logoUrl === undefined ? '' : ` ${new URL(logoUrl).origin}`;
  const contentSecurityPolicy = [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src 'self' data:${logoOrigin}`,
    `connect-src 'self' ${loginOrigin} ${filesOrigin}`,
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "require-trusted-types-for 'script'",
    "trusted-types 'none'",
  ].join('; ');
  return {
    contentSecurityPolicy,
    /** Two years, subdomains included (CloudFront's default domain is HTTPS-only anyway). */
    strictTransportSecurity: { maxAgeSeconds: 63_072_000, includeSubdomains: true },
    contentTypeOptions: 'nosniff',
    frameOptions: 'DENY',
    /** The address bar can hold a sign-in code for a moment: never send it anywhere. */
    referrerPolicy: 'no-referrer',
    permissionsPolicy: 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
    crossOriginOpenerPolicy: 'same-origin',
  } as const;
}

/** The same headers as plain HTTP header fields (the local stand-in sends these). */
export function portalWebHeaderFields(origins: PortalWebOrigins) {
  const headers = portalWebSecurityHeaders(origins);
  return {
    'content-security-policy': headers.contentSecurityPolicy,
    'strict-transport-security': `max-age=${headers.strictTransportSecurity.maxAgeSeconds}; includeSubDomains`,
    'x-content-type-options': headers.contentTypeOptions,
    'x-frame-options': headers.frameOptions,
    'referrer-policy': headers.referrerPolicy,
    'permissions-policy': headers.permissionsPolicy,
    'cross-origin-opener-policy': headers.crossOriginOpenerPolicy,
  };
}

/** Both apps cache alike (infra/browser-app-build.ts). */
export const portalWebCacheControl = browserAppCacheControl;

/** What the app knows of the back end, from the declarations (web/src/portal-meta.ts). */
export function portalMeta() {
  return {
    modules: modules
      .filter((module) => module.portalVisible)
      .map((module) => ({ name: module.name, label: module.label, columns: module.portalColumns ?? [] })),
    refusalMessage,
    // The app checks a file before asking for an upload URL, with the rules the API applies (shared/files).
    files: { maxBytes: maxFileBytes, contentTypes: allowedContentTypes },
  };
}

export type PortalWebBuild = BrowserAppBuild;

/** Builds web/ into `outDir`, with the API reference page beside the app. */
export function buildPortalWeb(target: string): PortalWebBuild {
  return buildBrowserApp(
    { root: webRoot, define: { __PORTAL_META__: JSON.stringify(portalMeta()) }, extraFiles: writeApiReference },
    target,
  );
}
