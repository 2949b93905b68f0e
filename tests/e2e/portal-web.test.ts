import { randomUUID } from 'node:crypto';
import type { Locator, Page } from 'playwright-core';
import { waitFor } from '../../infra/local/managed-process';
import type { LocalOutputs } from '../../infra/outputs';
import { refusalMessage } from '../../shared/portal/portal-session';
import { mailbox, temporaryPasswordIn, type MailboxEmail } from '../support/mailbox';
import { stackOutputs } from '../support/outputs';
import { staffApi, type StaffApi } from '../support/staff-api';
import { accessibilityViolations, expectAccessible, launchBrowser, screenshot, serious, type Browser } from './browser';

/**
 * The portal web app in real headless Chromium against the local stack, as a partner uses it: the
 * invitation in the mailbox → its link → the hosted login with the temporary password → a new password →
 * the records staff marked for the portal → a sales order signed with the PIN → sign-out.
 */
jest.setTimeout(180_000);

type Json = Record<string, unknown>;

let outputs: LocalOutputs;
let api: StaffApi;
let mail: ReturnType<typeof mailbox>;
let browser: Browser;

beforeAll(async () => {
  outputs = stackOutputs();
  api = await staffApi(outputs);
  mail = mailbox(outputs.SesEndpoint);
  browser = await launchBrowser();
});
afterAll(() => browser?.close());

const short = () => randomUUID().slice(0, 8);
const newPassword = () => `Brand-new#Pass${short()}`;
const pin = '482915';

async function partnerWithPortal(name: string, portal: Json = {}) {
  const organization = await api.create('partner-organizations', {
    name: `${name} ${short()}`,
    partnerStatus: 'Active',
  });
  const email = `${name.toLowerCase().replace(/\W+/g, '.')}.${short()}@example.com`;
  const person = await api.create('partner-contacts', {
    firstName: name.split(' ')[0],
    lastName: `Tester ${short()}`,
    email,
    organizationId: organization.id,
    portal: { enabled: true, canESign: true, ...portal },
  });
  const [invitation] = await mail.waitFor(email, 1, 30_000);
  return { organization, person, email, invitation: invitation! };
}

function record(module: string, organizationId: string, contactId: string, fields: Json) {
  return api.create(module, { organizationId, contactId, showOnPortal: true, ...fields });
}

/**
 * The invitation as the person reads it, in the local mailbox's web page: its HTML view, the temporary password
 * in it, and its link opened in the tab (as a mail client opens links outside itself; the portal refuses to be
 * framed, so it cannot open inside the mailbox's frame).
 */
async function openInvitation(page: Page, invitation: MailboxEmail, screenshots = true): Promise<string> {
  await page.goto(outputs.MailboxUrl);
  // The person may have other mail by now (a notification of a record shared with them): the invitation's card.
  const card = page
    .locator('.email')
    .filter({ hasText: invitation.destination.to[0]! })
    .filter({ hasText: invitation.subject });
  await card.getByRole('button', { name: 'Toggle HTML view' }).click();
  const body = card.frameLocator('iframe');
  const link = body.getByRole('link', { name: /sign in/i });
  const href = await link.getAttribute('href');
  const temporaryPassword = await body.locator('code').innerText();
  if (screenshots) await screenshot(page, '01-invitation');
  expect(href).toBe(outputs.PortalWebUrl);
  // A mail client (and the mailbox's frame) opens it in a tab of its own: the portal refuses to be framed.
  expect(await link.getAttribute('target')).toBe('_blank');
  await page.goto(href!);
  return temporaryPassword;
}

/** From the app's signed-out page through the hosted login (first sign-in: choose a new password). */
async function firstSignIn(page: Page, email: string, temporaryPassword: string, password: string, screenshots = true) {
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel('Email or username').waitFor();
  // The cursor starts in the first field, ready to type.
  expect(await focused(page)).toBe('INPUT username');
  await page.getByLabel('Email or username').fill(email);
  await page.getByLabel('Password').fill(temporaryPassword);
  if (screenshots) await screenshot(page, '03-hosted-login');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
  await page.getByLabel('New password', { exact: true }).fill(password);
  await page.getByLabel('New password again').fill(password);
  if (screenshots) await screenshot(page, '04-new-password');
  await page.getByRole('button', { name: 'Save and sign in' }).click();
  await page.getByRole('navigation', { name: 'Portal sections' }).waitFor();
}

