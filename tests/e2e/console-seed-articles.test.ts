import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import type { LocalOutputs } from '../../infra/outputs';
import { mailbox, temporaryPasswordIn } from '../support/mailbox';
import { stackOutputs } from '../support/outputs';
import { staffApi, type StaffApi } from '../support/staff-api';
import { expectAccessible, launchBrowser, screenshot, type Browser } from './browser';

/**
 * The two help articles Portico started from, walked through the staff console in Debian's Chromium against the
 * local stack, as a CRM administrator would: a partner organization with its primary contact created inline and
 * Partner Portal ticked (the invitation arrives, the status says Invited); a customer contact with the Customer
 * Portal Information filled in, and a ticket shown on the portal, which that contact then sees in the portal app.
 * Along the way: search by the first letters of a last name, a refused field shown beside it, a 412 explained, a
 * resend's 429 shown, the Inactive-organization warning; axe on every screen; a screenshot of each.
 */
jest.setTimeout(240_000);

let outputs: LocalOutputs;
let api: StaffApi;
let mail: ReturnType<typeof mailbox>;
let browser: Browser;
let page: Page;

const short = () => randomUUID().slice(0, 8);
const run = short();

beforeAll(async () => {
  outputs = stackOutputs();
  api = await staffApi(outputs);
  mail = mailbox(outputs.SesEndpoint);
  browser = await launchBrowser();
  page = await browser.newPage();
  // The console is desktop-first and must be usable at tablet width: the walk runs at 1024 px, one screen at 768.
  await page.setViewportSize({ width: 1024, height: 900 });
});
afterAll(() => browser?.close());

/** axe reports nothing serious or critical, and the screen goes to tests/e2e/screenshots/. */
async function screen(name: string) {
  await expectAccessible(page, name);
  await screenshot(page, `console-${name}`);
}

const consoleUrl = () => (outputs as unknown as { StaffWebUrl: string }).StaffWebUrl;

const nav = () => page.getByRole('navigation', { name: 'Modules' });
const heading = (name: string | RegExp) => page.getByRole('heading', { level: 1, name });
/** The error shown beside an input: the element its aria-describedby names that holds the message. */
const errorBeside = (label: string | RegExp) =>
  page.getByLabel(label, { exact: typeof label === 'string' }).evaluate((input) => {
    const ids = (input.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean);
    return {
      invalid: input.getAttribute('aria-invalid'),
      message: ids
        .map((id) => document.getElementById(id))
        .filter((element) => element?.classList.contains('field-error') && !element.hidden)
        .map((element) => element!.textContent)
        .join(' '),
    };
  });

