import { machineBusy, machineSteal } from './cpu';
import type { BundleReport } from './bundles';
import type { ColdProfile } from './cold-profile';
import type { ColdResult } from './cold-start';
import type { PortalWebLoad } from './portal-web';
import type { StaffConsoleLoad } from './staff-console';
import type { ProvisioningResult } from './provisioning';
import type { SimulationReport } from './simulation/bulk-onboarding';
import type { ImportCommitResult } from './import-commit';
import type { TableCeiling } from './table-ceiling';
import type { WarmCounts, WarmTimes } from './warm';

/** What a benchmark run measured, as bench/run.ts writes it and the report reads it. */
export interface BenchResults {
  readonly machine: {
    readonly cpus: number;
    readonly cpuModel: string;
    readonly memoryGb: number;
    readonly node: string;
    readonly platform: string;
    readonly loadAverageAtStart: readonly number[];
    readonly date: string;
  };
  readonly settings: {
    readonly n: number;
    readonly rounds: number;
    readonly warmIterations: number;
    readonly ceilingOperations: number;
    readonly lambdaNodeFlags: readonly string[];
  };
  readonly wallSeconds: number;
  readonly bundles: BundleReport;
  readonly coldInit: readonly ColdResult[];
  /** With `--profile`: where each cold start's time goes (bench/cold-profile.ts). */
  readonly coldProfiles?: readonly ColdProfile[];
  readonly warm: { readonly times: WarmTimes; readonly callsPerRequest: WarmCounts };
  readonly tableCeiling: readonly TableCeiling[];
  readonly portalWeb: {
    readonly scriptBytes: number;
    readonly scriptGzipBytes: number;
    /** Or why the page did not load (a finding, reported as a miss); absent when `--web-rounds 0` skipped it. */
    readonly load?: PortalWebLoad | { readonly failed: string };
  };
  /** The staff console (console/): its script and its sign-in → first list (bench/staff-console.ts). */
  readonly staffConsole?: {
    readonly scriptBytes: number;
    readonly scriptGzipBytes: number;
    readonly load?: StaffConsoleLoad | { readonly failed: string };
  };
  readonly provisioning: readonly ProvisioningResult[];
  /** Bulk onboarding at scale on a simulated clock (bench/simulation/); absent when skipped. */
  readonly simulation?: SimulationReport;
  /** A CSV import's dry run and commit on the local stack (bench/import-commit.ts); absent when skipped. */
  readonly importCommit?: ImportCommitResult | { readonly failed: string };
}

/**
 * The results as rows of one Markdown table. Every goal of issue 7 is a row with `pass` or `miss`: the bench
 * reports where we stand, it never fails on a missed goal.
 */

export type Status = 'pass' | 'miss' | 'info';

export interface Row {
  readonly measure: string;
  readonly subject: string;
  readonly result: string;
  readonly baseline: string;
  readonly ratio: string;
  readonly goal: string;
  readonly status: Status;
}

export const goals = {
  bundleRatio: 1.15,
  coldInitRatio: 1.1,
  warmP50Ratio: 1.25,
  provisioningShareOfLimit: 0.9,
  /** Issue 8: the portal web app's JavaScript, gzipped. */
  webScriptGzipBytes: 50 * 1024,
  /** Issue 14: the staff console's budget. */
  consoleScriptGzipBytes: 60 * 1024,
} as const;

const bytes = (value: number) => `${value.toLocaleString('en-US')} B`;
const times = (ratio: number, digits = 2) => `${ratio.toFixed(digits)}×`;
const ms = (value: number) => `${value < 10 ? value.toFixed(2) : value.toFixed(0)} ms`;
const verdict = (ok: boolean): Status => (ok ? 'pass' : 'miss');

