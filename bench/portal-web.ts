import type { LocalOutputs } from '../infra/outputs';
import type { Page } from 'playwright-core';
import { launchBrowser } from '../tests/e2e/browser';
import { hostedLogin } from '../tests/support/hosted-login';
import { mailbox, temporaryPasswordIn } from '../tests/support/mailbox';
import { portalUsers } from '../tests/support/portal-users';

/**
 * How long the portal web app takes, in Debian's Chromium, from a reload of a signed-in tab to a page on screen,
 * beside its baseline measured in the same tab: the API calls that page needs, made straight from the page. The
 * difference is what the app itself costs: the document, its script and stylesheet, `config.json`, and rendering.
 * Two pages: the overview (the home page, `#/`: `/portal/me` and `/portal/overview`, first paint = its cards on
 * screen) and the tickets list (`#/tickets`: `/portal/me` and one page of `/portal/tickets`).
 */

export interface PageLoad {
  readonly app: { readonly p50: number; readonly p95: number };
  readonly apiCalls: { readonly p50: number; readonly p95: number };
}

export interface PortalWebLoad extends PageLoad {
  readonly runs: number;
  readonly overview: PageLoad;
}

/** A page of the app: where it lives, what shows it is painted, and the API calls it waits for. */
interface MeasuredPage {
  readonly hash: string;
  readonly painted: string;
  readonly apiPaths: readonly string[];
}

const overviewPage: MeasuredPage = {
  hash: '#/',
  painted: '.cards .card h2',
  apiPaths: ['/portal/me', '/portal/overview'],
};
const listPage: MeasuredPage = {
  hash: '#/tickets',
  painted: 'tbody th[scope=row]',
  apiPaths: ['/portal/me', '/portal/tickets?limit=10'],
};

/** Waits for the page's first paint; if it never comes, says what is on screen instead (a sign-in page, an error). */
async function painted(page: Page, measured: MeasuredPage) {
  try {
    await page.locator(measured.painted).first().waitFor({ timeout: 30_000 });
  } catch (error) {
    const heading = await page
      .locator('h1')
      .first()
      .innerText({ timeout: 1_000 })
      .catch(() => '(none)');
    const alert = await page
      .locator('[role=alert]')
      .first()
      .innerText({ timeout: 1_000 })
      .catch(() => '');
    throw new Error(
      `${measured.hash} never showed ${measured.painted}; on screen: heading “${heading}”${alert ? `, “${alert}”` : ''} (${String(error).split('\n')[0]})`,
    );
  }
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
    const measure = async (measured: MeasuredPage): Promise<PageLoad> => {
      // A change of the hash alone is not a navigation: the app, started signed out before the session was
      // stored, would stay on its sign-in page. A reload starts it again, signed in, on this page.
      await page.goto(`${outputs.PortalWebUrl}${measured.hash}`);
      await page.reload();
      await painted(page, measured);
      const app: number[] = [];
      const apiCalls: number[] = [];
      const warmup = 3;
      for (let round = 0; round < rounds + warmup; round++) {
        const started = performance.now();
        await page.reload();
        await painted(page, measured);
        const appMs = performance.now() - started;
        const apiMs = await page.evaluate(async (paths) => {
          const { accessToken } = JSON.parse(sessionStorage.getItem('portico.session')!) as { accessToken: string };
          const headers = { authorization: `Bearer ${accessToken}` };
          const begun = performance.now();
          // One after the other, as the app makes them (it needs the profile before the page).
          for (const path of paths) await (await fetch(path, { headers, cache: 'no-store' })).json();
          return performance.now() - begun;
        }, measured.apiPaths);
        if (round >= warmup) {
          app.push(appMs);
          apiCalls.push(apiMs);
        }
      }
      return {
        app: { p50: percentile(app, 50), p95: percentile(app, 95) },
        apiCalls: { p50: percentile(apiCalls, 50), p95: percentile(apiCalls, 95) },
      };
    };
    const overview = await measure(overviewPage);
    const list = await measure(listPage);
    if (browser.pageErrors.length) log(`page errors: ${browser.pageErrors.join('; ')}`);
    return { runs: rounds, ...list, overview };
  } finally {
    await browser.close();
  }
}
