import { simulateBulkOnboarding } from '../../bench/simulation/bulk-onboarding';

/**
 * The bulk-onboarding simulation (bench/simulation/) at a size a unit test affords: the real controller and pacing
 * code, several shards' controllers at once, on a simulated clock. `npm run bench:simulation` runs it at 100,000.
 */
describe('bulk onboarding, simulated', () => {
  it('keeps the sending rate busy across 6 concurrent controllers: ≥ 0.9 of the binding quota, each person invited once', async () => {
    const report = await simulateBulkOnboarding({
      people: 1_500,
      shards: 6,
      importRowsPerSecond: 1_000,
      injectedThrottling: 0.02,
    });
    expect(report).toMatchObject({ duplicates: 0, lost: 0, failedByWaiting: 0, failedStatus: 0, timeouts: 0 });
    // Never above the configured rate in any window of the shared counter, whichever controller sent, and close to
    // the quota overall.
    expect(report.maxSesPermitsInAWindow).toBeLessThanOrEqual(report.configuredSendRate);
    expect(report.throughputOfBindingQuota).toBeGreaterThanOrEqual(0.9);
    expect(report.pass).toBe(true);
  }, 120_000);

  it('heavy throttling from Cognito and SES slows the run but fails nobody and sends nothing twice', async () => {
    const report = await simulateBulkOnboarding({
      people: 600,
      shards: 4,
      importRowsPerSecond: 1_000,
      injectedThrottling: 0.35,
    });
    expect(report.throttled.ses + report.throttled.cognitoCreate).toBeGreaterThan(100);
    expect(report).toMatchObject({ duplicates: 0, lost: 0, failedByWaiting: 0, failedStatus: 0 });
  }, 120_000);
});