/** Our busiest processes, then the whole machine (others included) and what the hypervisor stole. */
function busiest(cores: Record<string, number>, count = 3): string {
  const ours = Object.entries(cores)
    .filter(([component]) => component !== machineBusy && component !== machineSteal)
    .slice(0, count)
    .map(([component, used]) => `${component} ${used.toFixed(2)}`)
    .join(', ');
  const steal = cores[machineSteal] ? `, steal ${cores[machineSteal].toFixed(2)}` : '';
  return `${ours}; whole machine ${(cores[machineBusy] ?? 0).toFixed(2)}${steal}`;
}

function calls(perRequest: Record<string, number>): string {
  const entries = Object.entries(perRequest);
  return entries.length ? entries.map(([operation, count]) => `${operation} ${count}`).join(' + ') : 'none';
}

export function reportRows(results: Omit<BenchResults, 'wallSeconds'> & { wallSeconds?: number }): Row[] {
  const rows: Row[] = [];
  const { bundles } = results;

  for (const fn of bundles.functions) {
    const baseline = bundles.baselines[fn.baseline]!;
    const ratio = fn.bytes / baseline.bytes;
    rows.push({
      measure: 'Bundle size',
      subject: `${fn.name}${fn.api ? '' : ' (not an API function)'}`,
      result: `${bytes(fn.bytes)} (gzip ${bytes(fn.gzipBytes)})`,
      baseline: `${baseline.name}: ${bytes(baseline.bytes)} (gzip ${bytes(baseline.gzipBytes)})`,
      ratio: `${times(ratio)} (gzip ${times(fn.gzipBytes / baseline.gzipBytes)})`,
      goal: fn.api ? `≤ ${times(goals.bundleRatio)}` : '—',
      status: fn.api ? verdict(ratio <= goals.bundleRatio) : 'info',
    });
  }

  const crm = bundles.functions.find((fn) => fn.name === 'crm-records');
  const dynamodb = bundles.baselines[bundles.dynamodbBaseline]!;
  if (crm) {
    rows.push({
      measure: 'Bundle size (alternative)',
      subject: "crm-records with the runtime's SDK (`@aws-sdk/*` external)",
      result: `${bytes(crm.sdkExternal.bytes)} (gzip ${bytes(crm.sdkExternal.gzipBytes)})`,
      baseline: `crm-records, SDK bundled: ${bytes(crm.bytes)}; ${dynamodb.name} with the runtime's SDK: ${bytes(dynamodb.sdkExternal.bytes)}`,
      ratio: `${times(crm.sdkExternal.bytes / crm.bytes)} of bundled`,
      goal: '—',
      status: 'info',
    });
  }
  for (const probe of bundles.probes) {
    rows.push({
      measure: 'Dependency cost (probe)',
      subject: probe.name,
      result: `+${bytes(probe.addedBytes)}`,
      baseline: 'an empty handler, same build',
      ratio: '—',
      goal: '—',
      status: 'info',
    });
  }

  for (const cold of results.coldInit) {
    const isFunction = bundles.functions.some((fn) => fn.name === cold.name && fn.api);
    rows.push({
      measure: 'Cold init (median)',
      subject: cold.name,
      result: `${ms(cold.initMs)} (require ${ms(cold.loadMs)}, first call ${ms(cold.invokeMs)}), ${cold.runs} runs`,
      baseline:
        `${cold.baseline}: ${ms(cold.baselineInitMs)} ` +
        `(require ${ms(cold.baselineLoadMs)}, first call ${ms(cold.baselineInvokeMs)})`,
      ratio: `${times(cold.ratio)} (paired ${times(cold.pairedRatio)}; 95% ${cold.ratioInterval[0].toFixed(2)}–${times(cold.ratioInterval[1])})`,
      goal: isFunction ? `≤ ${times(goals.coldInitRatio)}` : '—',
      status: isFunction ? verdict(cold.ratio <= goals.coldInitRatio) : 'info',
    });
  }

  const { times: warm, callsPerRequest } = results.warm;
  for (const [route, fn] of [
    ['GET /{module}/{id}', 'crm-records'],
    ['GET /portal/{module}', 'portal-api'],
  ] as const) {
    const handler = warm[`${fn}.handler`];
    const direct = warm[`${fn}.direct`];
    const ratio = handler.p50 / direct.p50;
    rows.push({
      measure: 'Warm request (in-process)',
      subject: `${route} (${fn})`,
      result: `p50 ${ms(handler.p50)}, p99 ${ms(handler.p99)}; DynamoDB calls/request: ${calls(callsPerRequest[`${fn}.handler`])}`,
      baseline: `direct SDK: p50 ${ms(direct.p50)}, p99 ${ms(direct.p99)}; ${calls(callsPerRequest[`${fn}.direct`])}`,
      ratio: `${times(ratio)} (p99 ${times(handler.p99 / direct.p99)})`,
      goal: `p50 ≤ ${times(goals.warmP50Ratio)}`,
      status: verdict(ratio <= goals.warmP50Ratio),
    });
  }

  const web = results.portalWeb;
  rows.push({
    measure: 'Web app JavaScript',
    subject: 'portal web app (web/), minified',
    result: `${bytes(web.scriptBytes)} (gzip ${bytes(web.scriptGzipBytes)})`,
    baseline: '—',
    ratio: `${times(web.scriptGzipBytes / goals.webScriptGzipBytes)} of the budget`,
    goal: `gzip ≤ ${bytes(goals.webScriptGzipBytes)}`,
    status: verdict(web.scriptGzipBytes <= goals.webScriptGzipBytes),
  });
  if (!web.load) {
    // Skipped (`--web-rounds 0`).
  } else if ('failed' in web.load) {
    rows.push({
      measure: 'Web app load (Chromium)',
      subject: 'signed-in reload of the overview and the tickets list',
      result: `failed: ${web.load.failed}`,
      baseline: '—',
      ratio: '—',
      goal: 'loads',
      status: 'miss',
    });
  } else {
    rows.push({
      measure: 'Web app load (Chromium)',
      subject: 'signed-in reload of the overview → first paint of its cards',
      result: `p50 ${ms(web.load.overview.app.p50)}, p95 ${ms(web.load.overview.app.p95)}, ${web.load.runs} runs`,
      baseline: `its API calls from the page (/portal/me, /portal/overview): p50 ${ms(web.load.overview.apiCalls.p50)}, p95 ${ms(web.load.overview.apiCalls.p95)}`,
      ratio: times(web.load.overview.app.p50 / web.load.overview.apiCalls.p50),
      goal: '—',
      status: 'info',
    });
    rows.push({
      measure: 'Web app load (Chromium)',
      subject: 'signed-in reload of the tickets list → first list on screen',
      result: `p50 ${ms(web.load.app.p50)}, p95 ${ms(web.load.app.p95)}, ${web.load.runs} runs`,
      baseline: `its API calls from the page: p50 ${ms(web.load.apiCalls.p50)}, p95 ${ms(web.load.apiCalls.p95)}`,
      ratio: times(web.load.app.p50 / web.load.apiCalls.p50),
      goal: '—',
      status: 'info',
    });
  }

  if (results.staffConsole) rows.push(...staffConsoleRows(results.staffConsole));

  for (const ceiling of results.tableCeiling) {
    for (const [label, row] of [
      [`TransactWriteItems of 4 items, concurrency ${ceiling.concurrency}`, ceiling.transactions],
      [`PutItem, concurrency ${ceiling.concurrency}`, ceiling.puts],
    ] as const) {
      rows.push({
        measure: `Table write ceiling (DynamoDB Local, ${ceiling.storage === 'disk' ? 'on disk as npm start runs it' : '-inMemory'})`,
        subject: label,
        result:
          `${row.operationsPerSecond.toFixed(0)} ops/s = ${row.itemsPerSecond.toFixed(0)} items/s ` +
          `(${row.operations} in ${row.seconds} s); cores: ${busiest(row.cores)}`,
        baseline: '—',
        ratio: '—',
        goal: '—',
        status: 'info',
      });
    }
  }

  if (results.simulation) rows.push(simulationRow(results.simulation));
  if (results.importCommit) rows.push(importCommitRow(results.importCommit));

  for (const run of results.provisioning) {
    const limited = run.rate !== 'unlimited';
    const clean = run.duplicateUsers === 0 && run.duplicateEmails === 0 && run.lostInvitations === 0;
    const share = limited ? run.throughputPerSecond / Number(run.rate) : undefined;
    rows.push({
      measure: 'Provisioning (enable → invitation in mailbox)',
      subject: `N = ${run.n}, rate ${limited ? `${run.rate}/s` : 'unlimited'}`,
      result:
        `${run.throughputPerSecond}/s; total ${run.totalSeconds} s (staff writes ${run.writePhaseSeconds} s); ` +
        `latency p50 ${(run.latencyMs.p50 / 1000).toFixed(1)} s, p95 ${(run.latencyMs.p95 / 1000).toFixed(1)} s; ` +
        `Cognito calls ${run.cognitoCalls}; duplicate users ${run.duplicateUsers}, duplicate emails ${run.duplicateEmails}, ` +
        `lost ${run.lostInvitations}; cores: ${busiest(run.cores)}`,
      baseline: limited ? `the limit: ${run.rate}/s` : '—',
      ratio: share === undefined ? '—' : `${share.toFixed(2)} of the limit`,
      goal: limited
        ? `≥ ${goals.provisioningShareOfLimit.toFixed(2)} of the limit, 0 duplicates, 0 lost`
        : '0 duplicates, 0 lost; name the bottleneck',
      status: verdict(clean && (share === undefined || share >= goals.provisioningShareOfLimit)),
    });
    rows.push({
      measure: 'Provisioning profile (where the time goes)',
      subject: `N = ${run.n}, rate ${limited ? `${run.rate}/s` : 'unlimited'}`,
      result:
        `the stack's calls, by mean number in flight: ` +
        run.calls
          .slice(0, 4)
          .map(
            (call) =>
              `${call.component} ${call.operation} ×${call.perInvitation}/invitation, ` +
              `mean ${ms(call.meanMs)} (p95 ${ms(call.p95Ms)}), ${call.inFlight.toFixed(1)} in flight`,
          )
          .join('; ') +
        `; controller: ${run.controllerBatches.count} stream batches of ${run.controllerBatches.meanPeople} people on average`,
      baseline: '—',
      ratio: '—',
      goal: '—',
      status: 'info',
    });
  }
  return rows;
}

