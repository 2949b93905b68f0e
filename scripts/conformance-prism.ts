import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, spawnLocalStack, stopLocalStack, untilReady } from '../infra/local/stack-process';
import { renderSummary, summarize } from './conformance/prism-report';
import { startRecordingProxy } from './conformance/recording-proxy';

/**
 * `npm run conformance -- --prism <path to prism> [jest args]`: the independent conformance check. Starts a local
 * stack, puts Stoplight Prism's validation proxy (fed the stack's own /openapi.json) in front of its API, runs the
 * integration jest project through it, and reports every violation Prism found. Exit code 1 on any response
 * violation; request violations are listed apart, since tests send bad input on purpose.
 * Prism is a reviewer's tool, installed outside the repo; nothing here shares code with tests/support/contract.
 */

const usage = 'usage: npm run conformance -- --prism <path to the prism binary> [jest arguments, e.g. test files]';

function parseArgs(argv: readonly string[]): { prism: string; jestArgs: string[] } {
  const jestArgs: string[] = [];
  let prism = process.env.PRISM_BIN;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--prism') prism = argv[++i];
    else if (arg.startsWith('--prism=')) prism = arg.slice('--prism='.length);
    else jestArgs.push(arg);
  }
  if (!prism) throw new Error(usage);
  return { prism, jestArgs };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

/** Prism's proxy on a free port; resolves once it says it listens, rejects with its output if it exits first. */
async function startPrism(prism: string, documentFile: string, upstream: string, logFile: string) {
  const port = await freePort();
  const child = spawn(
    prism,
    ['proxy', documentFile, upstream, '--errors=false', '--cors=false', '--host', '127.0.0.1', '--port', String(port)],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  const log = createWriteStream(logFile);
  let output = '';
  const keep = (chunk: Buffer) => {
    log.write(chunk);
    if (output.length < 100_000) output += chunk.toString();
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exitCode: number | null | undefined;
  child.once('exit', (code) => (exitCode = code));
  const deadline = Date.now() + 120_000;
  while (!output.includes('Prism is listening')) {
    if (exitCode !== undefined) throw new Error(`Prism exited with ${exitCode}:\n${output}`);
    if (Date.now() > deadline) throw new Error(`Prism not listening after 120 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, url: `http://127.0.0.1:${port}` };
}

function stopProcessGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(-child.pid, 'SIGTERM');
  return exited;
}

function runJest(jestArgs: readonly string[], env: NodeJS.ProcessEnv): Promise<number | null> {
  const jest = spawn(
    process.execPath,
    // The caller's arguments first: `--selectProjects` takes every name after it.
    [require.resolve('jest/bin/jest', { paths: [repoRoot] }), ...jestArgs, '--selectProjects', 'integration'],
    { cwd: repoRoot, stdio: 'inherit', env: { ...process.env, ...env } },
  );
  return new Promise((resolve) => jest.once('exit', (code) => resolve(code)));
}

async function main() {
  const { prism, jestArgs } = parseArgs(process.argv.slice(2));
  const workDir = mkdtempSync(join(tmpdir(), 'portico-conformance-'));
  const dataDir = join(workDir, 'stack');
  mkdirSync(dataDir);
  const stack = spawnLocalStack(dataDir, ['--fresh']);
  let prismChild: ChildProcess | undefined;
  let recorder: Awaited<ReturnType<typeof startRecordingProxy>> | undefined;
  const cleanUp = async () => {
    await recorder?.close();
    if (prismChild) await stopProcessGroup(prismChild);
    await stopLocalStack(stack);
    rmSync(dataDir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void cleanUp().finally(() => process.exit(130)));
  try {
    const outputs = await untilReady(stack);
    // The document the running API serves, not one rebuilt here: that is the promise a client generates from.
    const documentResponse = await fetch(`${outputs.ApiUrl}/openapi.json`);
    if (documentResponse.status !== 200)
      throw new Error(
        `GET /openapi.json answered ${documentResponse.status}: ${await documentResponse.text()}\n${stack.output()}`,
      );
    const document = (await documentResponse.json()) as Parameters<typeof summarize>[0];
    const documentFile = join(workDir, 'openapi.json');
    writeFileSync(documentFile, JSON.stringify(document, null, 2));

    const started = await startPrism(prism, documentFile, outputs.ApiUrl, join(workDir, 'prism.log'));
    prismChild = started.child;
    recorder = await startRecordingProxy(started.url);
    console.log(`Prism proxy ${started.url} → ${outputs.ApiUrl}; tests call ${recorder.url}`);

    const jestCode = await runJest(jestArgs, {
      PORTICO_EXISTING_STACK_DIR: dataDir,
      PORTICO_API_URL_OVERRIDE: recorder.url,
    });
    const summary = summarize(document, recorder.exchanges);
    writeFileSync(join(workDir, 'violations.json'), JSON.stringify(summary, null, 2));
    console.log(`\n${renderSummary(summary)}\n\nDocument, Prism's log and violations.json kept in ${workDir}`);
    if (summary.requests === 0) {
      console.error('No request went through Prism: nothing was checked.');
      process.exitCode = 1;
    }
    if (summary.responseViolations.length) {
      console.error(`${summary.responseViolations.length} response violation(s).`);
      process.exitCode = 1;
    }
    // Not a verdict on the document: some tests cannot pass through any proxy (the source address a signature
    // records) or through Prism (it parses a request's JSON itself and answers malformed JSON on its own).
    if (jestCode !== 0)
      console.warn(`Some integration tests failed through the proxy (jest exit ${jestCode}): see jest's output above.`);
  } finally {
    await cleanUp();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 2;
});
