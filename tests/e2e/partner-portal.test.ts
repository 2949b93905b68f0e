import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import type { LocalOutputs } from '../../infra/outputs';
import { hostedLogin } from '../support/hosted-login';
import { mailbox, temporaryPasswordIn } from '../support/mailbox';
import { stackOutputs } from '../support/outputs';
import { apiClient, staffApi, type StaffApi } from '../support/staff-api';
import { accessibilityViolations, launchBrowser, screenshot, serious, type Browser } from './browser';

/**
 * The partner portal of issue 16 in Chromium against the local stack, at phone width: a partner admin (staff set the
 * flag) invites a colleague from the Colleagues page → the colleague signs in from the invitation email → registers a
 * deal → staff approve it (staff API) → the partner sees it approved and the lead assigned to the organization, and
 * accepts the lead. axe finds nothing serious on any screen.
 */
jest.setTimeout(300_000);

type Json = Record<string, unknown>;

let outputs: LocalOutputs;
let api: StaffApi;
let browser: Browser;

beforeAll(async () => {
  outputs = stackOutputs();
  api = await staffApi(outputs);
  browser = await launchBrowser();
});
afterAll(() => browser?.close());

const short = () => randomUUID().slice(0, 8);

async function expectAccessible(page: Page, screen: string) {
  expect({ screen, violations: serious(await accessibilityViolations(page)) }).toEqual({ screen, violations: [] });
}

