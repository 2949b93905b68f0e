import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { commandLineOf, guardMarker, isGroupAlive, isProcessAlive, killGroup, waitFor } from './managed-process';

interface LockState {
  readonly launcherPid: number;
  readonly startedAt: string;
  readonly children: { readonly name: string; readonly pgid: number }[];
}

export class AlreadyRunning extends Error {}

/**
 * One local stack per data directory. The lock records the launcher and its children's process groups,
 * so a start after a crash (even SIGKILL) can stop whatever the dead launcher left behind.
 */
export class RunLock {
  private state: LockState;

  private constructor(
    private readonly file: string,
    launcherPid: number,
  ) {
    this.state = { launcherPid, startedAt: new Date().toISOString(), children: [] };
  }

  static async acquire(file: string): Promise<RunLock> {
    mkdirSync(dirname(file), { recursive: true });
    const previous = readLock(file);
    if (previous && previous.launcherPid !== process.pid && isProcessAlive(previous.launcherPid)) {
      throw new AlreadyRunning(
        `Portico is already running from this directory (pid ${previous.launcherPid}, since ${previous.startedAt}). ` +
          'Stop it (Ctrl-C in its terminal) before starting another.',
      );
    }
    if (previous) await stopLeftovers(previous);
    const lock = new RunLock(file, process.pid);
    lock.write();
    return lock;
  }

  addChild(name: string, pgid: number): void {
    this.state = { ...this.state, children: [...this.state.children, { name, pgid }] };
    this.write();
  }

  release(): void {
    if (readLock(this.file)?.launcherPid === process.pid) rmSync(this.file, { force: true });
  }

  private write(): void {
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(this.state, null, 2));
    renameSync(temporary, this.file);
  }
}

function readLock(file: string): LockState | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LockState;
  } catch {
    return undefined;
  }
}

/** Stops process groups a dead launcher left, but only ones our guard leads (pids get reused). */
async function stopLeftovers(previous: LockState): Promise<void> {
  const ours = previous.children.filter(
    ({ pgid }) => isGroupAlive(pgid) && commandLineOf(pgid).includes(`${guardMarker}:`),
  );
  for (const { pgid } of ours) killGroup(pgid, 'SIGTERM');
  try {
    await waitFor(() => ours.every(({ pgid }) => !isGroupAlive(pgid)), 5000, 'leftover emulators to stop');
  } catch {
    for (const { pgid } of ours) killGroup(pgid, 'SIGKILL');
  }
}
