import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { waitFor } from '../../infra/local/managed-process';
import type { Page } from 'playwright-core';
import type { LocalOutputs } from '../../infra/outputs';
import { mailbox, temporaryPasswordIn, type MailboxEmail } from '../support/mailbox';
import { stackOutputs } from '../support/outputs';
import { staffApi, type StaffApi } from '../support/staff-api';
import { expectAccessible, launchBrowser, screenshot, type Browser } from './browser';

/**
 * The portal's self-service screens in Chromium against the local stack: the overview → raise a ticket with an
 * attachment → staff reply (through the staff API) → the notification email arrives → its link, opened in a fresh
 * session, lands on the ticket after sign-in → the attachment downloads → reply → the profile → accept a quote →
 * download a document's file; at phone width, then the same screens at desktop width. axe finds nothing serious on
 * any of them.
 */
jest.setTimeout(240_000);

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

/** Presses `button`, and returns the bytes of the download it starts (the presigned URL's object). */
async function downloadOf(page: Page, press: () => Promise<void>): Promise<{ name: string; bytes: Buffer }> {
  const [download] = await Promise.all([page.waitForEvent('download'), press()]);
  const path = await download.path();
  return { name: download.suggestedFilename(), bytes: readFileSync(path) };
}

/** The first link into the portal app in an email's text, as the person would follow it. */
function portalLinkIn(text: string): string {
  const link = text.split(/\s+/).find((word) => word.startsWith(outputs.PortalWebUrl));
  if (!link) throw new Error(`No portal link in: ${text}`);
  return link;
}

/** The message an alert shows once it has one. */
async function alertText(page: Page): Promise<string> {
  const alert = page.locator('[role=alert]').filter({ hasText: /\S/ });
  await alert.waitFor();
  return alert.innerText();
}

const focused = (page: Page) =>
  page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    return element ? `${element.tagName} ${element.id || element.innerText.trim()}` : 'nothing';
  });

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

const card = (page: Page, name: string) => page.getByRole('region', { name });