/** Signs in through the app's button and the hosted login; a first sign-in also chooses the new password. */
async function signIn(page: Page, email: string, password: string, temporaryPassword?: string) {
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel('Email or username').fill(email);
  await page.getByLabel('Password').fill(temporaryPassword ?? password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  if (temporaryPassword) {
    await page.getByLabel('New password', { exact: true }).fill(password);
    await page.getByLabel('New password again').fill(password);
    await page.getByRole('button', { name: 'Save and sign in' }).click();
  }
  await page.getByRole('navigation', { name: 'Portal sections' }).waitFor();
}

const invitationOf = async (inbox: ReturnType<typeof mailbox>, email: string) =>
  inbox.first(email, (mail) => /Temporary password/.test(mail.body.text), 60_000);

describe('the partner portal', () => {
  it('partner admin invites a colleague → the colleague signs in and registers a deal → staff approve → the partner sees it approved and accepts the assigned lead', async () => {
    const inbox = mailbox(outputs.SesEndpoint);
    const organization = await api.create('partner-organizations', {
      name: `Northwind Partners ${short()}`,
      partnerStatus: 'Active',
    });
    const components = ['tickets', 'deal-registrations', 'leads'];
    const adminEmail = `ada.admin.${short()}@example.com`;
    const admin = await api.create('partner-contacts', {
      firstName: 'Ada',
      lastName: 'Admin',
      email: adminEmail,
      organizationId: organization.id,
      portal: { enabled: true, partnerAdmin: true, components },
    });
    const adminPassword = `Admin#Pass${short()}`;

    // The admin's Colleagues page, reached from the header.
    const page = await browser.newPage();
    await page.goto(outputs.PortalWebUrl);
    await signIn(page, adminEmail, adminPassword, temporaryPasswordIn(await invitationOf(inbox, adminEmail)));
    await page.getByRole('link', { name: 'Colleagues' }).click();
    await page.getByRole('heading', { name: 'Colleagues', level: 1 }).waitFor();
    const people = page.getByRole('list', { name: 'People in your organization' });
    await expect(people.innerText()).resolves.toContain('Ada Admin (you)');
    await expectAccessible(page, 'colleagues');

    // A missing last name is said and focused; then the invitation goes with the sections ticked.
    const invite = page.getByRole('form', { name: 'Invite a colleague' });
    await invite.getByRole('button', { name: 'Send invitation' }).click();
    await expect(invite.locator('[role=alert]').innerText()).resolves.toBe('Give their last name.');
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('invite-last-name');
    const colleagueEmail = `cole.colleague.${short()}@example.com`;
    await invite.getByLabel('First name (optional)').fill('Cole');
    await invite.getByLabel('Last name').fill('Colleague');
    await invite.getByLabel('Email').fill(colleagueEmail);
    await invite.getByRole('checkbox', { name: 'Tickets' }).uncheck();
    await screenshot(page, '40-colleagues-invite');
    await invite.getByRole('button', { name: 'Send invitation' }).click();
    await page.getByText(`${colleagueEmail} is invited`).waitFor();
    const colleagueCard = people.getByRole('listitem', { name: 'Cole Colleague' });
    await colleagueCard.waitFor();
    await expect(colleagueCard.getByRole('checkbox', { name: 'Tickets' }).isChecked()).resolves.toBe(false);
    await expect(colleagueCard.getByRole('checkbox', { name: 'Leads' }).isChecked()).resolves.toBe(true);
    await screenshot(page, '41-colleagues-invited');
    await expectAccessible(page, 'colleagues with an invited colleague');

    // Staff see an ordinary partner contact of the organization, invited by the admin.
    const staffList = await api.call<{ items: Json[] }>(
      'GET',
      `/partner-contacts?email=${encodeURIComponent(colleagueEmail)}`,
    );
    const colleague = staffList.body.items[0]!;
    expect(colleague).toMatchObject({
      organizationId: organization.id,
      createdBy: `partner:${admin.id}`,
      portal: { enabled: true, components: ['deal-registrations', 'leads'] },
    });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You have signed out.').waitFor();
    await page.close();

    // The colleague signs in from the invitation email and registers a deal (the registration is made with their
    // token through the API; the app lists it).
    const colleaguePassword = `Cole#Pass${short()}`;
    const second = await browser.newPage();
    await second.goto(outputs.PortalWebUrl);
    await signIn(
      second,
      colleagueEmail,
      colleaguePassword,
      temporaryPasswordIn(await invitationOf(inbox, colleagueEmail)),
    );
    await expect(second.getByRole('link', { name: 'Colleagues' }).count()).resolves.toBe(0);
    const tokens = await hostedLogin(outputs).signIn(colleagueEmail, colleaguePassword);
    const asColleague = apiClient(outputs.ApiUrl, tokens.accessToken);
    const companyName = `Contoso ${short()} Ltd`;
    const registered = await asColleague('POST', '/portal/deal-registrations', {
      companyName,
      contactName: 'Grace Hopper',
      contactEmail: `grace@contoso-${short()}.example`,
      estimatedValue: 48_000,
      currency: 'EUR',
      expectedCloseDate: '2027-06-30',
      description: 'Two sites, 120 seats.',
    });
    expect(registered.status).toBe(201);
    const registrationId = registered.body.id as string;

    // Staff approve it: a lead is assigned to the organization, protected.
    const approved = await api.call('PATCH', `/deal-registrations/${registrationId}`, { status: 'approved' });
    expect(approved.status).toBe(200);
    const leadId = approved.body.leadId as string;

    // The partner sees it approved in the app.
    const sections = second.getByRole('navigation', { name: 'Portal sections' });
    await sections.getByRole('link', { name: 'Deal registrations' }).click();
    await second.getByRole('heading', { name: 'Deal registrations', level: 1 }).waitFor();
    const row = second.getByRole('row').filter({ hasText: companyName });
    await row.waitFor();
    await expect(row.innerText()).resolves.toMatch(/approved/i);
    await screenshot(second, '42-deal-registrations');
    await expectAccessible(second, 'deal registrations');

    // …and the assigned lead, which they accept.
    const leads = await asColleague<{ items: Json[] }>('GET', '/portal/leads');
    expect(leads.body.items.map((lead) => lead.id)).toContain(leadId);
    const accepted = await asColleague('POST', `/portal/leads/${leadId}/decision`, { decision: 'accept' });
    expect(accepted.status).toBe(201);
    expect((await asColleague('GET', `/portal/leads/${leadId}`)).body).toMatchObject({ id: leadId });
    await sections.getByRole('link', { name: 'Leads' }).click();
    await second.getByRole('heading', { name: 'Leads', level: 1 }).waitFor();
    await screenshot(second, '43-leads');
    await expectAccessible(second, 'leads');
    expect(browser.pageErrors).toEqual([]);
  });
});
