import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { FunctionDeclaration, FunctionSchedule } from '../../shared/declarations/functions';

/**
 * The local stand-in for EventBridge Scheduler: each function declaring a `schedule` is invoked every day at its
 * `dailyAt` in TIME_ZONE, asynchronously as the Scheduler invokes it: a failed run is retried `maxRetryAttempts`
 * times, then its event goes to a failure file (the cloud's failure queue).
 */

/** The offset of `timeZone` from UTC at `instant`, in milliseconds (positive east of Greenwich). */
function offsetAt(timeZone: string, instant: number): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
      .formatToParts(new Date(instant))
      .map((part) => [part.type, Number(part.value)]),
  ) as Record<string, number>;
  const asUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** The first instant after `now` whose wall-clock time in `timeZone` is `dailyAt` (`HH:MM`). */
export function nextDailyRun(dailyAt: string, timeZone: string, now: Date): Date {
  const [hour, minute] = dailyAt.split(':').map(Number) as [number, number];
  const local = new Date(now.getTime() + offsetAt(timeZone, now.getTime()));
  for (let day = 0; day <= 2; day++) {
    const wall = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + day, hour, minute);
    // Two passes settle the offset across a daylight-saving change between now and then.
    let instant = wall - offsetAt(timeZone, wall);
    instant = wall - offsetAt(timeZone, instant);
    if (instant > now.getTime()) return new Date(instant);
  }
  throw new Error(`No next run for ${dailyAt} in ${timeZone}`);
}

export interface LocalSchedulesOptions {
  readonly declarations: readonly FunctionDeclaration[];
  readonly timeZone: string;
  readonly invoke: (name: string, event: unknown) => Promise<unknown>;
  /** Where a run that failed all its attempts is written, one JSON line per event. */
  readonly failureFile: (name: string) => string;
  readonly log: (message: string) => void;
  readonly now?: () => Date;
}

/** The event each scheduled run receives, the same the cloud's schedule sends. */
export const scheduledEvent = (name: string) => ({ schedule: name });

async function runWithRetries(options: LocalSchedulesOptions, name: string, schedule: FunctionSchedule): Promise<void> {
  const event = scheduledEvent(name);
  const errors: string[] = [];
  for (let attempt = 0; attempt <= schedule.maxRetryAttempts; attempt++) {
    try {
      await options.invoke(name, event);
      return;
    } catch (error) {
      errors.push((error as Error).message);
      options.log(`Scheduled run of ${name} failed (attempt ${attempt + 1}): ${(error as Error).message}`);
    }
  }
  const file = options.failureFile(name);
  mkdirSync(dirname(file), { recursive: true });
  appendFileSync(file, `${JSON.stringify({ at: new Date().toISOString(), function: name, event, errors })}\n`);
}

export function startLocalSchedules(options: LocalSchedulesOptions): { stop(): Promise<void> } {
  const now = options.now ?? (() => new Date());
  const timers = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<void>>();
  let stopped = false;
  for (const fn of options.declarations) {
    const schedule = fn.schedule;
    if (!schedule) continue;
    const arm = () => {
      if (stopped) return;
      const delay = nextDailyRun(schedule.dailyAt, options.timeZone, now()).getTime() - now().getTime();
      const timer = setTimeout(() => {
        timers.delete(timer);
        const run = runWithRetries(options, fn.name, schedule).finally(() => running.delete(run));
        running.add(run);
        arm();
      }, delay);
      // The schedule alone never keeps the process alive.
      timer.unref();
      timers.add(timer);
    };
    arm();
  }
  return {
    async stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      await Promise.allSettled([...running]);
    },
  };
}
