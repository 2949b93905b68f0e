import { SourceMap } from 'node:module';

/**
 * Reads V8 CPU profiles (.cpuprofile) of a bundle and says where the time went: per function (self and total
 * time) and per origin — the package, or Portico's own source file, a function's code came from, found through
 * the bundle's source map, since a minified bundle's names and lines say nothing. Pure: profiles and source maps
 * in, tables out.
 */

export interface CpuProfileNode {
  readonly id: number;
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
    readonly columnNumber: number;
  };
  readonly children?: readonly number[];
}

export interface CpuProfile {
  readonly nodes: readonly CpuProfileNode[];
  /** µs */
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  /** µs since the previous sample (the first: since startTime). */
  readonly timeDeltas: readonly number[];
}

/** Where a frame's code came from. */
export interface FrameOrigin {
  /** A package name, a repository path (`shared/modules/registry.ts`), or a V8 pseudo-frame such as `(garbage collector)`. */
  readonly origin: string;
  /** The function's name (the original one when the source map knows it) and where it is. */
  readonly label: string;
}

export interface TimeEntry {
  readonly name: string;
  /** Time with this on top of the stack, ms (mean per profile). */
  readonly selfMs: number;
  /** Time with this anywhere on the stack, ms (mean per profile). */
  readonly totalMs: number;
}

export interface ProfileSummary {
  readonly profiles: number;
  /** Sampled time, ms (mean per profile). */
  readonly sampledMs: number;
  readonly byOrigin: readonly TimeEntry[];
  readonly byFunction: readonly TimeEntry[];
}

