import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time by process, read from /proc: which component of the local stack burns the machine's cores
 * during a phase. A poor man's profile, but it names the bottleneck: the component near one full core
 * (or the whole machine near its core count).
 */

let clockTicks: number | undefined;
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

interface ProcessSample {
  readonly pid: number;
  readonly ppid: number;
  readonly ticks: number;
}

function readStat(pid: number): ProcessSample | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { pid, ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined;
  }
}

/** What a process is, by its command line: the emulators, the launcher hosting the functions, the bench. */
function componentOf(pid: number): string {
  if (pid === process.pid) return 'bench driver';
  let commandLine = '';
  try {
    commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return 'other';
  }
  if (commandLine.includes('DynamoDBLocal.jar')) return 'dynamodb-local';
  if (commandLine.includes('cognito-local')) return 'cognito-local';
  if (commandLine.includes('aws-ses-v2-local')) return 'ses-local';
  if (commandLine.includes('infra/local/start.ts')) return 'stack (API gateway, functions, stream poller)';
  return 'other';
}

function descendantsOf(root: number): number[] {
  const all = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readStat(Number(name)))
    .filter((sample): sample is ProcessSample => sample !== undefined);
  const children = new Map<number, number[]>();
  for (const sample of all) children.set(sample.ppid, [...(children.get(sample.ppid) ?? []), sample.pid]);
  const found: number[] = [];
  const queue = [root];
  while (queue.length) {
    const pid = queue.shift()!;
    found.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return found;
}

export interface CpuSnapshot {
  readonly at: number;
  readonly ticks: ReadonlyMap<number, number>;
  /** The whole machine from /proc/stat: ticks busy (every process, ours or not) and stolen by the hypervisor. */
  readonly machine: { readonly busy: number; readonly steal: number };
}

/** Keys of the machine-wide figures in coresBetween's answer. */
export const machineBusy = '(machine: every process)';
export const machineSteal = '(machine: stolen by the hypervisor)';

function machineTicks() {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
    return { busy: user + nice + system + irq + softirq, steal };
  } catch {
    return { busy: 0, steal: 0 };
  }
}

/** CPU ticks of `root`, its descendants and this process, now. */
export function cpuSnapshot(root: number | undefined): CpuSnapshot {
  const pids = new Set([process.pid, ...(root ? descendantsOf(root) : [])]);
  const ticks = new Map<number, number>();
  for (const pid of pids) {
    const sample = readStat(pid);
    if (sample) ticks.set(pid, sample.ticks);
  }
  return { at: performance.now(), ticks, machine: machineTicks() };
}

/** Cores used by each component between two snapshots (1.0 = one core busy all the time), busiest first. */
export function coresBetween(before: CpuSnapshot, after: CpuSnapshot): Record<string, number> {
  const seconds = (after.at - before.at) / 1000;
  const byComponent = new Map<string, number>();
  for (const [pid, ticks] of after.ticks) {
    const used = ticks - (before.ticks.get(pid) ?? 0);
    const component = componentOf(pid);
    byComponent.set(component, (byComponent.get(component) ?? 0) + used);
  }
  const cores = [...byComponent.entries()]
    .map(([component, ticks]) => [component, Number((ticks / ticksPerSecond() / seconds).toFixed(2))] as const)
    .filter(([, used]) => used > 0)
    .sort((a, b) => b[1] - a[1]);
  const perSecond = ticksPerSecond() * seconds;
  return {
    ...Object.fromEntries(cores),
    [machineBusy]: Number(((after.machine.busy - before.machine.busy) / perSecond).toFixed(2)),
    [machineSteal]: Number(((after.machine.steal - before.machine.steal) / perSecond).toFixed(2)),
  };
}