async function signIn() {
  await page.goto(consoleUrl());
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel('Email or username').fill(outputs.StaffUsername);
  await page.getByLabel('Password').fill(outputs.StaffPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await nav().waitFor();
}

const partnerName = `Acme Partners ${run}`;
const primary = { first: 'Priya', last: `Patel${run}`, email: `priya.${run}@example.com` };
const customer = { first: 'Ada', last: `Okafor${run}`, email: `ada.${run}@example.com` };
const ticketTitle = `Printer on fire ${run}`;

describe('staff console: the seed articles', () => {
  it('signs in through the staff hosted login and shows the modules', async () => {
    await signIn();
    await heading(/./).waitFor();
    await screen('01-list');
  });

  it('article 1: adds a partner organization with its primary contact created inline, Partner Status Active', async () => {
    await nav().getByRole('link', { name: 'Partner organizations' }).click();
    await page.getByRole('link', { name: 'Add partner organization' }).click();
    await heading('Add partner organization').waitFor();
    await page.getByLabel(/^Name/).fill(partnerName);
    await page.getByLabel(/^Type/).fill('Reseller');
    await page.getByLabel(/^Phone/).fill('+44 20 7946 0000');
    await page.getByLabel(/^Partner Status/).selectOption('Active');
    await page.getByRole('button', { name: '+ Create the primary contact' }).click();
    // The inline contact's first input has the focus: the + opened it for typing.
    await page.locator('#pc--firstName').fill(primary.first);
    await page.locator('#pc--lastName').fill(primary.last);
    await page.locator('#pc--email').fill(primary.email);
    await screen('02-add-partner-organization');
    await page.getByRole('button', { name: 'Save' }).click();
    await heading(partnerName).waitFor();
    await expect(page.getByRole('status').filter({ hasText: 'Saved' }).first().innerText()).resolves.toMatch(/Saved/);
    // One request made both: the organization names its new primary contact, who belongs to it.
    // (the link shows the contact's id until its name has been read, then the name)
    await page.locator('dd a[data-reference^="pcon_"]', { hasText: `${primary.first} ${primary.last}` }).waitFor();
    await screen('03-partner-organization');
  });

  it('article 1: ticks Partner Portal on the partner contact; the invitation arrives and the status says Invited', async () => {
    await page.locator('dd a[data-reference^="pcon_"]').click();
    await heading(`${primary.first} ${primary.last}`).waitFor();
    // The organization is Active: no warning.
    await expect(page.locator('#org-warning').count()).resolves.toBe(0);
    await page.getByLabel('Partner Portal').check();
    await page.getByText('Portal access granted').waitFor();
    const [invitation] = await mail.waitFor(primary.email, 1, 60_000);
    expect(invitation?.subject).toBeTruthy();
    // The panel follows provisioning without a reload.
    await page.locator('.badge', { hasText: 'Invited' }).waitFor({ timeout: 60_000 });
    await page.getByText(/Invitation sent on/).waitFor();
    await screen('04-partner-contact-invited');
  });

  it('article 2: adds a contact with the Customer Portal Information filled in', async () => {
    await nav().getByRole('link', { name: 'Contacts', exact: true }).click();
    await page.getByRole('link', { name: 'Add contact' }).click();
    await heading('Add contact').waitFor();
    await page.getByLabel(/^First name/).fill(customer.first);
    await page.getByLabel(/^Last name/).fill(customer.last);
    await page.getByLabel('Email', { exact: true }).fill(customer.email);
    await page.getByLabel('Portal user').check();
    await page.getByLabel(/^Support start date/).fill('2026-01-01');
    await page.getByLabel(/^Support end date/).fill('2099-12-31');
    await page.getByLabel(/^Username/).fill(`ada${run}`);
    await page.getByLabel('Can eSign').check();
    await page.getByLabel('PIN Reset').check();
    await page.getByRole('group', { name: 'Components' }).getByLabel('Tickets').check();
    await page.getByRole('group', { name: 'Components' }).getByLabel('Invoices').check();
    await screen('06-add-contact');
    await page.getByRole('button', { name: 'Save' }).click();
    await heading(`${customer.first} ${customer.last}`).waitFor();
    await page.locator('.badge', { hasText: 'Invited' }).waitFor({ timeout: 60_000 });
    await screen('07-contact');
  });

  it("shows a resend's answer, and its 429 as a sentence with when to try again", async () => {
    await page.getByRole('button', { name: 'Resend invitation' }).click();
    await page.getByRole('status').filter({ hasText: 'A new invitation is on its way.' }).waitFor();
    // At once again: refused, and the console says why and when to try again.
    await page.getByRole('button', { name: 'Resend invitation' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: /^An invitation was sent less than a minute ago; try again in \d+ s\.$/ })
      .waitFor();
    await screen('05-resend-refused');
  });

  it('article 2: adds a ticket linked to the contact, shown on the portal', async () => {
    const tickets = page.getByRole('region', { name: 'Tickets' });
    await tickets.getByRole('link', { name: 'Add ticket' }).click();
    await heading('Add ticket').waitFor();
    // The contact it was added from is already chosen.
    await page.getByText(`Chosen: ${customer.first} ${customer.last}`).waitFor();
    await page.getByLabel(/^Title/).fill(ticketTitle);
    await page.getByLabel('Show on portal').check();
    await screen('08-add-ticket');
    await page.getByRole('button', { name: 'Save' }).click();
    await heading(ticketTitle).waitFor();
    await screen('09-ticket');
    // Back on the contact, the ticket is in its related list with its Show on portal toggle ticked.
    await page.locator('dd a[data-reference^="con_"]').click();
    await heading(`${customer.first} ${customer.last}`).waitFor();
    const toggle = page.getByRole('region', { name: 'Tickets' }).getByLabel(`Show ${ticketTitle} on portal`);
    await toggle.waitFor();
    await expect(toggle.isChecked()).resolves.toBe(true);
    await screen('09b-contact-related-tickets');
  });

  it('the contact, signed in to the portal app, sees the ticket', async () => {
    // The first invitation and the one resent: the newest holds the temporary password that works.
    const invitations = await mail.waitFor(customer.email, 2, 60_000);
    const invitation = invitations[invitations.length - 1];
    const portal = await browser.newPage();
    await portal.goto(outputs.PortalWebUrl);
    await portal.getByRole('button', { name: 'Sign in' }).click();
    await portal.getByLabel('Email or username').fill(customer.email);
    await portal.getByLabel('Password').fill(temporaryPasswordIn(invitation!));
    await portal.getByRole('button', { name: 'Sign in' }).click();
    await portal.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    const password = `Brand-new#Pass${short()}`;
    await portal.getByLabel('New password', { exact: true }).fill(password);
    await portal.getByLabel('New password again').fill(password);
    await portal.getByRole('button', { name: 'Save and sign in' }).click();
    const sections = portal.getByRole('navigation', { name: 'Portal sections' });
    // The overview first (it counts the ticket), then the Tickets section lists it.
    await portal.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    await sections.getByRole('link', { name: 'Tickets', exact: true }).click();
    await portal.getByRole('heading', { level: 1, name: 'Tickets' }).waitFor();
    await portal
      .getByRole('link', { name: ticketTitle })
      .waitFor()
      .catch(async (error) => {
        await screenshot(portal, 'console-10-portal-sees-ticket-FAILED');
        throw error;
      });
    await screenshot(portal, 'console-10-portal-sees-ticket');
    await portal.close();
  });

  it('finds the contact by the first letters of the last name, whatever their case', async () => {
    await nav().getByRole('link', { name: 'Contacts', exact: true }).click();
    await page.getByRole('searchbox').fill(customer.last.slice(0, 7).toLowerCase());
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: new RegExp(customer.last) }).waitFor();
    await screen('11-search');
  });

  it('shows a validation error beside its field, from the form and from the API', async () => {
    await page.goto(`${consoleUrl()}#/contacts/new`);
    await heading('Add contact').waitFor();
    // Left empty: the form says so before any request.
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(errorBeside(/^Last name/)).resolves.toEqual({
      invalid: 'true',
      message: 'Last name is required.',
    });
    // A character the form lets through and the API refuses (a bidirectional override): its problem+json path
    // lands on the same field.
    await page.getByLabel(/^Last name/).fill('Evil\u202Ename');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('alert').filter({ hasText: 'The contact is not valid.' }).waitFor();
    await expect(errorBeside(/^Last name/)).resolves.toMatchObject({
      invalid: 'true',
      message: expect.stringMatching(/^Last name must not contain .*U\+202E/),
    });
    await screen('12-validation');
  });

  it('explains a 412: someone else changed the record, with a way to reload', async () => {
    const contact = await api.create('contacts', { lastName: `Conflict${run}` });
    await page.goto(`${consoleUrl()}#/contacts/${contact.id}/edit`);
    await heading(/^Edit/).waitFor();
    await page.getByLabel(/^Title/).fill('Director');
    // Meanwhile, someone else saves the same record.
    const other = await api.call('PATCH', `/contacts/${contact.id}`, { title: 'CEO' });
    expect(other.status).toBe(200);
    await page.getByRole('button', { name: 'Save' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: /^Someone else changed this record since you opened it\./ })
      .waitFor();
    await screen('13-conflict');
    await page.getByRole('button', { name: 'Reload the record' }).click();
    await expect(page.getByLabel(/^Title/).inputValue()).resolves.toBe('CEO');
  });

  it("warns that a partner contact's Inactive organization gets no invitation", async () => {
    const organization = await api.create('partner-organizations', { name: `Dormant ${run}` });
    const contact = await api.create('partner-contacts', {
      lastName: `Sleeper${run}`,
      email: `sleeper.${run}@example.com`,
      organizationId: organization.id,
    });
    await page.goto(`${consoleUrl()}#/partner-contacts/${contact.id}`);
    await page.getByText('no invitation will be sent until the organization is Active', { exact: false }).waitFor();
    await screen('14-inactive-organization');
  });

  it('is usable at tablet width (768 px)', async () => {
    await page.setViewportSize({ width: 768, height: 1024 });
    await page.goto(`${consoleUrl()}#/partner-organizations/new`);
    await heading('Add partner organization').waitFor();
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await screen('15-tablet');
  });

  it('the page reported no errors (CSP included)', () => {
    expect(browser.pageErrors).toEqual([]);
  });
});
