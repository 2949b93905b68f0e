/// <reference lib="dom" />
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { source as axeSource } from 'axe-core';
import { chromium, type BrowserContext, type Page, type Response } from 'playwright-core';
import { apiPathOf, recordResponse, trackPending } from '../support/contract/contract-recorder';

/**
 * Debian's Chromium driven by playwright-core (no browser download). The flags keep it off the network
 * beyond the page under test: without them it keeps calling Google's hosts, which this machine refuses.
 */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const chromiumFlags = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const screenshotDir = resolve(__dirname, 'screenshots');

export interface Browser {
  readonly context: BrowserContext;
  /** Problems the pages reported: console errors (CSP and Trusted Types violations among them) and uncaught errors. */
  readonly pageErrors: string[];
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(chromiumPath))
    throw new Error(`No Chromium at ${chromiumPath}: install Debian's chromium package (apt-get install -y chromium)`);
  const userDataDir = mkdtempSync(join(tmpdir(), 'portico-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    args: chromiumFlags,
    // A phone-width window: the portal must work there; a desktop check is a viewport change away.
    viewport: { width: 390, height: 844 },
    locale: 'en-GB',
    timezoneId: 'UTC',
  });
  const pageErrors: string[] = [];
  const watch = (page: Page) => {
    page.on('console', (message) => {
      // A refused request (403, 423…) is logged by Chromium as a failed resource; the app handles those.
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
        pageErrors.push(`${page.url()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => pageErrors.push(`${page.url()}: ${error.message}`));
    // Every API answer the app gets is checked against the OpenAPI document (contract-hook.ts fails the test).
    page.on('response', (response) => {
      const path = apiPathOf(response.url());
      if (path !== undefined) trackPending(checkApiResponse(response, path));
    });
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  return {
    context,
    pageErrors,
    newPage: () => context.newPage(),
    close: async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

async function checkApiResponse(response: Response, path: string): Promise<void> {
  const request = response.request();
  // A page that navigates away may drop a body before it is read: nothing was promised to anyone then.
  const body = await response.text().catch(() => undefined);
  if (body === undefined) return;
  recordResponse({
    method: request.method(),
    url: response.url(),
    path,
    status: response.status(),
    headers: await response.allHeaders(),
    body,
  });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
}

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: { readonly target: unknown[] }[];
}

/**
 * axe-core on the page as it is now (WCAG 2.1 A/AA and best practices). Evaluated through the DevTools
 * protocol, so the page's own Content-Security-Policy stays in force for everything else.
 */
export async function accessibilityViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (...args: unknown[]) => Promise<{ violations: unknown[] }> } })
      .axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    });
    return result.violations;
  });
  return violations as AxeViolation[];
}

/** Violations axe rates serious or critical, as readable lines. */
export const serious = (violations: readonly AxeViolation[]) =>
  violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.id} (${violation.impact}): ${violation.help} at ${JSON.stringify(violation.nodes.map((node) => node.target))}`,
    );

/** axe finds nothing serious or critical on the page as it is now; `screen` names the page in a failure. */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  expect({ screen, violations: serious(await accessibilityViolations(page)) }).toEqual({ screen, violations: [] });
}
