import type { LocalOutputs } from '../infra/outputs';
import { launchBrowser } from '../tests/e2e/browser';

/**
 * The staff console in Debian's Chromium: from the moment the staff hosted login sends the browser back with its code
 * (sign-in done) to the first list on screen (the home page, the first module's list), beside its baseline measured
 * in the same tab: the one API call that list needs (`GET /api/<module>?limit=25`), made straight from the page. The
 * difference is what the console costs: its document, script, stylesheet, `config.json`, the token exchange, and
 * rendering.
 */

export interface StaffConsoleLoad {
  readonly runs: number;
  readonly app: { readonly p50: number; readonly p95: number };
  readonly apiCalls: { readonly p50: number; readonly p95: number };
}

const percentile = (values: readonly number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};

export async function measureStaffConsoleLoad(
  outputs: LocalOutputs,
  rounds: number,
  log: (message: string) => void,
): Promise<StaffConsoleLoad> {
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    await page.setViewportSize({ width: 1280, height: 900 });
    const app: number[] = [];
    const apiCalls: number[] = [];
    const warmup = 2;
    for (let round = 0; round < rounds + warmup; round++) {
      await page.goto(outputs.StaffWebUrl);
      await page.evaluate(() => sessionStorage.clear());
      await page.reload();
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByLabel('Email or username').fill(outputs.StaffUsername);
      await page.getByLabel('Password').fill(outputs.StaffPassword);
      // Sign-in done: the login answers with the redirect to the console carrying the code.
      const back = page.waitForRequest((request) => request.isNavigationRequest() && /[?&]code=/.test(request.url()));
      await page.getByRole('button', { name: 'Sign in' }).click();
      await back;
      const started = performance.now();
      await page.locator('#list-status:not(.loading)').waitFor();
      const appMs = performance.now() - started;
      const apiMs = await page.evaluate(async () => {
        const { accessToken } = JSON.parse(sessionStorage.getItem('portico.session')!) as { accessToken: string };
        const path = `/api${location.hash.slice(1).split('?')[0]}?limit=25`;
        const begun = performance.now();
        await (await fetch(path, { headers: { authorization: `Bearer ${accessToken}` }, cache: 'no-store' })).json();
        return performance.now() - begun;
      });
      if (round >= warmup) {
        app.push(appMs);
        apiCalls.push(apiMs);
      }
    }
    if (browser.pageErrors.length) log(`page errors: ${browser.pageErrors.join('; ')}`);
    return {
      runs: rounds,
      app: { p50: percentile(app, 50), p95: percentile(app, 95) },
      apiCalls: { p50: percentile(apiCalls, 50), p95: percentile(apiCalls, 95) },
    };
  } finally {
    await browser.close();
  }
}
