import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CognitoIdentityProviderClient, ListUsersCommand } from '@aws-sdk/client-cognito-identity-provider';
import { localCredentials, localRegion } from '../infra/local/local-aws';
import { spawnLocalStack, stopLocalStack, untilReady } from '../infra/local/stack-process';
import { staffAccessToken } from '../tests/support/tokens';
import { coresBetween, cpuSnapshot } from './cpu';

/**
 * Provisioning throughput and latency on the local stack: enable N people in one burst through the staff
 * API and watch the mailbox until every invitation has arrived.
 *
 *   npm run bench:provisioning -- [--n 200] [--rate 40|unlimited] [--concurrency 32]
 *
 * Latency is from the staff write's response (the enablement is committed) to the invitation showing in the
 * mailbox, both on this process's clock. Cognito calls are counted from the controller's own logs: one
 * AdminGetUser per reconciliation, plus each change it reports.
 */

export interface ProvisioningResult {
  readonly n: number;
  readonly rate: string;
  readonly totalSeconds: number;
  /** Until the last staff write was answered: the API and the table, before the controller's share. */
  readonly writePhaseSeconds: number;
  readonly throughputPerSecond: number;
  readonly latencyMs: { readonly p50: number; readonly p95: number; readonly max: number };
  readonly cognitoCalls: number;
  readonly duplicateUsers: number;
  readonly duplicateEmails: number;
  readonly lostInvitations: number;
  /** Cores each process used from the first write to the last invitation: which component is the bottleneck. */
  readonly cores: Record<string, number>;
  /** The controller's stream batches: how many, and people reconciled per batch on average. */
  readonly controllerBatches: { readonly count: number; readonly meanPeople: number };
  /**
   * Every HTTP call the stack process (API gateway, functions, stream poller) made between the first write
   * and the last invitation, by emulator and operation (bench/http-profile.cjs), busiest first.
   */
  readonly calls: readonly CallProfile[];
}

export interface CallProfile {
  readonly component: string;
  readonly operation: string;
  readonly count: number;
  readonly perInvitation: number;
  readonly meanMs: number;
  readonly p95Ms: number;
  /** Sum of latencies over the window: the average number of these calls in flight at any time. */
  readonly inFlight: number;
}

const quantile = (sorted: readonly number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

/** Cognito calls per action the controller reports (disabling also signs out everywhere). */
const cognitoCallsPerAction: Record<string, number> = {
  createLogin: 1,
  resetTemporaryPassword: 1,
  enableLogin: 1,
  disableLogin: 1,
  signOutEverywhere: 1,
  updateEmail: 1,
  updateUsername: 1,
  deleteLogin: 1,
};

function controllerBatches(logs: string) {
  const people: number[] = [];
  for (const line of logs.split('\n')) {
    if (!line.includes('"Stream batch done"')) continue;
    try {
      people.push((JSON.parse(line) as { people?: number }).people ?? 0);
    } catch {
      // not a log line of ours
    }
  }
  const total = people.reduce((sum, count) => sum + count, 0);
  return { count: people.length, meanPeople: Number((total / Math.max(1, people.length)).toFixed(1)) };
}

type ProfiledCall = [at: number, ms: number, port: number, operation: string, ok: boolean];

/** The stack's calls within [from, to] (epoch ms), grouped by emulator and operation. */
function profileCalls(
  file: string,
  ports: Record<number, string>,
  from: number,
  to: number,
  invitations: number,
): CallProfile[] {
  if (!existsSync(file)) return [];
  const { calls } = JSON.parse(readFileSync(file, 'utf8')) as { calls: ProfiledCall[] };
  const groups = new Map<string, number[]>();
  for (const [at, ms, port, operation] of calls) {
    if (at < from || at > to) continue;
    const key = `${ports[port] ?? `port ${port}`}\t${operation}`;
    groups.set(key, [...(groups.get(key) ?? []), ms]);
  }
  const seconds = (to - from) / 1000;
  return [...groups.entries()]
    .map(([key, latencies]) => {
      const [component, operation] = key.split('\t') as [string, string];
      const sorted = latencies.sort((a, b) => a - b);
      const sum = sorted.reduce((total, ms) => total + ms, 0);
      return {
        component,
        operation,
        count: sorted.length,
        perInvitation: Number((sorted.length / Math.max(1, invitations)).toFixed(2)),
        meanMs: Number((sum / sorted.length).toFixed(1)),
        p95Ms: Number(quantile(sorted, 0.95).toFixed(1)),
        inFlight: Number((sum / 1000 / seconds).toFixed(2)),
      };
    })
    .sort((a, b) => b.inFlight - a.inFlight);
}

function countCognitoCalls(logs: string): number {
  let calls = 0;
  for (const line of logs.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as { message?: string; people?: number; actions?: string[] };
      if (entry.message === 'Stream batch done') calls += entry.people ?? 0;
      if (entry.message === 'Reconciled portal access') {
        calls += (entry.actions ?? []).reduce((sum, action) => sum + (cognitoCallsPerAction[action] ?? 0), 0);
      }
    } catch {
      // not a log line of ours
    }
  }
  return calls;
}

