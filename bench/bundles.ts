import { mkdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild';
import { esbuildOptions } from '../infra/bundling';
import { functions, type FunctionDeclaration } from '../shared/declarations/functions';
import { repoRoot } from '../infra/local/stack-process';

/**
 * Bundle sizes: every function built exactly as CDK's NodejsFunction builds it (infra/bundling.ts), the
 * baselines of bench/baselines/ built the same way in the same run, and the variants that show what a
 * dependency costs (classic zod instead of zod/mini, the runtime's SDK instead of the bundled one).
 */

export type Baseline = 'dynamodb' | 'dynamodb-cognito' | 'dynamodb-cognito-ses';

export interface BundleSize {
  readonly name: string;
  readonly file: string;
  readonly bytes: number;
  readonly gzipBytes: number;
  /** The same entry with `@aws-sdk/*` left to the Lambda runtime's SDK. */
  readonly sdkExternal: { readonly file: string; readonly bytes: number; readonly gzipBytes: number };
  /** What makes up the bundle: bytes in the output by package (`(portico)` is this repository), ≥ 500 B, largest first. */
  readonly packages: readonly { readonly name: string; readonly bytes: number }[];
}

export interface FunctionBundle extends BundleSize {
  readonly api: boolean;
  readonly baseline: Baseline;
  readonly clients: readonly string[];
}

export interface BundleReport {
  readonly functions: readonly FunctionBundle[];
  readonly baselines: Readonly<Record<Baseline, BundleSize>>;
  /** crm-records with `zod/mini` aliased to classic `zod` (same source, the other API surface). */
  readonly classicZodVariant: BundleSize;
  /** What each dependency adds over an empty handler, built the same way. */
  readonly probes: readonly { readonly name: string; readonly bytes: number; readonly addedBytes: number }[];
  /** The warm-overhead baseline (direct SDK reads), bundled the same way. */
  readonly directReadsFile: string;
}

export const baselineEntries: Record<Baseline, string> = {
  dynamodb: 'bench/baselines/dynamodb.ts',
  'dynamodb-cognito': 'bench/baselines/dynamodb-cognito.ts',
  'dynamodb-cognito-ses': 'bench/baselines/dynamodb-cognito-ses.ts',
};

const probeNames = ['zod-mini', 'zod-classic', 'middy', 'powertools-logger', 'util-dynamodb'] as const;

const clientPackages = {
  cognito: '@aws-sdk/client-cognito-identity-provider',
  ses: '@aws-sdk/client-sesv2',
} as const;

/** `zod/mini` → classic `zod`: what the handlers would weigh with the chaining API's whole surface. */
const classicZod: Plugin = {
  name: 'classic-zod',
  setup(builder) {
    builder.onResolve({ filter: /^zod\/mini$/ }, (args) =>
      builder.resolve('zod', { kind: args.kind, resolveDir: args.resolveDir }),
    );
  },
};

function packageOf(input: string): string {
  const at = input.lastIndexOf('node_modules/');
  if (at < 0) return input.startsWith('bench/') ? '(bench)' : '(portico)';
  const parts = input.slice(at + 'node_modules/'.length).split('/');
  return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

function packagesOf(metafile: Metafile, outFile: string): Map<string, number> {
  const output = metafile.outputs[relative(process.cwd(), outFile)] ?? metafile.outputs[outFile];
  if (!output) throw new Error(`No metafile output for ${outFile}`);
  const bytes = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const name = packageOf(input);
    bytes.set(name, (bytes.get(name) ?? 0) + bytesInOutput);
  }
  return bytes;
}

async function bundle(
  name: string,
  entry: string,
  outDir: string,
  extra: Partial<BuildOptions> = {},
): Promise<{ file: string; bytes: number; gzipBytes: number; packages: Map<string, number> }> {
  const file = join(outDir, `${name}.js`);
  const result = await build({
    ...esbuildOptions(),
    ...extra,
    entryPoints: [resolve(repoRoot, entry)],
    outfile: file,
    metafile: true,
    absWorkingDir: repoRoot,
  });
  const code = readFileSync(file);
  return {
    file,
    bytes: code.length,
    gzipBytes: gzipSync(code, { level: 9 }).length,
    packages: packagesOf(result.metafile, file),
  };
}

function composition(packages: Map<string, number>, minimumBytes = 500) {
  return [...packages.entries()]
    .filter(([, bytes]) => bytes >= minimumBytes)
    .sort((a, b) => b[1] - a[1])
    .map(([name, bytes]) => ({ name, bytes }));
}

async function sdkExternal(name: string, entry: string, outDir: string, extra: Partial<BuildOptions> = {}) {
  const built = await bundle(name, entry, join(outDir, 'sdk-external'), { ...extra, external: ['@aws-sdk/*'] });
  return { file: built.file, bytes: built.bytes, gzipBytes: built.gzipBytes };
}

export function baselineFor(clients: readonly string[]): Baseline {
  if (clients.includes('ses')) return 'dynamodb-cognito-ses';
  if (clients.includes('cognito')) return 'dynamodb-cognito';
  return 'dynamodb';
}

export async function buildBundles(outDir: string, declarations: readonly FunctionDeclaration[] = functions) {
  mkdirSync(outDir, { recursive: true });
  const baselines = {} as Record<Baseline, BundleSize>;
  for (const [name, entry] of Object.entries(baselineEntries) as [Baseline, string][]) {
    const built = await bundle(`baseline-${name}`, entry, outDir);
    baselines[name] = {
      name: `baseline-${name}`,
      file: built.file,
      bytes: built.bytes,
      gzipBytes: built.gzipBytes,
      sdkExternal: await sdkExternal(`baseline-${name}`, entry, outDir),
      packages: composition(built.packages),
    };
  }

  const bundles: FunctionBundle[] = [];
  for (const fn of declarations) {
    const built = await bundle(fn.name, fn.entry, outDir);
    // The clients actually bundled decide the baseline, whatever the declaration says.
    const clients = (Object.keys(clientPackages) as (keyof typeof clientPackages)[]).filter((client) =>
      built.packages.has(clientPackages[client]),
    );
    bundles.push({
      name: fn.name,
      file: built.file,
      bytes: built.bytes,
      gzipBytes: built.gzipBytes,
      sdkExternal: await sdkExternal(fn.name, fn.entry, outDir),
      packages: composition(built.packages),
      api: fn.routes.length > 0,
      clients,
      baseline: baselineFor(clients),
    });
  }

  const crm = declarations.find((fn) => fn.name === 'crm-records');
  if (!crm) throw new Error('crm-records is not declared');
  const classic = await bundle('crm-records.classic-zod', crm.entry, outDir, { plugins: [classicZod] });
  const classicZodVariant: BundleSize = {
    name: 'crm-records (classic zod)',
    file: classic.file,
    bytes: classic.bytes,
    gzipBytes: classic.gzipBytes,
    sdkExternal: await sdkExternal('crm-records.classic-zod', crm.entry, outDir, { plugins: [classicZod] }),
    packages: composition(classic.packages),
  };

  const empty = await bundle('probe-empty', 'bench/baselines/probes/empty.ts', join(outDir, 'probes'));
  const probes = [];
  for (const name of probeNames) {
    const probe = await bundle(`probe-${name}`, `bench/baselines/probes/${name}.ts`, join(outDir, 'probes'));
    probes.push({ name, bytes: probe.bytes, addedBytes: probe.bytes - empty.bytes });
  }

  const direct = await bundle('direct-reads', 'bench/baselines/direct-reads.ts', outDir);
  return {
    functions: bundles,
    baselines,
    classicZodVariant,
    probes,
    directReadsFile: direct.file,
  } satisfies BundleReport;
}
