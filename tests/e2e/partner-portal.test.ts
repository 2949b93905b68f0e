import { randomUUID } from 'node:crypto';
import type { Locator, Page } from 'playwright-core';
import type { LocalOutputs } from '../../infra/outputs';
import { mailbox, temporaryPasswordIn } from '../support/mailbox';
import { stackOutputs } from '../support/outputs';
import { staffApi, type StaffApi } from '../support/staff-api';
import { expectAccessible, launchBrowser, screenshot, type Browser } from './browser';

/**
 * The partner portal of issue 16 in Chromium against the local stack, at phone width: a partner admin (staff set the
 * flag) invites a colleague from the Colleagues page → the colleague signs in from the invitation email → registers a
 * deal on its form (an empty form first: each field says what it needs) → staff approve it (staff API) → the partner
 * sees it approved in the list and counted on the overview, opens the assigned lead from the Leads list, accepts it
 * and reports its stage → staff assign another lead, which the partner declines with a reason. Every step a person
 * takes is taken on the screens; axe finds nothing serious on any of them.
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

/** Whether a form control is marked invalid, and the sentence it is described by (what is said beside it). */
const problemBeside = (control: Locator) =>
  control.evaluate((element) => ({
    invalid: element.getAttribute('aria-invalid'),
    sentence: (element.getAttribute('aria-describedby') ?? '')
      .split(' ')
      .map((id) => document.getElementById(id))
      .filter((described) => described?.classList.contains('field-error'))
      .map((described) => described!.textContent)
      .join(' '),
  }));

/** The value a detail page shows for `term`. */
const detailOf = (page: Page, term: string) =>
  page
    .locator('dl.fields dt', { hasText: new RegExp(`^${term}$`) })
    .locator('xpath=following-sibling::dd[1]')
    .innerText();

const invitationOf = async (inbox: ReturnType<typeof mailbox>, email: string) =>
  inbox.first(email, (mail) => /Temporary password/.test(mail.body.text), 60_000);