export async function measureProvisioning(n: number, rate: string, concurrency = 32): Promise<ProvisioningResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'portico-bench-provisioning-'));
  const profileDir = join(dataDir, 'http-profile');
  mkdirSync(profileDir);
  const stack = spawnLocalStack(dataDir, ['--fresh'], {
    COGNITO_CREATE_RATE: rate,
    // This run measures creations against their rate: the other account-wide rates stay out of its way (the
    // simulation, bench/simulation/, covers them at scale).
    COGNITO_UPDATE_RATE: 'unlimited',
    SES_SEND_RATE: 'unlimited',
    POWERTOOLS_LOG_LEVEL: 'INFO',
    // Every outgoing call of the stack process, timed (bench/http-profile.cjs); its children inherit it too.
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${join(__dirname, 'http-profile.cjs')}`.trim(),
    PORTICO_HTTP_PROFILE_DIR: profileDir,
  });
  try {
    const outputs = await untilReady(stack);
    const token = await staffAccessToken(outputs);
    const emails = Array.from({ length: n }, (_, i) => `bench.${i}@example.com`);
    const writtenAt = new Map<string, number>();
    const arrivedAt = new Map<string, number>();
    const received = new Map<string, number>();

    let polling = true;
    const poller = (async () => {
      while (polling) {
        const store = (await (await fetch(`${outputs.SesEndpoint}/store`)).json()) as {
          emails: { destination: { to: string[] } }[];
        };
        const seenAt = performance.now();
        received.clear();
        for (const email of store.emails) {
          for (const to of email.destination.to) {
            received.set(to, (received.get(to) ?? 0) + 1);
            if (!arrivedAt.has(to)) arrivedAt.set(to, seenAt);
          }
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();

    const started = performance.now();
    const startedAt = Date.now();
    const cpuBefore = cpuSnapshot(stack.child.pid);
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < n) {
          const email = emails[next++]!;
          const response = await fetch(`${outputs.ApiUrl}/leads`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ lastName: 'Bench', email, portal: { enabled: true } }),
          });
          if (response.status !== 201)
            throw new Error(`Enabling ${email}: ${response.status} ${await response.text()}`);
          writtenAt.set(email, performance.now());
        }
      }),
    );
    const writesDone = performance.now();
    const deadline = Date.now() + Math.max(120_000, (n / 5) * 1000);
    while (arrivedAt.size < n && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    const cores = coresBetween(cpuBefore, cpuSnapshot(stack.child.pid));
    const endedAt = Date.now();
    // Let stragglers (duplicates, if any) land before counting.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    polling = false;
    await poller;

    const latencies = emails
      .filter((email) => arrivedAt.has(email))
      .map((email) => arrivedAt.get(email)! - writtenAt.get(email)!)
      .sort((a, b) => a - b);
    const lastArrival = Math.max(...arrivedAt.values());
    const cognito = new CognitoIdentityProviderClient({
      endpoint: outputs.CognitoEndpoint,
      region: localRegion,
      credentials: localCredentials,
    });
    const users = (await cognito.send(new ListUsersCommand({ UserPoolId: outputs.PortalUserPoolId }))).Users ?? [];
    cognito.destroy();
    const usersPerEmail = new Map<string, number>();
    for (const user of users) {
      const email = user.Attributes?.find((a) => a.Name === 'email')?.Value ?? '';
      usersPerEmail.set(email, (usersPerEmail.get(email) ?? 0) + 1);
    }
    await stopLocalStack(stack);
    const portOf = (url: string) => Number(new URL(url).port);
    const calls = profileCalls(
      join(profileDir, `${stack.child.pid}.json`),
      {
        [portOf(outputs.DynamoDbEndpoint)]: 'dynamodb-local',
        [portOf(outputs.CognitoEndpoint)]: 'cognito-local',
        [portOf(outputs.SesEndpoint)]: 'ses-local',
        [portOf(outputs.LambdaEndpoint)]: 'lambda endpoint',
      },
      startedAt,
      endedAt,
      arrivedAt.size,
    );
    const totalSeconds = (lastArrival - started) / 1000;
    return {
      n,
      rate,
      totalSeconds: Number(totalSeconds.toFixed(2)),
      writePhaseSeconds: Number(((writesDone - started) / 1000).toFixed(2)),
      throughputPerSecond: Number((arrivedAt.size / totalSeconds).toFixed(1)),
      latencyMs: {
        p50: Math.round(quantile(latencies, 0.5)),
        p95: Math.round(quantile(latencies, 0.95)),
        max: Math.round(latencies.at(-1) ?? NaN),
      },
      cognitoCalls: countCognitoCalls(stack.output()),
      duplicateUsers: [...usersPerEmail.values()].reduce((sum, count) => sum + Math.max(0, count - 1), 0),
      duplicateEmails: emails.reduce((sum, email) => sum + Math.max(0, (received.get(email) ?? 0) - 1), 0),
      lostInvitations: emails.filter((email) => !arrivedAt.has(email)).length,
      cores,
      controllerBatches: controllerBatches(stack.output()),
      calls,
    };
  } finally {
    if (stack.child.exitCode === null) await stopLocalStack(stack);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const { values } = parseArgs({
    options: {
      n: { type: 'string', default: '200' },
      rate: { type: 'string', default: '40' },
      concurrency: { type: 'string', default: '32' },
    },
  });
  measureProvisioning(Number(values.n), values.rate!, Number(values.concurrency))
    .then((result) => console.log(JSON.stringify(result, null, 2)))
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
