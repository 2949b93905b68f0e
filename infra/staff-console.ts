import { resolve } from 'node:path';
import { buildBrowserApp, type BrowserAppBuild } from './browser-app-build';
import type { ConsoleBuildInfo } from '../console/src/build-info';
import type { PortalWebConfig } from './portal-web';

/**
 * The staff console (console/), declared once for the cloud (S3 + CloudFront, infra/cdk/staff-console.ts) and the
 * local stand-in (infra/local/browser-app-server.ts): how it is built, which paths go to the API, what it reads at
 * start. Its security headers are the portal app's (infra/portal-web.ts): same origins, same strict policy.
 */

export const consoleRoot = resolve(__dirname, '..', 'console');

/**
 * The console calls the staff API on its own origin under this prefix; CloudFront (a function) and the local
 * stand-in remove it before the API sees the path, so the API's routes stay as they are.
 */
export const staffConsoleApiPrefix = '/api';

/** The CloudFront path pattern of the API behaviour. */
export const staffConsoleApiPaths = [`${staffConsoleApiPrefix}/*`] as const;

/** What the console reads at start (`/config.json`): the staff pool's hosted login and its console client. */
export type StaffConsoleConfig = PortalWebConfig;

export const staffConsoleScopes = 'openid email profile';

/** The console's paths to the API's: `/api/contacts?q=sm` → `/contacts?q=sm`; other paths are not the API's. */
export function apiPathOf(path: string): string | undefined {
  if (path !== staffConsoleApiPrefix && !path.startsWith(`${staffConsoleApiPrefix}/`)) return undefined;
  return path.slice(staffConsoleApiPrefix.length) || '/';
}

export function buildStaffConsole(target: string): BrowserAppBuild {
  const info: ConsoleBuildInfo = { apiPrefix: staffConsoleApiPrefix };
  return buildBrowserApp({ root: consoleRoot, define: { __CONSOLE_BUILD__: JSON.stringify(info) } }, target);
}