describe('the partner portal', () => {
  it('partner admin invites a colleague → the colleague registers a deal on its form → staff approve → the partner sees it approved, accepts the lead and reports its stage, and declines another with a reason', async () => {
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

    // The colleague signs in from the invitation email; they are no admin.
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
    const sections = second.getByRole('navigation', { name: 'Portal sections' });
    const heading = (name: string) => second.getByRole('heading', { name, level: 1 }).waitFor();

    // They register a deal on its form: an empty form says beside each field what it needs.
    await sections.getByRole('link', { name: 'Deal registrations' }).click();
    await heading('Deal registrations');
    await second.getByRole('link', { name: 'Register a deal' }).click();
    await heading('Register a deal');
    const dealForm = second.getByRole('form', { name: 'Register a deal' });
    const control = (label: string) => dealForm.getByLabel(label, { exact: true });
    await dealForm.getByRole('button', { name: 'Register deal' }).click();
    await expect(dealForm.locator('[role=alert]').innerText()).resolves.toBe('Check the 5 fields marked below.');
    const expectedProblems: Record<string, string> = {
      Company: 'Name the company.',
      'Contact name': 'Name your contact there.',
      'Contact email': "Give your contact's email.",
      'Estimated value': 'Estimate the value.',
      'Expected close date': 'Say when you expect to close.',
    };
    for (const [label, sentence] of Object.entries(expectedProblems)) {
      await expect(problemBeside(control(label))).resolves.toEqual({ invalid: 'true', sentence });
    }
    await expect(problemBeside(control('Currency'))).resolves.toEqual({ invalid: null, sentence: '' });
    await expect(second.evaluate(() => document.activeElement?.id)).resolves.toBe('deal-company');
    await screenshot(second, '42-deal-form-errors');
    await expectAccessible(second, 'deal registration form with errors');

    // Fixed but for the email and the value's decimals: only those two are still marked.
    const companyName = `Contoso ${short()} Ltd`;
    await control('Company').fill(companyName);
    await control('Contact name').fill('Grace Hopper');
    await control('Contact email').fill('grace@');
    await control('Estimated value').fill('48000.125');
    await control('Currency').fill('eur');
    await control('Expected close date').fill('2027-06-30');
    await control('Description (optional)').fill('Two sites, 120 seats.');
    await dealForm.getByRole('button', { name: 'Register deal' }).click();
    await expect(problemBeside(control('Contact email'))).resolves.toEqual({
      invalid: 'true',
      sentence: 'Give an email address such as name@company.com.',
    });
    await expect(problemBeside(control('Estimated value'))).resolves.toEqual({
      invalid: 'true',
      sentence: 'Give the value with at most two decimals, such as 1250.50.',
    });
    await expect(problemBeside(control('Company'))).resolves.toEqual({ invalid: null, sentence: '' });
    await control('Contact email').fill(`grace@contoso-${short()}.example`);
    await control('Estimated value').fill('48000');
    await dealForm.getByRole('button', { name: 'Register deal' }).click();

    // Registered: its page says so, the money in its currency and the status in words.
    await heading(companyName);
    await second.getByText('Registered. The vendor reviews it').waitFor();
    const registrationId = /#\/deal-registrations\/(deal_[\w-]+)$/.exec(second.url())?.[1];
    expect(registrationId).toBeDefined();
    await expect(detailOf(second, 'Status')).resolves.toBe('Submitted');
    await expect(detailOf(second, 'Estimated value')).resolves.toBe('€48,000.00');
    await expect(detailOf(second, 'Expected close date')).resolves.toBe('30 Jun 2027');
    await screenshot(second, '43-deal-registration');
    await expectAccessible(second, 'a registered deal');
    await sections.getByRole('link', { name: 'Deal registrations' }).click();
    await heading('Deal registrations');
    const dealRow = second.getByRole('row').filter({ hasText: companyName });
    await expect(dealRow.innerText()).resolves.toMatch(/€48,000\.00[\s\S]*Submitted[\s\S]*30 Jun 2027/);
    await screenshot(second, '44-deal-registrations-submitted');

    // Staff approve it (staff API): a lead is assigned to the organization, protected; the list says until when.
    const approved = await api.call('PATCH', `/deal-registrations/${registrationId}`, { status: 'approved' });
    expect(approved.status).toBe(200);
    const leadId = approved.body.leadId as string;
    const protectedUntil = new Date(`${approved.body.protectedUntil as string}T00:00:00Z`).toLocaleDateString('en-GB', {
      dateStyle: 'medium',
      timeZone: 'UTC',
    });
    await sections.getByRole('link', { name: 'Deal registrations' }).click();
    await heading('Deal registrations');
    await expect(dealRow.innerText()).resolves.toContain(`Approved, protected until ${protectedUntil}`);
    await screenshot(second, '45-deal-registrations-approved');
    await expectAccessible(second, 'deal registrations');

    // The overview counts them, and shows the lead waiting for an answer.
    await sections.getByRole('link', { name: 'Overview' }).click();
    await heading('Overview');
    const card = (name: string) => second.getByRole('region', { name });
    await expect(card('Deal registrations').innerText()).resolves.toContain('0 submitted, 1 approved');
    await expect(card('Leads').innerText()).resolves.toContain('1 awaiting your decision');
    await expect(
      card('Leads').getByRole('list', { name: 'Leads that need you' }).getByRole('link', { name: companyName }).count(),
    ).resolves.toBe(1);
    await screenshot(second, '46-partner-overview');
    await expectAccessible(second, 'overview');

    // The lead, opened from the Leads list, is accepted, then its stage reported.
    await sections.getByRole('link', { name: 'Leads' }).click();
    await heading('Leads');
    const leadRow = second.getByRole('row').filter({ hasText: companyName });
    await expect(leadRow.innerText()).resolves.toContain('Awaiting your decision');
    await expectAccessible(second, 'leads');
    await leadRow.getByRole('link', { name: companyName }).click();
    await heading(companyName);
    expect(second.url()).toContain(`#/leads/${leadId}`);
    await screenshot(second, '47-lead');
    await expectAccessible(second, 'lead awaiting a decision');
    await second.getByRole('button', { name: 'Accept lead' }).click();
    await second.getByText('You accepted this lead.').waitFor();
    await expect(detailOf(second, 'Status')).resolves.toBe('Accepted, contacted');
    await second.getByLabel('Stage').selectOption({ label: 'Proposal sent' });
    await second.getByRole('button', { name: 'Save stage' }).click();
    await second.getByText('Stage saved: Proposal sent.').waitFor();
    await expect(detailOf(second, 'Status')).resolves.toBe('Accepted, proposal sent');
    await screenshot(second, '48-lead-accepted');
    await expectAccessible(second, 'accepted lead');
    expect((await api.call('GET', `/leads/${leadId}`)).body).toMatchObject({
      assignedPartnerId: organization.id,
      partnerDecision: { decision: 'accept', decidedBy: { id: colleague.id } },
      partnerStage: 'proposal',
    });

    // Staff assign one more lead; the colleague declines it with a reason, and it leaves their list.
    const otherCompany = `Fabrikam ${short()} GmbH`;
    const other = await api.create('leads', { firstName: 'Otto', lastName: 'Other', company: otherCompany });
    expect((await api.call('PATCH', `/leads/${other.id}`, { assignedPartnerId: organization.id })).status).toBe(200);
    await sections.getByRole('link', { name: 'Leads' }).click();
    await heading('Leads');
    await expect(leadRow.innerText()).resolves.toContain('Accepted, proposal sent');
    await second.getByRole('row').filter({ hasText: otherCompany }).getByRole('link', { name: otherCompany }).click();
    await heading(otherCompany);
    await second.getByRole('button', { name: 'Decline lead' }).click();
    await expect(problemBeside(second.getByLabel('Why you decline'))).resolves.toEqual({
      invalid: 'true',
      sentence: 'Choose why you decline the lead.',
    });
    await expect(second.evaluate(() => document.activeElement?.id)).resolves.toBe('lead-reason');
    await screenshot(second, '49-lead-decline-reason');
    await expectAccessible(second, 'lead decline without a reason');
    await second.getByLabel('Why you decline').selectOption({ label: 'Duplicate of one we have' });
    await second.getByLabel('Note for the vendor (optional)').fill('We already work this account.');
    await second.getByRole('button', { name: 'Decline lead' }).click();
    await heading('Leads');
    await second.getByText(`You declined ${otherCompany}; it is back with the vendor.`).waitFor();
    await expect(second.getByRole('row').filter({ hasText: otherCompany }).count()).resolves.toBe(0);
    await expect(leadRow.count()).resolves.toBe(1);
    await screenshot(second, '50-leads-after-decline');
    const declined = (await api.call('GET', `/leads/${other.id}`)).body;
    expect(declined).not.toHaveProperty('assignedPartnerId');
    expect(declined).toMatchObject({
      partnerDecision: { decision: 'decline', reason: 'duplicate', note: 'We already work this account.' },
    });

    // Another registration, which staff reject: the list gives the vendor's reason.
    const rejectedCompany = `Litware ${short()} Inc`;
    await sections.getByRole('link', { name: 'Deal registrations' }).click();
    await heading('Deal registrations');
    await second.getByRole('link', { name: 'Register a deal' }).click();
    await heading('Register a deal');
    await control('Company').fill(rejectedCompany);
    await control('Contact name').fill('Lars Litware');
    await control('Contact email').fill(`lars@litware-${short()}.example`);
    await control('Estimated value').fill('1250.5');
    await control('Currency').fill('USD');
    await control('Expected close date').fill('2027-09-15');
    await dealForm.getByRole('button', { name: 'Register deal' }).click();
    await heading(rejectedCompany);
    const rejectedId = /#\/deal-registrations\/(deal_[\w-]+)$/.exec(second.url())?.[1];
    const reason = 'Litware already buys from us directly.';
    const rejected = await api.call('PATCH', `/deal-registrations/${rejectedId}`, { status: 'rejected', reason });
    expect(rejected.status).toBe(200);
    await sections.getByRole('link', { name: 'Deal registrations' }).click();
    await heading('Deal registrations');
    const rejectedRow = second.getByRole('row').filter({ hasText: rejectedCompany });
    await expect(rejectedRow.innerText()).resolves.toMatch(/US\$1,250\.50[\s\S]*Rejected: Litware already buys/);
    await expect(dealRow.innerText()).resolves.toContain('Approved, protected until');
    await screenshot(second, '51-deal-registrations-rejected');
    await expectAccessible(second, 'deal registrations with a rejection');
    // Wider, the list is a table again, its amounts lined up on the right.
    await second.setViewportSize({ width: 1024, height: 768 });
    await expect(
      second
        .getByRole('columnheader', { name: 'Estimated value' })
        .evaluate((cell) => getComputedStyle(cell).textAlign),
    ).resolves.toBe('right');
    await screenshot(second, '52-deal-registrations-desktop');
    await expectAccessible(second, 'deal registrations at desktop width');
    expect(browser.pageErrors).toEqual([]);
  });
});
