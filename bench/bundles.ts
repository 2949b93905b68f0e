import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { esbuildOptions } from '../infra/bundling';
import { functions, type FunctionDeclaration } from '../shared/declarations/functions';
import { repoRoot } from '../infra/local/stack-process';

/**
 * Bundle sizes: every function built exactly as CDK's NodejsFunction builds it (infra/bundling.ts), a bare
 * baseline per set of AWS SDK clients the functions bundle, built the same way in the same run, and the
 * variants that show what a dependency costs (the runtime's SDK instead of the bundled one, probes of each
 * dependency alone).
 */

/** A baseline's name: the SDK packages it bundles, e.g. `client-dynamodb+client-s3+s3-request-presigner`. */
export type Baseline = string;

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
  /** The AWS SDK clients (and S3 presigner) the bundle holds, read from esbuild's metafile. */
  readonly clients: readonly string[];
}

export interface BundleReport {
  readonly functions: readonly FunctionBundle[];
  readonly baselines: Readonly<Record<Baseline, BundleSize>>;
  /** The baseline of a DynamoDB client alone: what the variants of crm-records are set beside. */
  readonly dynamodbBaseline: Baseline;
  /** What each dependency adds over an empty handler, built the same way. */
  readonly probes: readonly { readonly name: string; readonly bytes: number; readonly addedBytes: number }[];
  /** The warm-overhead baseline (direct SDK reads), bundled the same way. */
  readonly directReadsFile: string;
}

const probeNames = ['valibot', 'middy', 'powertools-logger', 'util-dynamodb'] as const;

/**
 * The SDK packages a feature genuinely needs and a baseline therefore holds too: every service client, and the
 * S3 presigner (a URL signed for the browser is the files feature itself). Helpers such as util-dynamodb are
 * Portico's own choice and stay on the function's side of the ratio.
 */
const sdkClientPackage = /^@aws-sdk\/(client-[a-z0-9-]+|s3-request-presigner)$/;
const dynamodbClient = '@aws-sdk/client-dynamodb';

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

/** An entry file, or generated source (a baseline) resolved as if it lived in bench/baselines/. */
type Entry = string | { readonly contents: string };

async function bundle(
  name: string,
  entry: Entry,
  outDir: string,
  extra: Partial<BuildOptions> = {},
): Promise<{ file: string; bytes: number; gzipBytes: number; packages: Map<string, number> }> {
  const file = join(outDir, `${name}.js`);
  const result = await build({
    ...esbuildOptions(),
    ...extra,
    ...(typeof entry === 'string'
      ? { entryPoints: [resolve(repoRoot, entry)] }
      : {
          stdin: {
            contents: entry.contents,
            loader: 'ts',
            resolveDir: join(repoRoot, 'bench', 'baselines'),
            sourcefile: `bench/baselines/${name}.ts`,
          },
        }),
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

async function sdkExternal(name: string, entry: Entry, outDir: string, extra: Partial<BuildOptions> = {}) {
  const built = await bundle(name, entry, join(outDir, 'sdk-external'), { ...extra, external: ['@aws-sdk/*'] });
  return { file: built.file, bytes: built.bytes, gzipBytes: built.gzipBytes };
}

/** The SDK clients in a bundle (package names), sorted; DynamoDB always, since every baseline reads the table. */
export function sdkClientsOf(packages: Iterable<string>): string[] {
  const clients = new Set([dynamodbClient, ...[...packages].filter((name) => sdkClientPackage.test(name))]);
  return [...clients].sort();
}

export function baselineFor(clients: readonly string[]): Baseline {
  return clients.map((client) => client.replace('@aws-sdk/', '')).join('+');
}

const packageRequire = createRequire(join(repoRoot, 'package.json'));

/**
 * A bare handler with exactly these SDK clients: each client created at init (where AWS's guidance puts it),
 * the presigner imported, one consistent GetItem per invocation, the raw item returned. No framework, no
 * validation, no logging. The client class is read from the package itself, so no list of names is kept here.
 */
export function baselineSource(clients: readonly string[]): string {
  const lines: string[] = [];
  const created: string[] = [];
  for (const client of clients) {
    if (client === '@aws-sdk/s3-request-presigner') {
      lines.push(`import { getSignedUrl } from '${client}';`);
      created.push('getSignedUrl');
      continue;
    }
    const className = Object.keys(packageRequire(client) as object).find(
      (key) => key.endsWith('Client') && key !== '__Client',
    );
    if (!className) throw new Error(`No client class in ${client}`);
    lines.push(`import { ${className}${client === dynamodbClient ? ', GetItemCommand' : ''} } from '${client}';`);
    if (client !== dynamodbClient) created.push(`new ${className}({})`);
  }
  return [
    ...lines,
    'const dynamo = new DynamoDBClient({});',
    // Kept reachable, so the bundler keeps every client as the function's bundle does.
    `export const clients = [${created.join(', ')}];`,
    "const tableName = process.env.TABLE_NAME ?? '';",
    'export const handler = async (event: { pathParameters?: { id?: string } }) => {',
    "  const id = event.pathParameters?.id ?? 'missing';",
    '  const result = await dynamo.send(',
    "    new GetItemCommand({ TableName: tableName, Key: { pk: { S: id }, sk: { S: 'RECORD' } }, ConsistentRead: true }),",
    '  );',
    '  return { statusCode: result.Item ? 200 : 404, body: JSON.stringify(result.Item ?? null) };',
    '};',
    '',
  ].join('\n');
}

export async function buildBundles(outDir: string, declarations: readonly FunctionDeclaration[] = functions) {
  mkdirSync(outDir, { recursive: true });
  const baselines: Record<Baseline, BundleSize> = {};
  const buildBaseline = async (clients: readonly string[]) => {
    const name = baselineFor(clients);
    if (baselines[name]) return name;
    const entry = { contents: baselineSource(clients) };
    const built = await bundle(`baseline-${name}`, entry, outDir);
    baselines[name] = {
      name: `baseline-${name}`,
      file: built.file,
      bytes: built.bytes,
      gzipBytes: built.gzipBytes,
      sdkExternal: await sdkExternal(`baseline-${name}`, entry, outDir),
      packages: composition(built.packages),
    };
    return name;
  };
  const dynamodbBaseline = await buildBaseline([dynamodbClient]);

  const bundles: FunctionBundle[] = [];
  for (const fn of declarations) {
    const built = await bundle(fn.name, fn.entry, outDir);
    // The clients actually bundled decide the baseline: derived, never declared a second time.
    const clients = sdkClientsOf(built.packages.keys());
    bundles.push({
      name: fn.name,
      file: built.file,
      bytes: built.bytes,
      gzipBytes: built.gzipBytes,
      sdkExternal: await sdkExternal(fn.name, fn.entry, outDir),
      packages: composition(built.packages),
      api: fn.routes.length > 0,
      clients,
      baseline: await buildBaseline(clients),
    });
  }

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
    dynamodbBaseline,
    probes,
    directReadsFile: direct.file,
  } satisfies BundleReport;
}
