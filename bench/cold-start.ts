import { runJsonChild } from './child-process';
import { join } from 'node:path';

/**
 * Cold init: each subject (a function bundle or a variant of one) and its baseline run in fresh Node
 * processes, paired and interleaved — baseline, subject, baseline, subject… — with the pair's order
 * flipped every round and the subjects' order rotated, so drift on a noisy machine hits both sides alike.
 */

export interface ColdSubject {
  readonly name: string;
  readonly bundle: string;
  readonly event: unknown;
  readonly baseline: { readonly name: string; readonly bundle: string; readonly event: unknown };
  /** Extra environment (NODE_PATH for a bundle that leaves the SDK to the runtime). */
  readonly env?: NodeJS.ProcessEnv;
}

export interface ColdSample {
  readonly initMs: number;
  readonly loadMs: number;
  readonly invokeMs: number;
  readonly statusCode?: number;
}

export interface ColdResult {
  readonly name: string;
  readonly baseline: string;
  readonly runs: number;
  /** Medians, ms since process start. */
  readonly initMs: number;
  readonly loadMs: number;
  readonly invokeMs: number;
  readonly baselineInitMs: number;
  readonly baselineLoadMs: number;
  readonly baselineInvokeMs: number;
  readonly ratio: number;
  /** Median of the per-pair ratios: the same question, robust to drift between rounds. */
  readonly pairedRatio: number;
  /**
   * How far `ratio` could move by chance alone: the 2.5th and 97.5th percentiles of the ratio of medians over
   * resamples of the rounds (`ratioInterval`). A budget inside it is decided by the run, not by the code.
   */
  readonly ratioInterval: readonly [number, number];
  /** Every round's cold init, ms: the subject's and its pair's baseline's, in round order. */
  readonly samples: { readonly initMs: readonly number[]; readonly baselineInitMs: readonly number[] };
}

/**
 * Flags the deployed functions run with (NODE_OPTIONS in infra/cdk/lambda-functions.ts): none since the bundles map
 * their stacks on demand (shared/observability/stacks-on-demand.ts) instead of `--enable-source-maps`.
 */
export const lambdaNodeFlags: readonly string[] = [];

const child = join(__dirname, 'cold-start-child.cjs');
const warmUpChild = join(__dirname, 'emulator-warm-up-child.cjs');

/**
 * First calls made this many times per subject and baseline, untimed, before the rounds: DynamoDB Local is a JVM, and
 * until it has compiled a request's path (a Query of an index, a BatchGetItem) that request takes it several times as
 * long, which the subjects that make it would be charged for and DynamoDB itself never costs. As the table write
 * ceiling's rows, which also run after an untimed JVM warm-up.
 */
const emulatorWarmUpCalls = 200;

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const round = (value: number, digits = 1) => Number(value.toFixed(digits));

/** A small seeded generator (mulberry32): the same samples give the same interval in every report. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/**
 * A 95% percentile-bootstrap interval of median(subject) / median(baseline): the rounds are drawn again with
 * replacement, each round's pair kept together (the pair shared the machine's state), `resamples` times.
 */
export function ratioInterval(
  subject: readonly number[],
  baseline: readonly number[],
  { resamples = 2000, seed = 1 }: { resamples?: number; seed?: number } = {},
): [number, number] {
  if (subject.length !== baseline.length || subject.length === 0) throw new Error('Paired samples of equal length');
  const random = seededRandom(seed);
  const ratios: number[] = [];
  for (let i = 0; i < resamples; i++) {
    const picks = subject.map(() => Math.floor(random() * subject.length));
    ratios.push(median(picks.map((k) => subject[k]!)) / median(picks.map((k) => baseline[k]!)));
  }
  ratios.sort((a, b) => a - b);
  const at = (quantile: number) => ratios[Math.min(ratios.length - 1, Math.floor(quantile * ratios.length))]!;
  return [at(0.025), at(0.975)];
}