/** `../node_modules/@aws-sdk/core/dist-cjs/index.js` → `@aws-sdk/core`; `../shared/x.ts` → `shared/x.ts`. */
export function originOfSource(source: string): string {
  const at = source.lastIndexOf('node_modules/');
  if (at >= 0) {
    const parts = source.slice(at + 'node_modules/'.length).split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  // Sources are relative to the bundle's directory, which may be anywhere: keep the path from the layer down.
  const layer = /(?:^|\/)((?:shared|functions|infra|bench)\/.*)$/.exec(source);
  return layer?.[1] ?? (source.replace(/^(\.\.\/)+/, '') || '(unknown)');
}

/**
 * Names a frame: through the source map when the frame is in the bundle, by its URL otherwise. Node's own
 * code is `(node)`, the bench's child `(bench)`, V8's pseudo-frames keep their names.
 */
export function frameNamer(bundleUrl: string, sourceMap: SourceMap | undefined) {
  const cache = new Map<string, FrameOrigin>();
  return (frame: CpuProfileNode['callFrame']): FrameOrigin => {
    const key = `${frame.url}:${frame.lineNumber}:${frame.columnNumber}:${frame.functionName}`;
    const known = cache.get(key);
    if (known) return known;
    let named: FrameOrigin;
    const name = frame.functionName || '(anonymous)';
    if (!frame.url) {
      named = { origin: name.startsWith('(') ? name : '(V8)', label: name };
    } else if (frame.url.startsWith('node:')) {
      named = { origin: '(node)', label: `${name} ${frame.url}` };
    } else if (frame.url.endsWith('.cjs') && frame.url.includes('/bench/')) {
      named = { origin: '(bench)', label: `${name} ${frame.url.slice(frame.url.lastIndexOf('/') + 1)}` };
    } else if (frame.url === bundleUrl || frame.url === `file://${bundleUrl}`) {
      const entry = sourceMap?.findEntry(frame.lineNumber, frame.columnNumber) as
        { originalSource?: string; originalLine?: number; name?: string } | undefined;
      if (entry?.originalSource) {
        const origin = originOfSource(entry.originalSource);
        const original = entry.name ?? name;
        named = { origin, label: `${original} ${origin}:${(entry.originalLine ?? 0) + 1}` };
      } else {
        named = { origin: '(bundle, unmapped)', label: `${name} bundle:${frame.lineNumber + 1}` };
      }
    } else {
      named = { origin: '(other)', label: `${name} ${frame.url}` };
    }
    cache.set(key, named);
    return named;
  };
}

/**
 * Self and total time per function and per origin over one or more profiles of the same code, as means per
 * profile. A sample's time is the gap to the next sample (DevTools' convention); total time counts a sample once
 * for each distinct function or origin on its stack, so recursion is not counted twice.
 */
export function summariseProfiles(
  profiles: readonly CpuProfile[],
  name: (frame: CpuProfileNode['callFrame']) => FrameOrigin,
  top = 15,
): ProfileSummary {
  const functions = new Map<string, { self: number; total: number }>();
  const origins = new Map<string, { self: number; total: number }>();
  const add = (table: Map<string, { self: number; total: number }>, key: string, self: number, total: number) => {
    const entry = table.get(key) ?? { self: 0, total: 0 };
    entry.self += self;
    entry.total += total;
    table.set(key, entry);
  };
  let sampled = 0;
  for (const profile of profiles) {
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    const parentOf = new Map<number, number>();
    for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
    // Per node: the distinct functions and origins on its stack, computed once.
    const stacks = new Map<number, { functions: Set<string>; origins: Set<string> }>();
    const stackOf = (id: number): { functions: Set<string>; origins: Set<string> } => {
      const known = stacks.get(id);
      if (known) return known;
      const node = byId.get(id)!;
      const parent = parentOf.get(id);
      const above =
        parent === undefined ? { functions: new Set<string>(), origins: new Set<string>() } : stackOf(parent);
      const frame = name(node.callFrame);
      const stack = {
        functions: new Set([...above.functions, frame.label]),
        origins: new Set([...above.origins, frame.origin]),
      };
      stacks.set(id, stack);
      return stack;
    };
    let at = profile.startTime;
    const times = profile.timeDeltas.map((delta) => (at += delta));
    profile.samples.forEach((id, i) => {
      const ms = ((times[i + 1] ?? profile.endTime) - times[i]!) / 1000;
      if (ms <= 0) return;
      sampled += ms;
      const frame = name(byId.get(id)!.callFrame);
      const stack = stackOf(id);
      add(functions, frame.label, ms, 0);
      add(origins, frame.origin, ms, 0);
      for (const label of stack.functions) add(functions, label, 0, ms);
      for (const origin of stack.origins) add(origins, origin, 0, ms);
    });
  }
  const count = Math.max(1, profiles.length);
  const entries = (table: Map<string, { self: number; total: number }>) =>
    [...table.entries()].map(([key, { self, total }]) => ({
      name: key,
      selfMs: round(self / count),
      totalMs: round(total / count),
    }));
  return {
    profiles: profiles.length,
    sampledMs: round(sampled / count),
    byOrigin: entries(origins).sort((a, b) => b.selfMs - a.selfMs),
    byFunction: entries(functions)
      .filter((entry) => entry.selfMs > 0)
      .sort((a, b) => b.selfMs - a.selfMs)
      .slice(0, top),
  };
}

const round = (value: number) => Number(value.toFixed(2));

/** A function's origins beside its baseline's: what each origin adds (self time, ms), largest first. */
export function originsOverBaseline(
  subject: ProfileSummary,
  baseline: ProfileSummary,
): { readonly name: string; readonly selfMs: number; readonly baselineSelfMs: number; readonly addedMs: number }[] {
  const names = new Set([...subject.byOrigin.map((o) => o.name), ...baseline.byOrigin.map((o) => o.name)]);
  const selfOf = (summary: ProfileSummary, origin: string) =>
    summary.byOrigin.find((entry) => entry.name === origin)?.selfMs ?? 0;
  return [...names]
    .map((origin) => {
      const selfMs = selfOf(subject, origin);
      const baselineSelfMs = selfOf(baseline, origin);
      return { name: origin, selfMs, baselineSelfMs, addedMs: round(selfMs - baselineSelfMs) };
    })
    .sort((a, b) => b.addedMs - a.addedMs);
}