describe('portal self-service screens', () => {
  it('overview → raise a ticket with an attachment → staff reply → its email → deep link through sign-in → reply → profile → accept a quote → a document’s file', async () => {
    const organization = await api.create('partner-organizations', {
      name: `Jour ${short()}`,
      partnerStatus: 'Active',
    });
    const email = `jo.journey.${short()}@example.com`;
    const person = await api.create('partner-contacts', {
      firstName: 'Jo',
      lastName: `Journey ${short()}`,
      email,
      organizationId: organization.id,
      portal: { enabled: true },
    });
    const quote = await api.create('quotes', {
      organizationId: organization.id,
      contactId: person.id,
      showOnPortal: true,
      subject: `Support renewal ${short()}`,
      status: 'Delivered',
      total: 4200,
      currency: 'EUR',
    });
    // A document shared with the person, its file uploaded by staff through the presigned URL.
    const documentBytes = randomBytes(4096);
    const document = await api.create('documents', {
      title: `Service agreement ${short()}`,
      organizationId: organization.id,
      contactId: person.id,
      showOnPortal: true,
    });
    const documentUpload = await api.call<{ upload: { url: string; method: string; headers: Record<string, string> } }>(
      'POST',
      `/documents/${document.id}/file`,
      { fileName: 'agreement.pdf', contentType: 'application/pdf', size: documentBytes.length },
    );
    expect(documentUpload.status).toBe(201);
    const { upload } = documentUpload.body;
    const stored = await fetch(upload.url, {
      method: upload.method,
      headers: upload.headers,
      body: new Blob([new Uint8Array(documentBytes)]),
    });
    expect(stored.status).toBe(200);
    await waitFor(
      async () => (await api.call('GET', `/documents/${document.id}/file`)).status === 200,
      30_000,
      'the document file uploaded',
    );
    const inbox = mailbox(outputs.SesEndpoint);
    // Notifications of the quote and the document may arrive before the invitation.
    const invitation = await inbox.first(email, (mail) => /Temporary password/.test(mail.body.text), 60_000);
    const password = `Journey#Pass${short()}`;

    const page = await browser.newPage();
    await page.goto(outputs.PortalWebUrl);
    await signIn(page, email, password, temporaryPasswordIn(invitation!));

    // The overview: a card per component, the quote awaiting a decision linked from its card.
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
    await expect(card(page, 'Tickets').innerText()).resolves.toContain('0 in your portal');
    await card(page, 'Quotes')
      .getByRole('link', { name: quote.subject as string })
      .waitFor();
    await expect(card(page, 'Quotes').innerText()).resolves.toContain('Awaiting your decision');
    await screenshot(page, '20-overview');
    await expectAccessible(page, 'overview');

    // Raise a ticket: a missing title is said and focused; then it is raised and shown.
    await card(page, 'Tickets').getByRole('link', { name: 'Raise a ticket' }).click();
    await page.getByRole('heading', { name: 'Raise a ticket' }).waitFor();
    await expectAccessible(page, 'raise a ticket');
    await page.getByRole('button', { name: 'Raise ticket' }).click();
    expect(await alertText(page)).toBe('Give the ticket a title.');
    expect(await focused(page)).toBe('INPUT ticket-title');
    const title = `Export fails ${short()}`;
    await page.getByLabel('Title').fill(title);
    await page.getByLabel('Description').fill('The export stops at 90%.\nIt worked last week.');
    await page.getByLabel('Priority').selectOption('High');
    // A file of a refused type is said before anything is raised.
    const attachField = page.getByLabel('Attach a file (optional)');
    await attachField.setInputFiles({ name: 'page.html', mimeType: 'text/html', buffer: Buffer.from('<p>hi</p>') });
    await page.getByRole('button', { name: 'Raise ticket' }).click();
    expect(await alertText(page)).toMatch(/^“page\.html” is not a type the portal takes\./);
    expect(await focused(page)).toBe('INPUT ticket-attachment');
    const attachmentBytes = Buffer.from(`export log ${short()}\nstep 9 of 10: stopped\n`);
    await attachField.setInputFiles({ name: 'export-log.txt', mimeType: 'text/plain', buffer: attachmentBytes });
    await screenshot(page, '21-raise-ticket');
    await page.getByRole('button', { name: 'Raise ticket' }).click();
    await page.getByRole('heading', { name: title, level: 1 }).waitFor();
    const ticketId = decodeURIComponent(new URL(page.url()).hash.split('/')[2]!);
    const ticket = (await api.call<Json>('GET', `/tickets/${ticketId}`)).body;
    expect(ticket).toMatchObject({ title, priority: 'High', source: 'portal', contactId: person.id });
    await expect(page.locator('.fields dd').filter({ hasText: 'export stops' }).innerText()).resolves.toBe(
      'The export stops at 90%.\nIt worked last week.',
    );
    await page.getByText('No messages yet.').waitFor();
    // The attachment went straight to storage; the list shows it once storage has said it arrived.
    const attachments = page.getByRole('list', { name: 'Attachments' });
    await attachments.getByRole('button', { name: 'Download' }).waitFor();
    expect(await attachments.locator('.file-name').allInnerTexts()).toEqual(['export-log.txt']);
    const staffFiles = (
      await api.call<{ items: { fileName: string; status: string; size: number }[] }>(
        'GET',
        `/tickets/${ticketId}/attachments`,
      )
    ).body.items;
    expect(staffFiles).toMatchObject([
      { fileName: 'export-log.txt', status: 'uploaded', size: attachmentBytes.length },
    ]);
    await screenshot(page, '21b-ticket-with-attachment');
    await expectAccessible(page, 'ticket with an attachment');

    // Staff reply (and write an internal note) through the staff API.
    const staffReply = 'Thanks for the report.\nWe are looking into it.';
    expect((await api.call('POST', `/tickets/${ticketId}/comments`, { body: staffReply })).status).toBe(201);
    expect(
      (await api.call('POST', `/tickets/${ticketId}/comments`, { body: 'Internal: customer is on v2', internal: true }))
        .status,
    ).toBe(201);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You have signed out.').waitFor();
    await page.close();

    // The staff reply's email (sent from the stream, never for the internal note) links straight to the ticket.
    let notification: MailboxEmail | undefined;
    await waitFor(
      async () => Boolean((notification = (await inbox.to(email)).find((mail) => mail.subject.includes(title)))),
      60_000,
      'the staff reply notification',
    );
    expect(notification!.subject).toContain('new reply on your ticket');
    expect(notification!.body.text).toContain('We are looking into it.');
    expect(notification!.body.text).not.toContain('Internal: customer is on v2');
    const deepLink = portalLinkIn(notification!.body.text);
    expect(deepLink).toBe(`${outputs.PortalWebUrl}#/tickets/${encodeURIComponent(ticketId)}`);

    // Its link, opened in a fresh session, lands on the ticket once signed in.
    const fresh = await browser.newPage();
    await fresh.goto(deepLink);
    await signIn(fresh, email, password);
    await fresh.getByRole('heading', { name: title, level: 1 }).waitFor();
    expect(fresh.url()).toBe(deepLink);
    // The staff reply, line breaks kept; never the internal note.
    const messages = fresh.locator('.comments .comment-body');
    await messages.first().waitFor();
    expect(await messages.allInnerTexts()).toEqual([staffReply]);
    expect(await fresh.getByText('Internal: customer is on v2').count()).toBe(0);
    await screenshot(fresh, '22-ticket-conversation');
    await expectAccessible(fresh, 'ticket conversation');
    // The attachment downloads byte for byte, from a URL the API hands out only now.
    const attachmentDownload = await downloadOf(fresh, () =>
      fresh.getByRole('list', { name: 'Attachments' }).getByRole('button', { name: 'Download' }).click(),
    );
    expect(attachmentDownload).toEqual({ name: 'export-log.txt', bytes: attachmentBytes });

    // Reply: newest last, and staff see it.
    await fresh.getByLabel('Your reply').fill('Great, thank you.\nIt is urgent for us.');
    await fresh.getByRole('button', { name: 'Send reply' }).click();
    await fresh.getByText('Your reply is sent.').waitFor();
    expect(await messages.allInnerTexts()).toEqual([staffReply, 'Great, thank you.\nIt is urgent for us.']);
    const staffSide = (
      await api.call<{ items: { body: string; internal: boolean }[] }>('GET', `/tickets/${ticketId}/comments`)
    ).body.items;
    expect(staffSide.map((comment) => comment.body)).toEqual([
      staffReply,
      'Internal: customer is on v2',
      'Great, thank you.\nIt is urgent for us.',
    ]);

    // Beyond the daily limit the API answers 429 with Retry-After; the form says so in a sentence, with when.
    await fresh.route('**/portal/tickets', (route) =>
      route.request().method() === 'POST'
        ? route.fulfill({
            status: 429,
            // As the API answers it (the contract check holds this stand-in to the document too).
            headers: {
              'content-type': 'application/problem+json',
              'retry-after': '3600',
              'x-correlation-id': 'e2e-ticket-limit',
            },
            body: JSON.stringify({
              type: '/problems/too-many-requests',
              correlationId: 'e2e-ticket-limit',
              status: 429,
              title: 'Too Many Requests',
              detail: 'You have raised today’s tickets.',
            }),
          })
        : route.fallback(),
    );
    await fresh.goto(`${outputs.PortalWebUrl}#/tickets/new`);
    await fresh.getByLabel('Title').fill('One too many');
    await fresh.getByRole('button', { name: 'Raise ticket' }).click();
    expect(await alertText(fresh)).toMatch(/^You have raised today’s tickets\. You can try again .+\.$/);
    await fresh.unroute('**/portal/tickets');

    // The profile: phone and mailing address are the person's to change; the CRM record changes.
    await fresh.getByRole('link', { name: 'Profile', exact: true }).click();
    await fresh.getByRole('heading', { name: 'Your profile' }).waitFor();
    await expectAccessible(fresh, 'profile');
    await fresh.getByLabel('Phone').fill('+44 20 7946 0000');
    await fresh.getByLabel('Street').fill('1 Main Street\nUnit 4');
    await fresh.getByLabel('City').fill('Leeds');
    await fresh.getByRole('button', { name: 'Save changes' }).click();
    await fresh.getByText('Your details are saved.').waitFor();
    await screenshot(fresh, '23-profile');
    expect(await fresh.getByLabel('Phone').inputValue()).toBe('+44 20 7946 0000');
    const saved = (await api.call<Json>('GET', `/partner-contacts/${person.id}`)).body;
    expect(saved).toMatchObject({
      phone: '+44 20 7946 0000',
      mailingAddress: { street: '1 Main Street\nUnit 4', city: 'Leeds' },
    });

    // Accept the quote from the overview's link, with a reason; the page then says what was decided.
    await fresh.getByRole('navigation', { name: 'Portal sections' }).getByRole('link', { name: 'Overview' }).click();
    await fresh.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
    // The ticket awaits staff now, not the person.
    await expect(card(fresh, 'Tickets').innerText()).resolves.toContain('Nothing needs you here.');
    await card(fresh, 'Quotes')
      .getByRole('link', { name: quote.subject as string })
      .click();
    await fresh.getByRole('heading', { name: quote.subject as string, level: 1 }).waitFor();
    const deciding = fresh.getByRole('region', { name: 'Accept or decline this quote' });
    await expectAccessible(fresh, 'quote');
    await deciding.getByLabel('Reason (optional)').fill('Fits our budget.');
    await deciding.getByRole('button', { name: 'Accept quote' }).click();
    await fresh.getByText('Accepted. Thank you').waitFor();
    await expect(fresh.getByRole('region', { name: 'Your decision' }).innerText()).resolves.toContain(
      'You accepted this quote on',
    );
    await screenshot(fresh, '24-quote-accepted');
    const decided = (await api.call<Json>('GET', `/quotes/${quote.id}`)).body;
    expect(decided.decision).toMatchObject({ decision: 'accept', reason: 'Fits our budget.' });

    // The document's file, downloaded from its page, is the bytes staff uploaded.
    await fresh.goto(`${outputs.PortalWebUrl}#/documents/${encodeURIComponent(document.id as string)}`);
    await fresh.getByRole('heading', { name: document.title as string, level: 1 }).waitFor();
    await expectAccessible(fresh, 'document');
    await screenshot(fresh, '24b-document');
    const documentDownload = await downloadOf(fresh, () =>
      fresh.getByRole('button', { name: 'Download the file' }).click(),
    );
    expect(documentDownload).toEqual({ name: 'agreement.pdf', bytes: documentBytes });

    // The same screens at desktop width.
    await fresh.setViewportSize({ width: 1280, height: 800 });
    for (const [hash, heading, name] of [
      ['#/', 'Overview', '25-desktop-overview'],
      [`#/tickets/${encodeURIComponent(ticketId)}`, title, '26-desktop-ticket'],
      ['#/profile', 'Your profile', '27-desktop-profile'],
      [`#/documents/${encodeURIComponent(document.id as string)}`, document.title as string, '28-desktop-document'],
    ] as const) {
      await fresh.goto(`${outputs.PortalWebUrl}${hash}`);
      await fresh.getByRole('heading', { name: heading, level: 1 }).waitFor();
      if (hash.startsWith('#/tickets/')) {
        await fresh.locator('.comments .comment-body').first().waitFor();
        await fresh.getByRole('list', { name: 'Attachments' }).getByRole('button', { name: 'Download' }).waitFor();
      }
      await screenshot(fresh, name);
      await expectAccessible(fresh, `desktop ${heading}`);
    }
    expect(browser.pageErrors).toEqual([]);
    await fresh.close();
  });
});