/**
 * One line per HTTP function over either budget (cold init ≤ 1.10×, bundle ≤ 1.15× its own baseline), or one
 * line saying none is: what a regression shows first.
 */
export function budgetSummary(rows: readonly Row[]): string {
  const misses = rows.filter(
    (row) => row.status === 'miss' && (row.measure === 'Bundle size' || row.measure === 'Cold init (median)'),
  );
  if (!misses.length) return 'Budgets: every HTTP function within cold init and bundle budgets.';
  return [
    `Budgets: ${misses.length} MISS${misses.length > 1 ? 'ES' : ''}:`,
    ...misses.map((row) => `- MISS ${row.subject}: ${row.measure.toLowerCase()} ${row.ratio}, goal ${row.goal}`),
  ].join('\n');
}

const escape = (cell: string) => cell.replaceAll('|', '\\|');

export function markdownTable(rows: readonly Row[]): string {
  const header = ['Measure', 'Subject', 'Result', 'Baseline', 'Ratio', 'Goal', 'Status'];
  const lines = [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map(
      (row) =>
        `| ${[
          row.measure,
          row.subject,
          row.result,
          row.baseline,
          row.ratio,
          row.goal,
          row.status === 'miss' ? '**miss**' : row.status,
        ]
          .map(escape)
          .join(' | ')} |`,
    ),
  ];
  return lines.join('\n');
}