async function runOnce(bundle: string, event: unknown, name: string, env: NodeJS.ProcessEnv): Promise<ColdSample> {
  const sample = await runJsonChild<ColdSample>(
    [...lambdaNodeFlags, child, bundle, JSON.stringify(event), name],
    env,
    `Cold start of ${name}`,
    (line) => line.startsWith('{"initMs"'),
  );
  // A cold start that answers with an error measures the error path, not the function.
  if (sample.statusCode !== 200) throw new Error(`Cold start of ${name} answered ${sample.statusCode}`);
  return sample;
}

/** Every subject's and baseline's first call, `calls` times in one warm process each (`emulatorWarmUpCalls`). */
async function warmUpEmulators(
  subjects: readonly ColdSubject[],
  env: NodeJS.ProcessEnv,
  calls: number,
  progress: (message: string) => void = () => {},
): Promise<void> {
  const runs = new Map<string, { bundle: string; event: unknown; name: string; env: NodeJS.ProcessEnv }>();
  for (const subject of subjects) {
    runs.set(subject.baseline.name, { ...subject.baseline, env });
    runs.set(subject.name, {
      bundle: subject.bundle,
      event: subject.event,
      name: subject.name,
      env: { ...env, ...subject.env },
    });
  }
  for (const run of runs.values()) {
    await runJsonChild(
      [warmUpChild, run.bundle, JSON.stringify(run.event), run.name, String(calls)],
      run.env,
      `Emulator warm-up with ${run.name}`,
      (line) => line.startsWith('{"warmed"'),
    );
  }
  progress(`emulators warmed up: ${runs.size} first calls × ${calls}, untimed`);
}

export async function measureColdStarts(
  subjects: readonly ColdSubject[],
  env: NodeJS.ProcessEnv,
  rounds: number,
  progress: (message: string) => void = () => {},
): Promise<ColdResult[]> {
  const samples = new Map(subjects.map((s) => [s.name, { subject: [] as ColdSample[], baseline: [] as ColdSample[] }]));
  await warmUpEmulators(subjects, env, emulatorWarmUpCalls, progress);
  // One warm-up pair each, not recorded: the first read of each file from disk is not a cold start's cost.
  for (const subject of subjects) {
    await runOnce(subject.baseline.bundle, subject.baseline.event, subject.baseline.name, env);
    await runOnce(subject.bundle, subject.event, subject.name, { ...env, ...subject.env });
  }
  for (let round = 0; round < rounds; round++) {
    const rotated = subjects.map((_, i) => subjects[(i + round) % subjects.length]!);
    for (const subject of rotated) {
      const runBaseline = () => runOnce(subject.baseline.bundle, subject.baseline.event, subject.baseline.name, env);
      const runSubject = () => runOnce(subject.bundle, subject.event, subject.name, { ...env, ...subject.env });
      const bucket = samples.get(subject.name)!;
      if (round % 2 === 0) {
        bucket.baseline.push(await runBaseline());
        bucket.subject.push(await runSubject());
      } else {
        bucket.subject.push(await runSubject());
        bucket.baseline.push(await runBaseline());
      }
    }
    progress(`cold init: round ${round + 1}/${rounds}`);
  }
  return subjects.map((subject) => {
    const { subject: runs, baseline } = samples.get(subject.name)!;
    const init = median(runs.map((r) => r.initMs));
    const baselineInit = median(baseline.map((r) => r.initMs));
    return {
      name: subject.name,
      baseline: subject.baseline.name,
      runs: runs.length,
      initMs: round(init),
      loadMs: round(median(runs.map((r) => r.loadMs))),
      invokeMs: round(median(runs.map((r) => r.invokeMs))),
      baselineInitMs: round(baselineInit),
      baselineLoadMs: round(median(baseline.map((r) => r.loadMs))),
      baselineInvokeMs: round(median(baseline.map((r) => r.invokeMs))),
      ratio: round(init / baselineInit, 3),
      pairedRatio: round(median(runs.map((r, i) => r.initMs / baseline[i]!.initMs)), 3),
      ratioInterval: ratioInterval(
        runs.map((r) => r.initMs),
        baseline.map((r) => r.initMs),
      ).map((bound) => round(bound, 3)) as [number, number],
      samples: { initMs: runs.map((r) => r.initMs), baselineInitMs: baseline.map((r) => r.initMs) },
    };
  });
}
