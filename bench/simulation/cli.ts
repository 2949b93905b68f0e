import { simulateBulkOnboarding, type SimulationOptions } from './bulk-onboarding';

/**
 * `npm run bench:simulation [-- --people 100000 --shards 8 --throttling 0.02]`: the bulk-onboarding simulation alone;
 * prints its report as JSON and exits 1 when it misses a target.
 */
function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
}

export const defaultSimulation: SimulationOptions = {
  people: 100_000,
  shards: 8,
  importRowsPerSecond: 1_000,
  injectedThrottling: 0.02,
};

async function main() {
  const report = await simulateBulkOnboarding({
    ...defaultSimulation,
    people: option('people', defaultSimulation.people),
    shards: option('shards', defaultSimulation.shards),
    injectedThrottling: option('throttling', defaultSimulation.injectedThrottling),
  });
  console.log(JSON.stringify(report, null, 2));
  process.exitCode = report.pass ? 0 : 1;
}

if (process.argv[1]?.endsWith('cli.ts')) void main();
