/// <reference lib="dom" />
/**
 * What the console knows of its deployment at build time (infra/staff-console.ts injects it): where its origin
 * forwards the staff API. The modules come from generated/module-meta.ts.
 */
export interface ConsoleBuildInfo {
  /** The path prefix the console's origin forwards to the API, prefix removed: `/api`. */
  readonly apiPrefix: string;
}

declare const __CONSOLE_BUILD__: ConsoleBuildInfo;

export const buildInfo: ConsoleBuildInfo = __CONSOLE_BUILD__;
