import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stackName, type LocalOutputs } from '../outputs';

export const repoRoot = resolve(__dirname, '..', '..');

export interface StackProcess {
  readonly child: ChildProcess;
  readonly dataDir: string;
  /** Everything the launcher printed, for assertions and for failure messages. */
  output(): string;
  exited: Promise<number | null>;
}

/**
 * Runs `npm start`'s own entry point (not a copy of it) as a child process, on the Node binary running
 * the caller (the project's Node 24): how tests and benchmarks get a whole stack of their own.
 */
export function spawnLocalStack(
  dataDir: string,
  extraArgs: readonly string[] = [],
  env: NodeJS.ProcessEnv = { POWERTOOLS_LOG_LEVEL: 'WARN' },
): StackProcess {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'infra/local/start.ts', '--ports=auto', `--data-dir=${dataDir}`, ...extraArgs],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  return { child, dataDir, output: () => output, exited };
}

/**
 * Resolves once the banner is printed; rejects with the launcher's output if it exits first. The limit is generous:
 * on a busy 2-core machine the emulators alone took over 60 s to start, and this only bounds a wait for a condition.
 */
export async function untilReady(stack: StackProcess, timeoutMs = 180_000): Promise<LocalOutputs> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void stack.exited.then((code) => (exitCode = code));
  while (!stack.output().includes('Portico is running')) {
    if (exitCode !== undefined) throw new Error(`Local stack exited with ${exitCode}:\n${stack.output()}`);
    if (Date.now() > deadline) throw new Error(`Local stack not ready after ${timeoutMs} ms:\n${stack.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return readOutputs(stack.dataDir);
}

export function readOutputs(dataDir: string): LocalOutputs {
  const file = join(dataDir, 'outputs.json');
  if (!existsSync(file)) throw new Error(`${file} is missing`);
  const outputs = (JSON.parse(readFileSync(file, 'utf8')) as Record<string, LocalOutputs>)[stackName];
  if (!outputs) throw new Error(`${file} has no ${stackName} key`);
  return outputs;
}

export async function stopLocalStack(stack: StackProcess, timeoutMs = 15_000): Promise<number | null> {
  if (stack.child.exitCode !== null) return stack.child.exitCode;
  stack.child.kill('SIGTERM');
  const timer = setTimeout(() => stack.child.kill('SIGKILL'), timeoutMs);
  const code = await stack.exited;
  clearTimeout(timer);
  return code;
}
