import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { Page } from 'playwright-core';
import type { LocalOutputs } from '../../infra/outputs';
import { aboutDuration } from '../../console/src/format';
import { mailbox } from '../support/mailbox';
import { stackOutputs } from '../support/outputs';
import { staffApi, type StaffApi } from '../support/staff-api';
import { expectAccessible, launchBrowser, screenshot, type Browser } from './browser';

/**
 * The console's import screen in Debian's Chromium against the local stack, at tablet width, as staff use it: a
 * 20-row CSV of contacts with three bad rows of different kinds, a header the screen cannot guess (Surname) and one
 * to ignore (Notes), some people portal-enabled. The dry run names exactly the bad rows; the commit's progress bar
 * reaches the end; the counts and the error report agree; the same file again creates nothing. Then the provisioning
 * backlog screen, against GET /provisioning/backlog. axe on every screen; a screenshot of each.
 */
jest.setTimeout(300_000);

let outputs: LocalOutputs;
let api: StaffApi;
let browser: Browser;
let page: Page;

const run = randomUUID().slice(0, 8);
const emailOf = (i: number) => `import.ui.${run}.${i}@example.com`;

/** Rows 2–21 of the file (row 1 is the header); these three are bad, each in its own way. */
const badRows = new Map<number, { field: string; reason: string }>([
  [6, { field: 'Email', reason: 'must be an email address' }],
  [11, { field: 'Customer portal information: Portal user', reason: 'must be true or false' }],
  [16, { field: 'Last name', reason: 'required' }],
]);
const portalRows = new Set([3, 8, 13]);

function buildFile(): string {
  const header = ['email', 'firstName', 'Surname', 'portal.enabled', 'portal.components', 'Notes'];
  const rows = Array.from({ length: 20 }, (_, i) => {
    const row = i + 2;
    return [
      row === 6 ? `not-an-email-${run}` : emailOf(row),
      `Grace ${row}`,
      row === 16 ? '' : `Hopper${run}`,
      row === 11 ? 'maybe' : portalRows.has(row) ? 'yes' : 'no',
      'tickets;invoices',
      `met at the fair, table ${row}`,
    ];
  });
  return stringify([header, ...rows]);
}
const file = buildFile();

beforeAll(async () => {
  outputs = stackOutputs();
  api = await staffApi(outputs);
  browser = await launchBrowser();
  page = await browser.newPage();
  // The console is desktop-first and must stay usable on a tablet: the import runs at the narrower width.
  await page.setViewportSize({ width: 768, height: 1024 });
});
afterAll(() => browser?.close());

async function screen(name: string) {
  await expectAccessible(page, name);
  await screenshot(page, `console-import-${name}`);
}

const heading = (level: number, name: string | RegExp) => page.getByRole('heading', { level, name });
const nav = () => page.getByRole('navigation', { name: 'Modules' });
const stage = () => page.locator('#import-stage');

