import type { Page } from 'playwright-core';
import type { LocalOutputs } from '../../infra/outputs';
import { activeContact, strongPassword } from '../support/active-person';
import { mailbox } from '../support/mailbox';
import { stackOutputs } from '../support/outputs';
import { portalUsers } from '../support/portal-users';
import { staffApi, type StaffApi } from '../support/staff-api';
import { expectAccessible, launchBrowser, screenshot, type Browser } from './browser';

/**
 * A forgotten password in Debian's Chromium, as a person meets it: the portal's Sign in → the hosted login's
 * "Forgot your password?" → a code in the local mailbox → a new password under the pool's policy → signed in to the
 * portal. Also the way back after staff reset the password.
 */
jest.setTimeout(180_000);

let outputs: LocalOutputs;
let api: StaffApi;
let users: ReturnType<typeof portalUsers>;
let mail: ReturnType<typeof mailbox>;
let browser: Browser;

beforeAll(async () => {
  outputs = stackOutputs();
  api = await staffApi(outputs);
  users = portalUsers(outputs);
  mail = mailbox(outputs.SesEndpoint);
  browser = await launchBrowser();
});
afterAll(async () => {
  users.close();
  await browser?.close();
});

/** The newest code email to `email`, read in the local mailbox's own web page; returns the code in it. */
async function codeFromMailbox(page: Page, email: string, count: number): Promise<string> {
  await mail.waitFor(email, count);
  await page.goto(outputs.MailboxUrl);
  const card = page
    .locator('.email')
    .filter({ hasText: email })
    .filter({ hasText: 'Your Portico portal code' })
    .first();
  await card.getByRole('button', { name: 'Toggle HTML view' }).click();
  return card.frameLocator('iframe').locator('strong').innerText();
}

async function toHostedLogin(page: Page) {
  await page.goto(outputs.PortalWebUrl);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel('Email or username').waitFor();
}

describe('forgot password in the hosted login', () => {
  it('a code by email, a new password under the policy, then signed in to the portal with it', async () => {
    const { email, username, password } = await activeContact(api, mail, users);
    const page = await browser.newPage();
    await toHostedLogin(page);
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByRole('heading', { name: 'Reset your password' }).waitFor();
    await expectAccessible(page, 'reset request');
    await page.getByLabel('Email or username').fill(username);
    await screenshot(page, 'forgot-01-request');
    await page.getByRole('button', { name: 'Send code' }).click();
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await expectAccessible(page, 'reset code');
    const resetUrl = page.url();

    const mailPage = await browser.newPage();
    const code = await codeFromMailbox(mailPage, email, 2);
    expect(code).toMatch(/^\d{6}$/);
    await mailPage.close();

    // The policy first: the page says what is missing and keeps the code form.
    const chosen = strongPassword();
    await page.getByLabel('Code from the email').fill(code);
    await page.getByLabel('New password', { exact: true }).fill('tooshort');
    await page.getByLabel('New password again').fill('tooshort');
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect(page.getByRole('alert').innerText()).resolves.toContain('at least 12 characters');
    await screenshot(page, 'forgot-02-code');
    // A wrong code changes nothing.
    await page.getByLabel('Code from the email').fill(code === '000000' ? '111111' : '000000');
    await page.getByLabel('New password', { exact: true }).fill(chosen);
    await page.getByLabel('New password again').fill(chosen);
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect(page.getByRole('alert').innerText()).resolves.toContain('code is not right');
    expect((await users.signIn(username, password)).AuthenticationResult).toBeDefined();

    await page.getByLabel('Code from the email').fill(code);
    await page.getByLabel('New password', { exact: true }).fill(chosen);
    await page.getByLabel('New password again').fill(chosen);
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect(page.getByRole('status').innerText()).resolves.toContain('Your password has been changed');
    await expectAccessible(page, 'password changed');
    await screenshot(page, 'forgot-03-changed');
    expect(new URL(resetUrl).origin).toBe(new URL(page.url()).origin);

    await page.getByLabel('Email or username').fill(email);
    await page.getByLabel('Password').fill(chosen);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Portal sections' }).waitFor();
    expect(page.url().startsWith(outputs.PortalWebUrl)).toBe(true);
    await screenshot(page, 'forgot-04-portal');
    // The old password is gone.
    await expect(users.signIn(username, password)).rejects.toThrow();
    expect(browser.pageErrors).toEqual([]);
    await page.close();
  });

  it('after staff reset the password, signing in asks for the emailed code and a new password', async () => {
    const { person, email, password } = await activeContact(api, mail, users);
    expect((await api.call('POST', `/contacts/${person.id}/portal-access/password-reset`)).status).toBe(202);
    const page = await browser.newPage();
    await toHostedLogin(page);
    await page.getByLabel('Email or username').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Your password was reset').waitFor();
    await expectAccessible(page, 'reset required');
    await screenshot(page, 'forgot-05-reset-required');

    const mailPage = await browser.newPage();
    const code = await codeFromMailbox(mailPage, email, 2);
    await mailPage.close();
    const chosen = strongPassword();
    await page.getByLabel('Code from the email').fill(code);
    await page.getByLabel('New password', { exact: true }).fill(chosen);
    await page.getByLabel('New password again').fill(chosen);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('status').waitFor();
    await page.getByLabel('Password').fill(chosen);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Portal sections' }).waitFor();
    expect(browser.pageErrors).toEqual([]);
    await page.close();
  });
});