/** The message an alert shows once it has one (alerts are on the page before they have anything to say). */
async function alertText(scope: Page | Locator): Promise<string> {
  const alert = scope.locator('[role=alert]').filter({ hasText: /\S/ });
  await alert.waitFor();
  return alert.innerText();
}

const sessionTokens = (page: Page) =>
  page.evaluate(
    () => JSON.parse(sessionStorage.getItem('portico.session') ?? 'null') as { accessToken: string } | null,
  );

/** The focused element: its tag and its id (a field) or text (anything else). */
const focused = (page: Page) =>
  page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    if (!element) return 'nothing';
    return `${element.tagName} ${element.tagName === 'INPUT' ? element.id : element.innerText.trim()}`;
  });

const sectionTab = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Portal sections' }).getByRole('link', { name, exact: true });

const rowTitles = (page: Page) => page.locator('tbody th[scope=row] a').allInnerTexts();

/** Cells of the page's tables that reach past the right edge of the window (clipped or scrolled out of sight). */
const cellsPastTheEdge = (page: Page) =>
  page.evaluate(() =>
    Array.from(document.querySelectorAll('main th, main td'))
      .filter((cell) => cell.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
      .map((cell) => (cell as HTMLElement).innerText),
  );

/** The text alignment of a column's heading and of its cells, as the reader sees them. */
const columnAlignment = (page: Page, heading: string) =>
  page.evaluate((heading) => {
    const table = Array.from(document.querySelectorAll('main table')).find((candidate) =>
      Array.from(candidate.querySelectorAll('thead th')).some((th) => th.textContent === heading),
    )!;
    const headings = Array.from(table.querySelectorAll('thead th'));
    const index = headings.findIndex((th) => th.textContent === heading);
    const cells = Array.from(table.querySelectorAll('tbody tr')).map((row) => row.children[index]!);
    return [headings[index]!, ...cells].map((cell) => getComputedStyle(cell).textAlign);
  }, heading);

describe('portal web app', () => {
  it('invitation → first sign-in → exactly the visible records → PIN → sign a sales order → sign out', async () => {
    const { organization, person, email, invitation } = await partnerWithPortal('Paula Partner');
    const other = await partnerWithPortal('Oscar Other');

    // Twelve visible tickets (more than a page), one hidden from the portal, one of another partner.
    const visibleTickets: string[] = [];
    for (let n = 1; n <= 12; n++) {
      const title = `Ticket ${String(n).padStart(2, '0')} ${short()}`;
      const description = `Steps to reproduce:\n1. Open the report\n2. Press export ${n}`;
      await record('tickets', organization.id, person.id, { title, status: 'Open', description });
      visibleTickets.push(title);
    }
    await record('tickets', organization.id, person.id, { title: 'Internal only', showOnPortal: false });
    await record('tickets', other.organization.id, other.person.id, { title: 'Another partner ticket' });
    const lines = [
      { description: 'Annual licence', quantity: 2, unitPrice: 1200 },
      { description: 'Onboarding days', quantity: 3, unitPrice: 450.5 },
    ];
    const orders = [];
    for (const subject of ['First order', 'Second order', 'Third order']) {
      orders.push(
        await record('sales-orders', organization.id, person.id, { subject, currency: 'EUR', lineItems: lines }),
      );
    }

    const page = await browser.newPage();
    const temporaryPassword = await openInvitation(page, invitation);
    expect(temporaryPassword).toBe(temporaryPasswordIn(invitation));
    await page.getByRole('heading', { name: 'Partner and customer portal' }).waitFor();
    // The app has an icon of its own (inline, as the Content-Security-Policy allows images from data: URLs).
    expect(await page.locator('link[rel=icon]').getAttribute('href')).toMatch(/^data:image\/svg\+xml,/);
    await screenshot(page, '02-signed-out');
    await expectAccessible(page, 'signed out');

    const password = newPassword();
    await firstSignIn(page, email, temporaryPassword, password);
    // The sign-in code and state are gone from the address bar; home is the overview.
    expect(page.url()).toBe(outputs.PortalWebUrl);
    // Focus lands on the new page's heading, where a screen reader starts reading.
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
    expect(await focused(page)).toBe('H1 Overview');

    // Name and organization; one tab per component.
    await expect(page.locator('#who').innerText()).resolves.toContain(`${person.firstName} ${person.lastName}`);
    await expect(page.locator('#who').innerText()).resolves.toContain(organization.name as string);
    await expect(
      page.getByRole('navigation', { name: 'Portal sections' }).getByRole('link').allInnerTexts(),
    ).resolves.toEqual(['Overview', 'Tickets', 'Invoices', 'Quotes', 'Sales orders', 'Documents']);

    // Exactly the visible tickets, over two pages.
    await sectionTab(page, 'Tickets').click();
    await page.getByRole('heading', { name: 'Tickets' }).waitFor();
    expect(await focused(page)).toBe('H1 Tickets');
    const firstPage = await rowTitles(page);
    expect(firstPage).toHaveLength(10);
    // At phone width every column stays in sight: the rows reflow instead of running off the edge.
    expect(await cellsPastTheEdge(page)).toEqual([]);
    await screenshot(page, '05-tickets');
    await expectAccessible(page, 'tickets');
    await page.getByRole('link', { name: 'Next page' }).click();
    await page.getByText('Page 2', { exact: true }).waitFor();
    const secondPage = await rowTitles(page);
    expect([...firstPage, ...secondPage].sort()).toEqual([...visibleTickets].sort());
    // The page is in the URL: a ticket opened from page 2, then Back, is page 2 again.
    expect(new URL(page.url()).hash).toMatch(/^#\/tickets\?page=2&cursor=/);
    const secondPageUrl = page.url();
    await page.getByRole('link', { name: secondPage[0]! }).click();
    await page.getByRole('heading', { name: secondPage[0]! }).waitFor();
    // The description keeps its line breaks.
    await expect(page.locator('.fields dd').filter({ hasText: 'Steps to reproduce' }).innerText()).resolves.toBe(
      `Steps to reproduce:\n1. Open the report\n2. Press export ${visibleTickets.indexOf(secondPage[0]!) + 1}`,
    );
    await page.goBack();
    await page.getByText('Page 2', { exact: true }).waitFor();
    expect(page.url()).toBe(secondPageUrl);
    expect(await rowTitles(page)).toEqual(secondPage);
    await page.getByRole('link', { name: 'Previous page' }).click();
    await page.getByText('Page 1', { exact: true }).waitFor();
    expect(await rowTitles(page)).toEqual(firstPage);

    // The sales orders list: money right-aligned under its right-aligned heading, every column in sight.
    await page.getByRole('navigation', { name: 'Portal sections' }).getByRole('link', { name: 'Sales orders' }).click();
    await page.getByRole('link', { name: 'First order' }).waitFor();
    expect(await cellsPastTheEdge(page)).toEqual([]);
    expect(await columnAlignment(page, 'Total')).toEqual(['right', 'right', 'right', 'right']);

    // A sales order before there is a PIN: "Choose a PIN" sets the first PIN and comes back to this order.
    await page.getByRole('link', { name: 'First order' }).click();
    await page.getByRole('heading', { name: 'First order' }).waitFor();
    expect(await focused(page)).toBe('H1 First order');
    await page.getByRole('link', { name: 'Choose a PIN' }).click();
    await page.getByRole('heading', { name: 'Choose your PIN' }).waitFor();
    await expectAccessible(page, 'PIN');
    await page.getByLabel('New PIN', { exact: true }).fill(pin);
    await page.getByLabel('New PIN again').fill('000000');
    await page.getByRole('button', { name: 'Save PIN' }).click();
    expect(await alertText(page)).toContain('not the same');
    await page.getByLabel('New PIN again').fill(pin);
    await page.getByRole('button', { name: 'Save PIN' }).click();
    await page.getByText('Your PIN is saved. You can sign this sales order now.').waitFor();
    expect(await focused(page)).toBe('H1 First order');
    expect(new URL(page.url()).hash).toBe(`#/sales-orders/${orders[0]!.id}`);
    // Line item numbers line up under right-aligned headings, and stay in sight at phone width.
    for (const heading of ['Quantity', 'Unit price', 'Amount'])
      expect(await columnAlignment(page, heading)).toEqual(['right', 'right', 'right']);
    expect(await cellsPastTheEdge(page)).toEqual([]);
    await expect(page.locator('table').last().innerText()).resolves.toContain('Annual licence');
    await screenshot(page, '06-sales-order');
    await expectAccessible(page, 'sales order');
    const signing = page.getByRole('region', { name: 'Sign this sales order' });
    await signing.getByLabel('Your PIN').fill('111111');
    await signing.getByRole('button', { name: 'Sign sales order' }).click();
    expect(await alertText(signing)).toMatch(/PIN is not right\. 4 tries left/);
    await screenshot(page, '07-wrong-pin');
    // Back in the PIN field, emptied, to try again from the keyboard alone.
    expect(await focused(page)).toBe('INPUT sign-pin');
    await page.keyboard.type(pin);
    await page.keyboard.press('Enter');
    await page.getByText('Signed. Thank you').waitFor();
    await expect(page.locator('.fields').innerText()).resolves.toContain(
      `Signed by ${person.firstName} ${person.lastName}`,
    );
    await screenshot(page, '08-signed');
    // Signed: the section says so, and no longer asks for a signature.
    await expect(page.getByRole('region', { name: 'Signed' }).innerText()).resolves.toContain('is signed');
    expect(await page.getByText('Sign this sales order').count()).toBe(0);
    // Changing the PIN is up to staff here (no pinReset): the page says so instead of offering a form.
    await page.getByRole('link', { name: 'PIN', exact: true }).click();
    await page.getByText('To change it, contact your account manager.').waitFor();
    const signed = await api.call<Json>('GET', `/sales-orders/${orders[0]!.id}`);
    expect(signed.body.signature).toMatchObject({ status: 'valid', signedBy: { id: person.id } });

    // Signed meanwhile elsewhere (another tab): the app says so instead of signing twice.
    await page.goto(`${outputs.PortalWebUrl}#/sales-orders/${orders[1]!.id}`);
    await page.getByRole('heading', { name: 'Second order' }).waitFor();
    const elsewhere = await page.evaluate(
      async ({ id, pin }) => {
        const { accessToken } = JSON.parse(sessionStorage.getItem('portico.session')!) as { accessToken: string };
        const response = await fetch(`/portal/sales-orders/${id}/signature`, {
          method: 'POST',
          headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ pin }),
        });
        return response.status;
      },
      { id: orders[1]!.id, pin },
    );
    expect(elsewhere).toBe(201);
    await page.getByLabel('Your PIN').fill(pin);
    await page.getByRole('button', { name: 'Sign sales order' }).click();
    expect(await alertText(page)).toContain('already signed');

    // Wrong PINs until signing locks (the right PIN above cleared the wrong one spent before it).
    await page.goto(`${outputs.PortalWebUrl}#/sales-orders/${orders[2]!.id}`);
    await page.getByRole('heading', { name: 'Third order' }).waitFor();
    const messages: string[] = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      await page.getByLabel('Your PIN').fill('999999');
      await page.getByRole('button', { name: 'Sign sales order' }).click();
      messages.push(await alertText(page));
    }
    expect(messages.slice(0, 4)).toEqual([
      expect.stringContaining('4 tries left'),
      expect.stringContaining('3 tries left'),
      expect.stringContaining('2 tries left'),
      expect.stringContaining('1 try left'),
    ]);
    expect(messages[4]).toMatch(/Too many wrong PINs: signing is locked for 15 minutes/);
    await screenshot(page, '09-locked');
    // The right PIN does not get through a lockout either.
    await page.getByLabel('Your PIN').fill(pin);
    await page.getByRole('button', { name: 'Sign sales order' }).click();
    expect(await alertText(page)).toMatch(/locked for \d+ more minutes/);

    // Sign out: tokens gone from the tab, the refresh token revoked, the signed-out page says so.
    const { refreshToken } = await page.evaluate(
      () => JSON.parse(sessionStorage.getItem('portico.session')!) as { refreshToken: string },
    );
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You have signed out.').waitFor();
    await screenshot(page, '10-signed-out');
    expect(await page.evaluate(() => sessionStorage.getItem('portico.session'))).toBeNull();
    const refreshed = await fetch(`${outputs.CognitoEndpoint}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        client_id: outputs.PortalClientId,
        refresh_token: refreshToken,
      }),
    });
    expect(refreshed.status).toBe(400);

    // A link straight to a sales order, opened signed out, lands on that order once signed in.
    await page.goto(`${outputs.PortalWebUrl}#/sales-orders/${orders[1]!.id}`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Email or username').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Second order' }).waitFor();
    expect(page.url()).toBe(`${outputs.PortalWebUrl}#/sales-orders/${orders[1]!.id}`);

    expect(browser.pageErrors).toEqual([]);
    await page.close();
  });

  it('unticking the portal flag locks the open session out on its next action', async () => {
    const { organization, person, email, invitation } = await partnerWithPortal('Una Untick', { pinReset: true });
    await record('tickets', organization.id, person.id, { title: 'Visible ticket' });
    await record('invoices', organization.id, person.id, { subject: 'Visible invoice', total: 99.5, currency: 'EUR' });
    await record('documents', organization.id, person.id, { title: 'Terms', url: 'https://example.com/terms.pdf' });

    const page = await browser.newPage();
    // The page's clock is under the test's control (the login and the API keep real time).
    await page.clock.install();
    const temporaryPassword = await openInvitation(page, invitation, false);
    const password = newPassword();
    await firstSignIn(page, email, temporaryPassword, password, false);
    await sectionTab(page, 'Tickets').click();
    await page.getByRole('link', { name: 'Visible ticket' }).waitFor();

    // The tokens are renewed a minute before they expire, without the person doing anything.
    const before = await sessionTokens(page);
    await page.clock.fastForward('59:30');
    await waitFor(
      async () => (await sessionTokens(page))?.accessToken !== before?.accessToken,
      10_000,
      'the tokens to be renewed',
    );

    // A dropped connection: a clear message and a way to try again.
    await page.route('**/portal/invoices**', (route) => route.abort('internetdisconnected'));
    await page.getByRole('link', { name: 'Invoices', exact: true }).click();
    expect(await alertText(page)).toContain('could not reach the portal');
    await screenshot(page, '11-network-error');
    await page.unroute('**/portal/invoices**');
    await page.getByRole('button', { name: 'Try again' }).click();
    await page.getByRole('link', { name: 'Visible invoice' }).waitFor();

    // A document's web address is a link, opened apart from the portal.
    await page.getByRole('link', { name: 'Documents', exact: true }).click();
    await page.getByRole('link', { name: 'Terms' }).click();
    const link = page.getByRole('link', { name: 'https://example.com/terms.pdf' });
    expect(await link.getAttribute('href')).toBe('https://example.com/terms.pdf');
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');

    // With pinReset, the PIN page sets the first PIN and later changes it, given the current one.
    await page.getByRole('link', { name: 'PIN', exact: true }).click();
    await page.getByLabel('New PIN', { exact: true }).fill('1357');
    await page.getByLabel('New PIN again').fill('1357');
    await page.getByRole('button', { name: 'Save PIN' }).click();
    await page.getByRole('heading', { name: 'PIN saved' }).waitFor();
    await page.getByRole('link', { name: 'PIN', exact: true }).click();
    await page.getByRole('heading', { name: 'Change your PIN' }).waitFor();
    await page.getByLabel('Current PIN').fill('2468');
    await page.getByLabel('New PIN', { exact: true }).fill('8642');
    await page.getByLabel('New PIN again').fill('8642');
    await page.getByRole('button', { name: 'Change PIN' }).click();
    expect(await alertText(page)).toMatch(/PIN is not right\. 4 tries left/);
    await page.getByLabel('Current PIN').fill('1357');
    await page.getByRole('button', { name: 'Change PIN' }).click();
    await page.getByRole('heading', { name: 'PIN saved' }).waitFor();

    // Staff untick the flag while the page is open.
    const patched = await api.call('PATCH', `/partner-contacts/${person.id}`, { portal: { enabled: false } });
    expect(patched.status).toBe(200);

    await page.getByRole('link', { name: 'Tickets', exact: true }).click();
    expect(await alertText(page)).toBe(refusalMessage);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('portico.session'))).toBeNull();
    await screenshot(page, '12-access-refused');

    // Signing in again is refused with the same message, on the hosted login's form, before the password is checked
    // (pre authentication words it as Cognito does).
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Email or username').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(await alertText(page)).toBe(`PreAuthentication failed with error ${refusalMessage}.`);
    expect(browser.pageErrors).toEqual([]);
    await page.close();
  });

  it('an idle page learns at its next token renewal that access ended, with the same message', async () => {
    const { organization, person, email, invitation } = await partnerWithPortal('Ida Idle');
    await record('tickets', organization.id, person.id, { title: 'Idle ticket' });
    const page = await browser.newPage();
    await page.clock.install();
    await firstSignIn(page, email, await openInvitation(page, invitation, false), newPassword(), false);
    await sectionTab(page, 'Tickets').click();
    await page.getByRole('link', { name: 'Idle ticket' }).waitFor();

    // Staff deactivate the partner organization; the controller disables the login and revokes its refresh tokens.
    const deactivated = await api.call('PATCH', `/partner-organizations/${organization.id}`, {
      partnerStatus: 'Inactive',
    });
    expect(deactivated.status).toBe(200);
    await waitFor(
      async () => {
        const { status, recordedStatus } = (await api.call<Json>('GET', `/partner-contacts/${person.id}/portal-access`))
          .body;
        // Shown at once; recorded once the controller has disabled the login.
        return status === 'suspended' && recordedStatus === undefined;
      },
      20_000,
      `${person.id} to be suspended`,
    );

    // Nobody touches the page; its renewal a minute before expiry is refused, and it says why.
    await page.clock.fastForward('59:30');
    expect(await alertText(page)).toBe(refusalMessage);
    expect(await sessionTokens(page)).toBeNull();
    await page.close();
  });

  it('an expired session sends the person back to sign in with a clear message', async () => {
    const page = await browser.newPage();
    await page.goto(outputs.PortalWebUrl);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    // Tokens the API no longer accepts and a refresh token the login no longer knows.
    await page.evaluate(() =>
      sessionStorage.setItem(
        'portico.session',
        JSON.stringify({
          accessToken: 'expired',
          idToken: 'expired',
          refreshToken: 'revoked',
          expiresAt: Date.now() + 600_000,
        }),
      ),
    );
    await page.reload();
    expect(await alertText(page)).toBe('Your session has expired. Please sign in again.');
    expect(await page.evaluate(() => sessionStorage.getItem('portico.session'))).toBeNull();
    await page.close();
  });

  it('the accessibility check itself finds a serious violation when there is one', async () => {
    const page = await browser.newPage();
    await page.goto(outputs.PortalWebUrl);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(serious(await accessibilityViolations(page))).toEqual([]);
    // A field without a label, as a careless change might add.
    await page.evaluate(() => document.querySelector('main')!.append(document.createElement('input')));
    expect(serious(await accessibilityViolations(page))).toEqual([expect.stringMatching(/^label \(critical\)/)]);
    await page.close();
  });

  it("wears the deployment's branding: its name and accent in the app, and on the hosted login", async () => {
    const page = await browser.newPage();
    // The deployment's config.json as a deployment with its own branding serves it.
    await page.route('**/config.json', async (route) => {
      const config = (await (await route.fetch()).json()) as Json;
      await route.fulfill({
        json: { ...config, branding: { organizationName: 'Acme Partners', accentColor: '#5a2d82' } },
      });
    });
    await page.goto(outputs.PortalWebUrl);
    const signIn = page.getByRole('button', { name: 'Sign in' });
    await signIn.waitFor();
    await expect(page.locator('header .brand').innerText()).resolves.toBe('Acme Partners');
    expect(await page.title()).toBe('Sign in · Acme Partners');
    expect(await signIn.evaluate((button) => getComputedStyle(button).backgroundColor)).toBe('rgb(90, 45, 130)');
    await screenshot(page, '14-branded-signed-out');
    await expectAccessible(page, 'branded signed out');
    // The local hosted login wears the local stack's branding (the default organization name here).
    await signIn.click();
    await page.getByLabel('Email or username').waitFor();
    await expect(page.locator('header.brand').innerText()).resolves.toBe('Portico');
    expect(await page.locator('link[rel=icon]').getAttribute('href')).toMatch(/^data:image\/svg\+xml,/);
    await page.close();
  });

  it('works at desktop width too', async () => {
    const page = await browser.newPage();
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(outputs.PortalWebUrl);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await screenshot(page, '13-desktop-signed-out');
    await expectAccessible(page, 'desktop signed out');
    await page.close();
  });

  it('refuses a sign-in callback it did not start (state check)', async () => {
    const page = await browser.newPage();
    await page.goto(`${outputs.PortalWebUrl}?code=stolen-code&state=forged`);
    expect(await alertText(page)).toContain('not started from this page');
    expect(page.url()).toBe(outputs.PortalWebUrl);
    await page.close();
  });
});
