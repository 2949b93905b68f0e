import { ratioInterval } from '../../bench/cold-start';

/**
 * The cold-init ratio's 95% interval (bench/cold-start.ts): the rounds drawn again with replacement, each round's
 * pair kept together, so it says how far the ratio of medians could have moved by chance alone.
 */

/** Deterministic cold starts around `center` ms with a spread, and the machine's drift shared by the pair. */
function rounds(count: number, factor: number, seed: number) {
  let state = seed >>> 0;
  // mulberry32: uniform in [-20, 20) ms.
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * 40 - 20;
  };
  const subject: number[] = [];
  const baseline: number[] = [];
  for (let i = 0; i < count; i++) {
    const drift = i % 7 === 0 ? 60 : 0;
    baseline.push(200 + drift + next());
    subject.push((200 + drift) * factor + next());
  }
  return { subject, baseline };
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

describe('ratioInterval', () => {
  it('is a single point when every pair has the same ratio', () => {
    const baseline = [200, 210, 190, 260, 205];
    const [low, high] = ratioInterval(
      baseline.map((ms) => ms * 1.2),
      baseline,
    );
    expect(low).toBeCloseTo(1.2, 10);
    expect(high).toBeCloseTo(1.2, 10);
  });

  it('holds the ratio of medians, and is the same for the same samples', () => {
    const { subject, baseline } = rounds(15, 1.08, 7);
    const interval = ratioInterval(subject, baseline);
    const ratio = median(subject) / median(baseline);
    expect(interval[0]).toBeLessThan(ratio);
    expect(interval[1]).toBeGreaterThan(ratio);
    expect(ratioInterval(subject, baseline)).toEqual(interval);
  });

  it('narrows as rounds are added from the same machine', () => {
    const width = (count: number) => {
      const { subject, baseline } = rounds(count, 1.08, 11);
      const [low, high] = ratioInterval(subject, baseline);
      return high - low;
    };
    // Nine times the rounds: about a third of the width for normal noise; uniform noise narrows more slowly.
    expect(width(135)).toBeLessThan(width(15) * 0.6);
  });

  it('keeps each round’s pair together', () => {
    // Pairs with the same ratio whatever the drift: resampling them together can only give that ratio; drawing the
    // two sides apart would mix slow subjects with quick baselines and widen the interval.
    const baseline = [150, 300, 150, 300, 150, 300, 150, 300, 150];
    const [low, high] = ratioInterval(
      baseline.map((ms) => ms * 1.05),
      baseline,
    );
    expect(high - low).toBeLessThan(1e-9);
  });

  it('refuses samples that are not paired', () => {
    expect(() => ratioInterval([1, 2], [1])).toThrow('Paired samples');
    expect(() => ratioInterval([], [])).toThrow('Paired samples');
  });
});
