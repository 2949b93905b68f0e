import { stringify } from 'csv-stringify/sync';
import type { LocalOutputs } from '../infra/outputs';
import { readOutputs } from '../infra/local/stack-process';
import { importsClient, type ImportView } from '../tests/support/imports';
import { staffApi } from '../tests/support/staff-api';

/**
 * CSV import speed on the local stack: a file of N leads (every 50th portal-enabled, as in
 * tests/integration/imports.test.ts) uploaded, dry-run and committed through the staff API, timed from each
 * phase's 202 to the status that ends it (the import worker runs on the stream poller in between).
 *
 *   npm run bench:import -- --stack-dir /tmp/<name>-stack [--rows 1900]   (against a running `npm start`)
 */
export interface ImportCommitResult {
  readonly rows: number;
  readonly dryRunSeconds: number;
  readonly commitSeconds: number;
  readonly dryRunRowsPerSecond: number;
  readonly commitRowsPerSecond: number;
  readonly created: number;
  readonly failedRows: number;
}

function leadsFile(rows: number, run: string): string {
  const header = ['email', 'firstName', 'lastName', 'title', 'company', 'portal.enabled', 'mailingAddress.city'];
  const lines = Array.from({ length: rows }, (_, i) => [
    `bench.import.${run}.${i}@example.com`,
    `Ada ${i}`,
    `Lovelace ${i}`,
    i % 3 === 0 ? 'Engineer' : '',
    'Analytical Engines',
    i % 50 === 0 ? 'true' : 'false',
    'London',
  ]);
  return stringify([header, ...lines]);
}

async function timed(phase: () => Promise<ImportView>): Promise<[ImportView, number]> {
  const started = performance.now();
  const view = await phase();
  return [view, (performance.now() - started) / 1000];
}

export async function measureImportCommit(outputs: LocalOutputs, rows: number): Promise<ImportCommitResult> {
  const imports = importsClient(await staffApi(outputs));
  const started = await imports.upload('leads', leadsFile(rows, Date.now().toString(36)));
  const [validated, dryRunSeconds] = await timed(() => imports.dryRun(started.id, 600_000));
  if (validated.status !== 'validated') throw new Error(`dry run ended ${validated.status}`);
  const [completed, commitSeconds] = await timed(() => imports.commit(started.id, 1_800_000));
  const per = (seconds: number) => Number((rows / seconds).toFixed(1));
  return {
    rows,
    dryRunSeconds: Number(dryRunSeconds.toFixed(1)),
    commitSeconds: Number(commitSeconds.toFixed(1)),
    dryRunRowsPerSecond: per(dryRunSeconds),
    commitRowsPerSecond: per(commitSeconds),
    created: completed.progress?.created ?? 0,
    failedRows: completed.progress?.failed ?? 0,
  };
}

function option(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : undefined;
}

async function main() {
  const stackDir = option('stack-dir');
  if (!stackDir) throw new Error('--stack-dir <the --data-dir of a running `npm start`> is required');
  const result = await measureImportCommit(readOutputs(stackDir), Number(option('rows') ?? 1900));
  console.log(JSON.stringify(result, null, 2));
}

if (process.argv[1]?.endsWith('import-commit.ts')) void main();
