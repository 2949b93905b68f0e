/**
 * A simulated clock: `sleep` parks a promise on a timeline, and `run` advances time from one parked instant to the
 * next once everything runnable has run (the event loop's microtasks and immediates). Two hours of AWS take as long
 * as the code's own CPU work, and the figures do not depend on the machine's speed or load.
 */
export class SimulatedClock {
  private time: number;
  private sequence = 0;
  private readonly heap: { at: number; seq: number; resolve: () => void }[] = [];

  constructor(startMs: number) {
    this.time = startMs;
  }

  readonly now = (): number => this.time;
  readonly date = (): Date => new Date(this.time);

  readonly sleep = (ms: number): Promise<void> =>
    new Promise<void>((resolve) => this.push({ at: this.time + Math.max(0, ms), seq: this.sequence++, resolve }));

  /**
   * Advances time until `done()` holds (answers true) or the next instant would pass `untilMs` (answers false);
   * throws when nothing is parked and nothing can run (a deadlock).
   */
  async run(done: () => boolean, untilMs = Infinity): Promise<boolean> {
    for (;;) {
      await settled();
      if (done()) return true;
      const next = this.heap[0];
      if (!next) throw new Error('simulation stalled: nothing is waiting on the clock and the run is not done');
      if (next.at > untilMs) return false;
      this.time = next.at;
      // Everything due at this instant runs together.
      while (this.heap.length && this.heap[0]!.at === this.time) this.pop()!.resolve();
    }
  }

  private push(entry: { at: number; seq: number; resolve: () => void }) {
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  private pop() {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && before(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && before(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    return top;
  }
}

/**
 * Resolves once every promise reaction queued before it has run: process.nextTick's queue is served only after the
 * microtask queue is empty. The code under test waits on nothing but this clock (its I/O is simulated), so that is
 * everything runnable at this instant, found without a turn of the event loop (a setImmediate per instant cost as
 * much as the simulation itself in poll syscalls).
 */
const settled = () => new Promise<void>((resolve) => process.nextTick(resolve));

const before = (a: { at: number; seq: number }, b: { at: number; seq: number }) =>
  a.at < b.at || (a.at === b.at && a.seq < b.seq);