/** Issue 17: 100,000 people enabled at once, provisioned by the real controller code against simulated AWS. */
export function simulationRow(run: SimulationReport): Row {
  return {
    measure: 'Bulk onboarding, simulated AWS (npm run bench:simulation)',
    subject: `${run.people.toLocaleString('en')} people, ${run.shards} shards, SES paced at ${run.configuredSendRate}/s`,
    result:
      `${run.invitationsPerSecond.toFixed(2)} invitations/s; last invitation after ` +
      `${(run.timeToLastInvitationSeconds / 3600).toFixed(2)} h; duplicates ${run.duplicates}, lost ${run.lost}, ` +
      `failed by waiting ${run.failedByWaiting}, failed ${run.failedStatus}; max iterator age ` +
      `${(run.maxIteratorAgeSeconds / 3600).toFixed(2)} h of 24 h; most retries of one record ` +
      `${run.maxRetriesOfOneRecord} of ${run.maxRetryAttempts}; throttled by AWS: Cognito ${run.throttled.cognitoCreate}, ` +
      `SES ${run.throttled.ses}; ${run.wallSeconds.toFixed(0)} s of wall time`,
    baseline: `${run.bindingQuota.name}: ${run.bindingQuota.perSecond}/s`,
    ratio: `${run.throughputOfBindingQuota.toFixed(2)} of the quota`,
    goal: '≥ 0.90 of the binding quota; 0 duplicates, 0 lost, 0 failed by waiting; iterator age < 24 h',
    status: verdict(run.pass),
  };
}

