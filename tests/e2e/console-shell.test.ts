import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import type { LocalOutputs } from '../../infra/outputs';
import { stackOutputs } from '../support/outputs';
import { untilAccessStatus } from '../support/active-person';
import { staffApi, type StaffApi } from '../support/staff-api';
import { expectAccessible, launchBrowser, screenshot, type Browser } from './browser';

/**
 * The staff console's shell in headless Chromium against the local stack, at tablet width: sign-in through the staff
 * pool's hosted login, navigation by module, a list with paging, the search box, a refusal as a sentence, sign-out.
 */
jest.setTimeout(180_000);

let outputs: LocalOutputs;
let api: StaffApi;
let browser: Browser;
let page: Page;

const tag = randomUUID().slice(0, 6);
/** A last name no other test uses, so a search by its first letters finds only ours. */
const lastName = `Quillfeather${tag}`;

beforeAll(async () => {
  outputs = stackOutputs();
  api = await staffApi(outputs);
  browser = await launchBrowser();
  page = await browser.newPage();
  // The console is desktop-first and must stay usable on a tablet: test at the narrower width.
  await page.setViewportSize({ width: 768, height: 1024 });
});
afterAll(() => browser?.close());

async function screen(name: string) {
  await expectAccessible(page, name);
  await screenshot(page, name);
}

/** The list's status line once it says something other than "Loading…". */
async function listStatus(): Promise<string> {
  const status = page.locator('#list-status:not(.loading)');
  await status.waitFor();
  return status.innerText();
}

