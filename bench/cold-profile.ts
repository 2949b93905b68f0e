import { mkdirSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { join } from 'node:path';
import { runJsonChild } from './child-process';
import { lambdaNodeFlags, type ColdSubject } from './cold-start';
import {
  frameNamer,
  originsOverBaseline,
  summariseProfiles,
  type CpuProfile,
  type ProfileSummary,
} from './cpu-profile-summary';

/**
 * `npm run bench -- --profile`: a CPU profile of each subject's cold start — the require of its bundle and its
 * first call, apart — and of its baseline, a few runs each (bench/cold-profile-child.cjs). Keeps every
 * .cpuprofile (open one in Chrome DevTools or VS Code) and summarises them: the top functions by self time, and
 * each origin's self time beside the baseline's, which names what the function adds over a bare handler.
 */

export type Phase = 'require' | 'first-call';
export const phases: readonly Phase[] = ['require', 'first-call'];

export interface PhaseProfile {
  readonly summary: ProfileSummary;
  readonly baseline: ProfileSummary;
  /** Self time per origin, subject vs baseline, largest addition first. */
  readonly overBaseline: ReturnType<typeof originsOverBaseline>;
}

export interface ColdProfile {
  readonly name: string;
  readonly baseline: string;
  readonly runs: number;
  readonly phases: Readonly<Record<Phase, PhaseProfile>>;
}

const child = join(__dirname, 'cold-profile-child.cjs');

function sourceMapOf(bundle: string): SourceMap | undefined {
  try {
    return new SourceMap(JSON.parse(readFileSync(`${bundle}.map`, 'utf8')));
  } catch {
    return undefined;
  }
}

const fileName = (name: string) => name.replace(/[^a-z0-9.-]+/gi, '-');

async function profileRuns(
  bundle: string,
  event: unknown,
  name: string,
  env: NodeJS.ProcessEnv,
  dir: string,
  runs: number,
  intervalMicros: number,
): Promise<Record<Phase, ProfileSummary>> {
  const files: Record<Phase, CpuProfile[]> = { require: [], 'first-call': [] };
  for (let run = 0; run < runs; run++) {
    const out = join(dir, `${fileName(name)}.${run + 1}`);
    const result = await runJsonChild<{ statusCode?: number }>(
      [...lambdaNodeFlags, child, bundle, JSON.stringify(event), name, out, String(intervalMicros)],
      env,
      `Profiled cold start of ${name}`,
      (line) => line.startsWith('{"loadMs"'),
    );
    if (result.statusCode !== 200) throw new Error(`Profiled cold start of ${name} answered ${result.statusCode}`);
    for (const phase of phases) {
      files[phase].push(JSON.parse(readFileSync(`${out}.${phase}.cpuprofile`, 'utf8')) as CpuProfile);
    }
  }
  const namer = frameNamer(bundle, sourceMapOf(bundle));
  return {
    require: summariseProfiles(files.require, namer),
    'first-call': summariseProfiles(files['first-call'], namer),
  };
}

export async function profileColdStarts(
  subjects: readonly ColdSubject[],
  env: NodeJS.ProcessEnv,
  dir: string,
  runs: number,
  progress: (message: string) => void = () => {},
  intervalMicros = 100,
): Promise<ColdProfile[]> {
  mkdirSync(dir, { recursive: true });
  const baselines = new Map<string, Record<Phase, ProfileSummary>>();
  const profiles: ColdProfile[] = [];
  for (const subject of subjects) {
    const { baseline } = subject;
    if (!baselines.has(baseline.name)) {
      baselines.set(
        baseline.name,
        await profileRuns(baseline.bundle, baseline.event, baseline.name, env, dir, runs, intervalMicros),
      );
    }
    const own = await profileRuns(
      subject.bundle,
      subject.event,
      subject.name,
      { ...env, ...subject.env },
      dir,
      runs,
      intervalMicros,
    );
    const base = baselines.get(baseline.name)!;
    const phaseOf = (phase: Phase): PhaseProfile => ({
      summary: own[phase],
      baseline: base[phase],
      overBaseline: originsOverBaseline(own[phase], base[phase]),
    });
    profiles.push({
      name: subject.name,
      baseline: baseline.name,
      runs,
      phases: { require: phaseOf('require'), 'first-call': phaseOf('first-call') },
    });
    progress(`profile: ${subject.name} (${runs} runs)`);
  }
  return profiles;
}

const ms = (value: number) => `${value.toFixed(1)} ms`;

/** The profiles as Markdown: per function and phase, what it adds over its baseline by origin, and its top functions. */
export function profileMarkdown(profiles: readonly ColdProfile[], top = 10): string {
  const lines: string[] = [];
  for (const profile of profiles) {
    lines.push(`### ${profile.name} (vs ${profile.baseline}; mean of ${profile.runs} profiled cold starts)`, '');
    for (const phase of phases) {
      const { summary, baseline, overBaseline } = profile.phases[phase];
      lines.push(
        `**${phase}**: ${ms(summary.sampledMs)} sampled (baseline ${ms(baseline.sampledMs)}).`,
        '',
        '| origin | self | baseline self | added |',
        '| --- | --- | --- | --- |',
        ...overBaseline
          .filter((origin) => Math.abs(origin.addedMs) >= 0.5)
          .slice(0, top)
          .map(
            (o) =>
              `| ${o.name} | ${ms(o.selfMs)} | ${ms(o.baselineSelfMs)} | ${o.addedMs >= 0 ? '+' : ''}${ms(o.addedMs)} |`,
          ),
        '',
        '| function (top by self time) | self | total |',
        '| --- | --- | --- |',
        ...summary.byFunction
          .slice(0, top)
          .map((f) => `| ${f.name.replaceAll('|', '\\|')} | ${ms(f.selfMs)} | ${ms(f.totalMs)} |`),
        '',
      );
    }
  }
  return lines.join('\n');
}