/** Issue 17: rows/s of a CSV import on the local stack, where DynamoDB Local's writes bound it (not AWS's). */
export function importCommitRow(run: ImportCommitResult | { readonly failed: string }): Row {
  const measure = 'CSV import on the local stack (npm run bench:import)';
  if ('failed' in run) {
    return { measure, subject: 'leads', result: run.failed, baseline: '—', ratio: '—', goal: '—', status: 'miss' };
  }
  return {
    measure,
    subject: `${run.rows.toLocaleString('en')} leads, every 50th portal-enabled`,
    result:
      `commit ${run.commitRowsPerSecond} rows/s (${run.commitSeconds} s, ${run.created} created, ` +
      `${run.failedRows} failed); dry run ${run.dryRunRowsPerSecond} rows/s (${run.dryRunSeconds} s)`,
    baseline: '—',
    ratio: '—',
    goal: '—',
    status: 'info',
  };
}

/** The staff console's script against its budget, and sign-in done → first list beside the API call it needs. */
function staffConsoleRows(app: NonNullable<BenchResults['staffConsole']>): Row[] {
  const size: Row = {
    measure: 'Web app JavaScript',
    subject: 'staff console (console/), minified',
    result: `${bytes(app.scriptBytes)} (gzip ${bytes(app.scriptGzipBytes)})`,
    baseline: '—',
    ratio: `${times(app.scriptGzipBytes / goals.consoleScriptGzipBytes)} of the budget`,
    goal: `gzip ≤ ${bytes(goals.consoleScriptGzipBytes)}`,
    status: verdict(app.scriptGzipBytes <= goals.consoleScriptGzipBytes),
  };
  const subject = 'staff console: sign-in done (the login redirects back with its code) → first list on screen';
  if (!app.load) return [size]; // skipped (`--web-rounds 0`)
  if ('failed' in app.load)
    return [
      size,
      {
        measure: 'Web app load (Chromium)',
        subject,
        result: `failed: ${app.load.failed}`,
        baseline: '—',
        ratio: '—',
        goal: 'loads',
        status: 'miss',
      },
    ];
  const load = app.load;
  return [
    size,
    {
      measure: 'Web app load (Chromium)',
      subject,
      result: `p50 ${ms(load.app.p50)}, p95 ${ms(load.app.p95)}, ${load.runs} runs`,
      baseline: `its API call from the page (GET /api/<module>?limit=25): p50 ${ms(load.apiCalls.p50)}, p95 ${ms(load.apiCalls.p95)}`,
      ratio: times(load.app.p50 / load.apiCalls.p50),
      goal: '—',
      status: 'info',
    },
  ];
}
