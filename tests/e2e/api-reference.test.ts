import type { Page } from 'playwright-core';
import type { LocalOutputs } from '../../infra/outputs';
import { apiReferencePage } from '../../infra/api-reference';
import { routeTable } from '../../shared/declarations/functions';
import { modules } from '../../shared/modules/registry';
import { buildOpenApiDocument } from '../../shared/openapi/openapi-document';
import { stackOutputs } from '../support/outputs';
import { launchBrowser, type Browser } from './browser';

/** The API reference page (infra/api-reference.ts) as a person opens it beside the web app, in Chromium. */

let outputs: LocalOutputs;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  outputs = stackOutputs();
  browser = await launchBrowser();
  page = await browser.newPage();
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

const operationIds = Object.values(buildOpenApiDocument({ routes: routeTable(), modules }).paths).flatMap((item) =>
  Object.values(item).map((operation) => String(operation.operationId)),
);

it('renders every operation of the document the API serves, with no error on the page', async () => {
  // Desktop width: Redoc folds its menu away on a phone.
  await page.setViewportSize({ width: 1280, height: 900 });
  const origin = new URL(outputs.PortalWebUrl).origin;
  const offOrigin: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.protocol.startsWith('http') && url.origin !== origin) offOrigin.push(request.url());
  });
  const response = await page.goto(new URL(apiReferencePage, outputs.PortalWebUrl).toString());
  expect(response?.status()).toBe(200);
  // Redoc gives each operation a section named after its operationId once it has loaded and rendered the document.
  // Rendering the whole document takes Redoc tens of seconds on a loaded machine.
  await page
    .waitForSelector('[data-section-id$="/operation/signSalesOrder"]', { timeout: 150_000 })
    .catch((error: Error) => {
      throw new Error(`${error.message}\nPage errors: ${JSON.stringify(browser.pageErrors)}`);
    });
  const rendered = await page.$$eval('[data-section-id*="operation/"]', (sections) =>
    sections.map((section) => section.getAttribute('data-section-id')!.replace(/^.*operation\//, '')),
  );
  expect(new Set(rendered)).toEqual(new Set(operationIds));
  await expect(page.title()).resolves.toBe('Portico API reference');
  // The page reaches no other host: Redoc's footer logo (on Redocly's CDN) is the one thing it asks for, and its
  // policy refuses it.
  expect(offOrigin).toEqual(['https://cdn.redoc.ly/redoc/logo-mini.svg']);
  expect(browser.pageErrors.filter((error) => !/Loading the image 'https:\/\/cdn\.redoc\.ly\//.test(error))).toEqual(
    [],
  );
}, 240_000);