async function signIn() {
  await page.goto(outputs.StaffWebUrl);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel('Email or username').fill(outputs.StaffUsername);
  await page.getByLabel('Password').fill(outputs.StaffPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await nav().waitFor();
}

/** The rows of a table on the import screen: its cells' text, row by row. */
const tableRows = (caption: string) =>
  page
    .getByRole('table', { name: caption })
    .locator('tbody tr')
    .evaluateAll((rows) => rows.map((row) => Array.from(row.children).map((cell) => (cell as HTMLElement).innerText)));

async function chooseFile() {
  await nav().getByRole('link', { name: 'Import' }).click();
  await heading(1, 'Import').waitFor();
  await page.getByLabel('What the file holds').selectOption('contacts');
  await page.getByLabel('CSV file').setInputFiles({
    name: `contacts-${run}.csv`,
    mimeType: 'text/csv',
    buffer: Buffer.from(file, 'utf8'),
  });
  await heading(2, 'Match the columns').waitFor();
}

/** Uploads the file and waits for the dry run's report. */
async function dryRun(): Promise<void> {
  await page.getByRole('button', { name: 'Upload and check the rows' }).click();
  await heading(2, 'Dry run').waitFor({ timeout: 120_000 });
}

/** Commits, watches the progress bar reach its end, and answers the counts the screen shows. */
async function commit(expectedButton: string): Promise<Record<string, string>> {
  await page.getByRole('button', { name: expectedButton }).click();
  const bar = page.getByRole('progressbar', { name: 'Import progress' });
  await bar.waitFor();
  await heading(2, 'Import finished').waitFor({ timeout: 180_000 });
  await page.waitForFunction(() => {
    const progress = document.querySelector('progress#import-progress') as HTMLProgressElement | null;
    return progress !== null && progress.max === 20 && progress.value === 20;
  });
  const counts = await page
    .locator('#import-counts')
    .evaluate((list) =>
      Object.fromEntries(
        Array.from(list.querySelectorAll('dt')).map((term) => [term.textContent, term.nextElementSibling?.textContent]),
      ),
    );
  return counts as Record<string, string>;
}

describe('staff console: CSV import', () => {
  it('reads the header and guesses the fields it names; a column it cannot guess must be chosen or ignored', async () => {
    await signIn();
    await chooseFile();
    await expect(page.getByText(`“contacts-${run}.csv” has 6 columns.`).isVisible()).resolves.toBe(true);
    const field = (column: string) => page.getByLabel(`Field for the column ${column}`, { exact: true });
    await expect(field('email').inputValue()).resolves.toBe('email');
    await expect(field('portal.enabled').inputValue()).resolves.toBe('portal.enabled');
    await expect(field('portal.components').inputValue()).resolves.toBe('portal.components');
    await expect(field('Surname').inputValue()).resolves.toBe('');
    await expect(field('Notes').inputValue()).resolves.toBe('');
    await screen('01-mapping');

    // Not ready: the screen says which columns still need a choice, and sends nothing.
    await page.getByRole('button', { name: 'Upload and check the rows' }).click();
    const refusal = stage().getByRole('alert');
    await expect(refusal.innerText()).resolves.toContain('Choose a field for the column “Surname”, or ignore it.');
    await expect(refusal.innerText()).resolves.toContain('Choose a field for the column “Notes”, or ignore it.');
    await screen('02-mapping-refused');

    await field('Surname').selectOption('lastName');
    await field('Notes').selectOption({ label: 'Ignore this column' });
  });

  it('dry run: names exactly the three bad rows, with their fields and reasons, and writes nothing', async () => {
    await dryRun();
    await expect(stage().locator('.message').first().innerText()).resolves.toBe(
      '20 rows read: 17 can be imported, 3 cannot.',
    );
    const rows = await tableRows('Rows that cannot be imported');
    expect(rows).toEqual([...badRows].map(([row, { field, reason }]) => [String(row), field, reason]));
    await screen('03-dry-run');
    // Nothing written yet.
    const lookup = await api.call<{ items: unknown[] }>('GET', `/contacts?email=${encodeURIComponent(emailOf(2))}`);
    expect(lookup.body.items).toEqual([]);
  });

  it('commit: the progress bar reaches the end; the counts and the downloaded error report agree', async () => {
    const counts = await commit('Import 17 rows');
    expect(counts).toEqual({ Created: '17', Updated: '0', Unchanged: '0', Failed: '3' });
    await expect(page.getByRole('status').filter({ hasText: 'All 20 rows done.' }).isVisible()).resolves.toBe(true);
    await expect(tableRows('Rows that were not imported')).resolves.toEqual(
      [...badRows].map(([row, { field, reason }]) => [String(row), field, reason]),
    );
    await screen('04-finished');

    const href = await page.getByRole('link', { name: 'Download the error report (CSV)' }).getAttribute('href');
    const download = await fetch(href!);
    expect(download.ok).toBe(true);
    const report = parse(await download.text(), { columns: true }) as { row: string; field: string }[];
    expect(report.map((line) => [Number(line.row), line.field])).toEqual([
      [6, 'email'],
      [11, 'portal.enabled'],
      [16, 'lastName'],
    ]);

    // The rows are there, once each, the mapped column filled and the ignored one nowhere.
    const found = await api.call<{ items: Record<string, unknown>[] }>(
      'GET',
      `/contacts?email=${encodeURIComponent(emailOf(3))}`,
    );
    expect(found.body.items).toEqual([
      expect.objectContaining({ lastName: `Hopper${run}`, portal: expect.objectContaining({ enabled: true }) }),
    ]);
    expect(JSON.stringify(found.body.items)).not.toContain('met at the fair');
  });

  it('the same file again creates nothing new', async () => {
    await page.getByRole('link', { name: 'Import another file' }).click();
    await heading(1, 'Import').waitFor();
    await chooseFile();
    await page.getByLabel('Field for the column Surname').selectOption('lastName');
    await page.getByLabel('Field for the column Notes').selectOption({ label: 'Ignore this column' });
    await dryRun();
    const counts = await commit('Import 17 rows');
    expect(counts).toEqual({ Created: '0', Updated: '0', Unchanged: '17', Failed: '3' });
    for (const row of [2, 3, 21]) {
      const found = await api.call<{ items: unknown[] }>('GET', `/contacts?email=${encodeURIComponent(emailOf(row))}`);
      expect([row, found.body.items.length]).toEqual([row, 1]);
    }
    // Each portal-enabled person was invited by the first import, and nobody again by the second.
    const mail = mailbox(outputs.SesEndpoint);
    for (const row of portalRows) await mail.waitFor(emailOf(row), 1, 120_000);
    for (const row of portalRows) expect([row, (await mail.to(emailOf(row))).length]).toEqual([row, 1]);
  });

  it('the provisioning backlog shows what GET /provisioning/backlog says', async () => {
    interface Backlog {
      pending: number;
      exact: boolean;
      rates: Record<string, number | null>;
      bindingQuota: string | null;
      estimatedDrainSeconds: number | null;
    }
    const before = (await api.call<Backlog>('GET', '/provisioning/backlog')).body;
    await nav().getByRole('link', { name: 'Provisioning backlog' }).click();
    await heading(1, 'Provisioning backlog').waitFor();
    await page
      .getByRole('status')
      .filter({ hasText: /^Counted at/ })
      .waitFor();
    const after = (await api.call<Backlog>('GET', '/provisioning/backlog')).body;
    const shown = await page
      .locator('#backlog-figures')
      .evaluate((list) =>
        Object.fromEntries(
          Array.from(list.querySelectorAll('dt')).map((term) => [
            term.textContent,
            term.nextElementSibling?.textContent,
          ]),
        ),
      );
    const perSecond = (rate: number | null | undefined) =>
      rate == null ? 'Unlimited' : `${rate.toLocaleString('en-GB', { maximumFractionDigits: 2 })} per second`;
    expect(shown['Logins created (Cognito)']).toBe(perSecond(after.rates.cognitoCreate));
    expect(shown['Logins updated (Cognito)']).toBe(perSecond(after.rates.cognitoUpdate));
    expect(shown['Emails sent (SES)']).toBe(perSecond(after.rates.sesSend));
    expect(shown['Paced by']).toBe(
      { cognitoCreate: 'Logins created (Cognito)', sesSend: 'Emails sent (SES)' }[after.bindingQuota ?? ''] ??
        'Nothing: no quota binds',
    );
    // Other tests share the stack, so the count may move between the two reads: the screen shows one of them.
    const words = (backlog: Backlog) => ({
      waiting: `${backlog.exact ? '' : 'at least '}${backlog.pending.toLocaleString('en-GB')} ${backlog.pending === 1 ? 'person' : 'people'}`,
      drain:
        backlog.pending === 0
          ? 'Nobody is waiting'
          : backlog.estimatedDrainSeconds === null
            ? 'No quota limits it'
            : aboutDuration(backlog.estimatedDrainSeconds),
    });
    expect([words(before), words(after)]).toContainEqual({
      waiting: shown['Waiting for a login and invitation'],
      drain: shown['Time to work through it'],
    });
    await screen('05-backlog');

    // Refreshed on demand: the button counts again and keeps the focus.
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /^Counted at/ })
      .waitFor();
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Refresh');
  });
});
