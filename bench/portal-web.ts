import type { LocalOutputs } from '../infra/outputs';
import { launchBrowser } from '../tests/e2e/browser';
import { hostedLogin } from '../tests/support/hosted-login';
import { mailbox, temporaryPasswordIn } from '../tests/support/mailbox';
import { portalUsers } from '../tests/support/portal-users';

/**
 * How long the portal web app takes, in Debian's Chromium, from a reload of a signed-in tab to its first list
 * on screen, beside its baseline measured in the same tab: the API calls that list needs (`/portal/me` and one
 * page of `/portal/tickets`), made straight from the page. The difference is what the app itself costs: the
 * document, its script and stylesheet, `config.json`, and rendering.
 */

export interface PortalWebLoad {
  readonly runs: number;
  readonly app: { readonly p50: number; readonly p95: number };
  readonly apiCalls: { readonly p50: number; readonly p95: number };
}

const percentile = (values: readonly number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};

export async function measurePortalWebLoad(
  outputs: LocalOutputs,
  email: string,
  rounds: number,
  log: (message: string) => void,
): Promise<PortalWebLoad> {
  const [invitation] = await mailbox(outputs.SesEndpoint).waitFor(email);
  const password = `Bench#Passw0rd-${Date.now()}`;
  const users = portalUsers(outputs);
  try {
    await users.firstSignIn(email, temporaryPasswordIn(invitation!), password);
  } finally {
    users.close();
  }
  const tokens = await hostedLogin(outputs).signIn(email, password);

  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    await page.goto(outputs.PortalWebUrl);
    await page.evaluate((session) => sessionStorage.setItem('portico.session', JSON.stringify(session)), {
      ...tokens,
      expiresAt: Date.now() + 3_600_000,
    });
    const app: number[] = [];
    const apiCalls: number[] = [];
    const warmup = 3;
    for (let round = 0; round < rounds + warmup; round++) {
      const started = performance.now();
      await page.reload();
      await page.locator('tbody th[scope=row]').first().waitFor();
      const appMs = performance.now() - started;
      const apiMs = await page.evaluate(async () => {
        const { accessToken } = JSON.parse(sessionStorage.getItem('portico.session')!) as { accessToken: string };
        const headers = { authorization: `Bearer ${accessToken}` };
        const begun = performance.now();
        await (await fetch('/portal/me', { headers, cache: 'no-store' })).json();
        await (await fetch('/portal/tickets?limit=10', { headers, cache: 'no-store' })).json();
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
