import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';

/**
 * Each emulator runs under a tiny bash guard in its own process group. The guard holds a pipe from the
 * launcher: when the launcher dies for any reason (even SIGKILL) the pipe closes, the guard sees EOF and
 * stops the emulator, so no Java or node child outlives us. `$0` names the guard, so stale-process cleanup
 * can tell our process groups from unrelated processes that reused a pid.
 */
const guardScript = `
exec 3<&0
"$@" </dev/null &
child=$!
( while read -r _ <&3; do :; done; kill -TERM "$child" 2>/dev/null ) &
watcher=$!
exec 3<&-
wait "$child"; code=$?
kill "$watcher" 2>/dev/null
exit $code
`;

export const guardMarker = 'portico-guard';

export interface ManagedProcess {
  readonly name: string;
  /** Pid of the guard, which leads the process group. */
  readonly pid: number;
  readonly exited: Promise<number | null>;
  hasExited(): boolean;
  /** Asks the process to stop (SIGTERM via the guard), then kills the whole group after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export interface SpawnOptions {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly logFile: string;
}

export function spawnManaged({ name, command, args, cwd, env, logFile }: SpawnOptions): ManagedProcess {
  const log = createWriteStream(logFile, { flags: 'a' });
  const child: ChildProcess = spawn('bash', ['-c', guardScript, `${guardMarker}:${name}`, command, ...args], {
    cwd,
    env,
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code, signal) => {
      exitCode = code ?? (signal ? null : 0);
      resolve(exitCode);
    });
    child.once('error', () => resolve(null));
  }).finally(() => log.end());
  // The launcher must not wait on these pipes to exit.
  child.unref();
  (child.stdout as unknown as { unref?: () => void })?.unref?.();
  (child.stderr as unknown as { unref?: () => void })?.unref?.();
  const pid = child.pid;
  if (pid === undefined) throw new Error(`Could not start ${name}`);

  return {
    name,
    pid,
    exited,
    hasExited: () => exitCode !== undefined,
    async stop(graceMs = 5000) {
      if (exitCode !== undefined) return;
      child.stdin?.end();
      const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
      // Anything the emulator itself left in its group goes too.
      killGroup(pid, 'SIGKILL');
    },
  };
}

export function killGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** `kill(pid, 0)` calls a zombie alive; /proc tells the truth. */
export function isProcessAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

export function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

export function commandLineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

/** True while any member of the process group exists. */
export function isGroupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls `condition` until true; `what` may be a function, so the message can say what was last seen. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string | (() => string),
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${typeof what === 'function' ? what() : what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
