import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FunctionDeclaration } from '../../shared/declarations/functions';
import { scheduledEvent, startLocalSchedules } from '../../infra/local/schedules';

/** The local stand-in for EventBridge Scheduler: runs at the declared time, retries, then a failure file. */
const daily: FunctionDeclaration = {
  name: 'daily-thing',
  description: 'test',
  entry: 'functions/none.ts',
  memoryMb: 128,
  timeoutSeconds: 1,
  environment: [],
  tableAccess: [],
  routes: [],
  schedule: { dailyAt: '00:05', maxRetryAttempts: 2 },
};
const unscheduled: FunctionDeclaration = { ...daily, name: 'not-scheduled', schedule: undefined };

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'portico-schedules-'));
  jest.useFakeTimers({ now: new Date('2026-12-02T23:00:00Z') });
});
afterEach(() => {
  jest.useRealTimers();
  rmSync(dir, { recursive: true, force: true });
});

function start(invoke: (name: string, event: unknown) => Promise<unknown>) {
  return startLocalSchedules({
    declarations: [daily, unscheduled],
    timeZone: 'Europe/Berlin',
    invoke,
    failureFile: (name) => join(dir, `${name}.failures.jsonl`),
    log: () => {},
  });
}

it('invokes each scheduled function (only those) at its time in the zone, then every day', async () => {
  const calls: [string, unknown, string][] = [];
  const schedules = start(async (name, event) => void calls.push([name, event, new Date().toISOString()]));
  // 23:00 UTC is 00:00 in Berlin: the run is due at 00:05 Berlin, 23:05 UTC.
  await jest.advanceTimersByTimeAsync(4 * 60_000);
  expect(calls).toEqual([]);
  await jest.advanceTimersByTimeAsync(60_000);
  expect(calls).toEqual([['daily-thing', scheduledEvent('daily-thing'), '2026-12-02T23:05:00.000Z']]);
  await jest.advanceTimersByTimeAsync(24 * 3600_000);
  expect(calls.map(([, , at]) => at)).toEqual(['2026-12-02T23:05:00.000Z', '2026-12-03T23:05:00.000Z']);
  await schedules.stop();
  await jest.advanceTimersByTimeAsync(48 * 3600_000);
  expect(calls).toHaveLength(2);
});

it('retries a failed run, then writes its event to the failure file', async () => {
  let attempts = 0;
  const schedules = start(async () => {
    attempts++;
    throw new Error(`boom ${attempts}`);
  });
  await jest.advanceTimersByTimeAsync(5 * 60_000);
  await schedules.stop();
  expect(attempts).toBe(3);
  const lines = readFileSync(join(dir, 'daily-thing.failures.jsonl'), 'utf8').trim().split('\n');
  expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual([
    expect.objectContaining({
      function: 'daily-thing',
      event: scheduledEvent('daily-thing'),
      errors: ['boom 1', 'boom 2', 'boom 3'],
    }),
  ]);
});

it('a run that succeeds on a retry writes no failure', async () => {
  let attempts = 0;
  const schedules = start(async () => {
    if (++attempts < 2) throw new Error('once');
  });
  await jest.advanceTimersByTimeAsync(5 * 60_000);
  await schedules.stop();
  expect(attempts).toBe(2);
  expect(() => readFileSync(join(dir, 'daily-thing.failures.jsonl'))).toThrow(/ENOENT/);
});