describe('staff console shell', () => {
  it('signs in through the staff hosted login (code + PKCE) and lands on the first module list', async () => {
    await page.goto(outputs.StaffWebUrl);
    await page.getByRole('heading', { name: 'Staff console' }).waitFor();
    await screen('console-01-signed-out');
    await page.getByRole('button', { name: 'Sign in' }).click();
    // The staff pool's hosted login, with the console's own app client.
    await page.getByLabel('Email or username').waitFor();
    const authorize = new URL(page.url());
    expect(authorize.origin).toBe(new URL(outputs.CognitoEndpoint).origin);
    expect(authorize.searchParams.get('client_id')).toBe(outputs.StaffConsoleClientId);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('state')).toMatch(/^[\w-]{16,}$/);
    await page.getByLabel('Email or username').fill(outputs.StaffUsername);
    await page.getByLabel('Password').fill(outputs.StaffPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();

    await page.getByRole('navigation', { name: 'Modules' }).waitFor();
    await page.getByRole('heading', { name: 'Organizations', level: 1 }).waitFor();
    await listStatus();
    // The code and state are gone from the address bar; the tokens stay in this tab only.
    expect(new URL(page.url()).search).toBe('');
    const stored = await page.evaluate(() => sessionStorage.getItem('portico.session'));
    expect(JSON.parse(stored ?? '{}')).toMatchObject({
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
    });
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    expect(await page.getByText(`Signed in as ${outputs.StaffUsername}`).count()).toBe(1);
    // Every module of the registry, and the portal users, in the navigation.
    const nav = page.getByRole('navigation', { name: 'Modules' });
    for (const name of [
      'Organizations',
      'Partner organizations',
      'Contacts',
      'Leads',
      'Partner contacts',
      'Tickets',
      'Invoices',
      'Quotes',
      'Sales orders',
      'Documents',
      'Portal users',
    ])
      expect(await nav.getByRole('link', { name, exact: true }).count()).toBe(1);
    expect(await nav.getByRole('link', { name: 'Organizations', exact: true }).getAttribute('aria-current')).toBe(
      'page',
    );
    await screen('console-02-organizations');
  });

  it("lists a module's records from its API, a page at a time", async () => {
    // 26 leads: one more than a page.
    const created: string[] = [];
    for (let index = 0; index < 26; index++)
      created.push((await api.create('leads', { lastName: `${lastName} Lead ${index}`, company: 'Paging Ltd' })).id);

    await page.getByRole('navigation', { name: 'Modules' }).getByRole('link', { name: 'Leads', exact: true }).click();
    await page.getByRole('heading', { name: 'Leads', level: 1 }).waitFor();
    expect(await listStatus()).toMatch(/^Showing 25 leads; more on the next page\.$/);
    const firstPage = await page
      .locator('tbody tr th a')
      .evaluateAll((links) => links.map((a) => a.getAttribute('href')));
    expect(firstPage).toHaveLength(25);
    // Newest first: the last lead created heads the list.
    expect(firstPage[0]).toBe(`#/leads/${created[25]}`);
    expect(await page.locator('thead th').allInnerTexts()).toEqual(['Last name', 'First name', 'Email', 'Company']);

    await page.getByRole('link', { name: 'Next page' }).click();
    await page.getByRole('link', { name: 'First page' }).waitFor();
    await page.locator('#list-status:not(.loading)').waitFor();
    const secondPage = await page
      .locator('tbody tr th a')
      .evaluateAll((links) => links.map((a) => a.getAttribute('href')));
    expect(secondPage.length).toBeGreaterThan(0);
    expect(secondPage.filter((href) => firstPage.includes(href))).toEqual([]);
    await screen('console-03-leads-page-2');
  });

  it('searches with the search box: the request carries q, and the page shows what the API answered', async () => {
    await api.create('contacts', { firstName: 'Ada', lastName, email: `ada.${tag}@example.com` });
    await page
      .getByRole('navigation', { name: 'Modules' })
      .getByRole('link', { name: 'Contacts', exact: true })
      .click();
    await page.getByRole('heading', { name: 'Contacts', level: 1 }).waitFor();
    await listStatus();

    const prefix = lastName.slice(0, 9).toLowerCase();
    await page.getByRole('searchbox', { name: 'Search contacts' }).fill(prefix);
    const request = page.waitForRequest((sent) => new URL(sent.url()).pathname === '/api/contacts');
    await page.getByRole('button', { name: 'Search' }).click();
    const sent = new URL((await request).url());
    expect(sent.searchParams.get('q')).toBe(prefix);
    expect(sent.searchParams.get('limit')).toBe('25');
    // The route keeps the search, so a reload or a shared link shows the same list.
    expect(decodeURIComponent(new URL(page.url()).hash)).toBe(`#/contacts?q=${prefix}`);
    const answer = await (await request).response();

    // The API serves `q` (name and email, by prefix, case-insensitive): our contact is found.
    expect(answer?.status()).toBe(200);
    expect(await listStatus()).toMatch(new RegExp(`^Showing \\d+ contacts? matching “${prefix}”`));
    expect(await page.getByRole('link', { name: `Ada ${lastName}` }).count()).toBe(1);
    await screen('console-04-contacts-search');
  });

  it("shows the API's refusal of a filter as a sentence, naming the field", async () => {
    await page
      .getByRole('navigation', { name: 'Modules' })
      .getByRole('link', { name: 'Contacts', exact: true })
      .click();
    await page.waitForFunction(() => location.hash === '#/contacts');
    await listStatus();
    await page.getByLabel('Organization').fill('not-an-id');
    await page.getByRole('button', { name: 'Search' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toBe(
      'The query is not valid. Organization: the id of a record whose id starts with org_.',
    );
    // Focus stays by the controls (a screen reader hears the alert); the filter can be corrected in place.
    expect(await page.getByLabel('Organization').inputValue()).toBe('not-an-id');
    await screen('console-05-refused-filter');
  });

  it('lists everyone with portal access, filtered by status, from the access index', async () => {
    const invited = await api.create('contacts', {
      firstName: 'Portia',
      lastName,
      email: `portia.${tag}@example.com`,
      portal: { enabled: true },
    });
    await untilAccessStatus(api, 'contacts', invited.id, 'invited');
    await page
      .getByRole('navigation', { name: 'Modules' })
      .getByRole('link', { name: 'Portal users', exact: true })
      .click();
    await page.getByRole('heading', { name: 'Portal users', level: 1 }).waitFor();
    await listStatus();
    await page.getByLabel('Show').selectOption('invited');
    await page.waitForFunction(() => location.hash === '#/portal-users?status=invited');
    expect(await listStatus()).toMatch(/^Showing \d+ (person|people)/);
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: `Portia ${lastName}` }) });
    expect(await row.count()).toBe(1);
    expect(await row.getByRole('cell').nth(2).innerText()).toBe('invited');
    // Nobody failed in this run's fresh stack: the filter shows that as a sentence, not an empty table.
    await page.getByLabel('Show').selectOption('failed');
    await page.waitForFunction(() => location.hash === '#/portal-users?status=failed');
    expect(await page.getByRole('link', { name: `Portia ${lastName}` }).count()).toBe(0);
    await screen('console-06-portal-users');
  });

  it('signs out through the hosted login and says so', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You have signed out.').waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('portico.session'))).toBeNull();
    expect(browser.pageErrors).toEqual([]);
  });
});
