import { runJsonChild } from './child-process';
import { join } from 'node:path';

/**
 * Warm request overhead: runs bench/warm-child.cjs (a plain Node process, the bundles loaded once) twice —
 * once timing handler and direct reads interleaved against DynamoDB Local, once with the endpoint pointed
 * at the counting proxy to count the DynamoDB calls each request makes. Timing never goes through the
 * proxy, so its hop is not in the numbers.
 */

export interface LatencySummary {
  readonly samples: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly mean: number;
}

export interface WarmConfig {
  readonly crmBundle: string;
  readonly portalBundle: string;
  readonly directBundle: string;
  readonly crmEvent: unknown;
  readonly portalEvent: unknown;
  readonly recordId: string;
  readonly personId: string;
  readonly partition: string;
  readonly limit: number;
  readonly warmup: number;
  readonly iterations: number;
}

export type WarmKind = 'crm-records.handler' | 'crm-records.direct' | 'portal-api.handler' | 'portal-api.direct';

export interface WarmTimes extends Record<WarmKind, LatencySummary> {
  readonly items: number;
}

export type WarmCounts = Record<WarmKind, Record<string, number>>;

const child = join(__dirname, 'warm-child.cjs');

const runChild = <T>(config: object, env: NodeJS.ProcessEnv) =>
  runJsonChild<T>([child, JSON.stringify(config)], env, 'warm-child');

export async function measureWarm(
  config: WarmConfig,
  env: NodeJS.ProcessEnv,
  counting: { readonly proxyUrl: string; readonly controlUrl: string },
  countRequests = 20,
): Promise<{ times: WarmTimes; callsPerRequest: WarmCounts }> {
  const callsPerRequest = await runChild<WarmCounts>(
    { ...config, countUrl: counting.controlUrl, countRequests },
    { ...env, AWS_ENDPOINT_URL_DYNAMODB: counting.proxyUrl },
  );
  const times = await runChild<WarmTimes>(config, env);
  return { times, callsPerRequest };
}
