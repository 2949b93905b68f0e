import {
  originOfSource,
  originsOverBaseline,
  summariseProfiles,
  type CpuProfile,
  type CpuProfileNode,
} from '../../bench/cpu-profile-summary';

/** The bench's profile summary: self and total time per function and origin, from V8's sample format. */
const frame = (functionName: string, url = '') => ({ functionName, url, lineNumber: 0, columnNumber: 0 });
const namer = (callFrame: CpuProfileNode['callFrame']) => ({
  origin: callFrame.url || callFrame.functionName,
  label: callFrame.functionName,
});

// (root) → load (registry) → build (zod) → build (zod, recursion); (root) → (garbage collector)
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)'), children: [2, 5] },
    { id: 2, callFrame: frame('load', 'registry'), children: [3] },
    { id: 3, callFrame: frame('build', 'zod'), children: [4] },
    { id: 4, callFrame: frame('build', 'zod') },
    { id: 5, callFrame: frame('(garbage collector)') },
  ],
  startTime: 0,
  // Samples at 0, 1, 3, 6 and 10 ms (µs below); each lasts until the next, the last until endTime.
  samples: [2, 3, 4, 5, 4],
  timeDeltas: [0, 1000, 2000, 3000, 4000],
  endTime: 12_000,
};

describe('summariseProfiles', () => {
  it('gives each sample the time to the next one, on top of the stack as self and once per name as total', () => {
    const summary = summariseProfiles([profile], namer);
    expect(summary.sampledMs).toBe(12);
    const fn = Object.fromEntries(summary.byFunction.map((e) => [e.name, e]));
    expect(fn.load).toEqual({ name: 'load', selfMs: 1, totalMs: 1 + 2 + 3 + 2 });
    // Recursion: the inner build's samples count once toward build's total.
    expect(fn.build).toEqual({ name: 'build', selfMs: 2 + 3 + 2, totalMs: 2 + 3 + 2 });
    expect(fn['(garbage collector)']).toEqual({ name: '(garbage collector)', selfMs: 4, totalMs: 4 });
    const origin = Object.fromEntries(summary.byOrigin.map((e) => [e.name, e]));
    expect(origin.registry).toEqual({ name: 'registry', selfMs: 1, totalMs: 8 });
    expect(origin.zod).toEqual({ name: 'zod', selfMs: 7, totalMs: 7 });
  });

  it('averages over several profiles of the same code', () => {
    const summary = summariseProfiles([profile, { ...profile, samples: [5, 5, 5, 5, 5] }], namer);
    expect(summary.sampledMs).toBe(12);
    expect(summary.byOrigin.find((e) => e.name === '(garbage collector)')?.selfMs).toBe((4 + 12) / 2);
  });

  it('names what each origin adds over the baseline, largest first', () => {
    const subject = summariseProfiles([profile], namer);
    const baseline = summariseProfiles([{ ...profile, samples: [5, 5, 5, 5, 2] }], namer);
    const added = originsOverBaseline(subject, baseline);
    expect(added[0]).toEqual({ name: 'zod', selfMs: 7, baselineSelfMs: 0, addedMs: 7 });
    expect(added.find((o) => o.name === '(garbage collector)')).toMatchObject({ addedMs: 4 - 10 });
  });
});

describe('originOfSource', () => {
  it.each([
    ['../node_modules/@aws-sdk/core/dist-cjs/index.js', '@aws-sdk/core'],
    ['../../node_modules/zod/v4/core/schemas.js', 'zod'],
    ['../shared/modules/registry.ts', 'shared/modules/registry.ts'],
    ['../../../work/wt/shared/config/time-zone.ts', 'shared/config/time-zone.ts'],
    ['../../functions/portal-api.ts', 'functions/portal-api.ts'],
  ])('%s → %s', (source, origin) => expect(originOfSource(source)).toBe(origin));
});
