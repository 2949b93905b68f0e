import { stringify } from 'csv-stringify/sync';
import { waitFor } from '../../infra/local/managed-process';
import { importsClient } from '../support/imports';
import { localStackContext } from '../support/local-stack-context';

/**
 * CSV imports end to end on the local stack: the file goes to the bucket with the presigned URL, the dry run
 * validates every row with the module's schema and reports exactly the bad rows, the commit creates the valid ones
 * through the record service (the access stream invites the portal-enabled people, once each), and the same file
 * imported again changes nothing.
 */
jest.setTimeout(900_000);

const local = localStackContext();
const run = `${Date.now().toString(36)}`;
const header = [
  'Email',
  'firstName',
  'lastName',
  'title',
  'phone',
  'Company',
  'portal.enabled',
  'portal.components',
  'portal.supportStartDate',
  'mailingAddress.city',
];
const mapping = { Email: 'email', Company: 'company' };

/** The kinds of bad row, each with the field the report must name. */
const badKinds: { field: string; make: (good: string[], i: number) => string[] }[] = [
  { field: 'lastName', make: (row) => with_(row, 2, '') },
  { field: 'email', make: (row) => with_(row, 0, 'not-an-email') },
  { field: 'portal.components.0', make: (row) => with_(row, 7, 'boats') },
  { field: 'portal.supportStartDate', make: (row) => with_(row, 8, '2026-02-30') },
  { field: 'portal.enabled', make: (row) => with_(row, 6, 'maybe') },
  { field: 'title', make: (row) => with_(row, 3, 'x'.repeat(101)) },
  { field: 'phone', make: (row) => with_(row, 4, 'call me$') },
  { field: 'email', make: (row) => with_(row, 0, '') },
  { field: '', make: (row) => [...row, 'one cell too many'] },
  // Filled in below: the email of an earlier good row.
  { field: 'email', make: (row) => row },
];

function with_(row: string[], index: number, value: string): string[] {
  const copy = [...row];
  copy[index] = value;
  return copy;
}

const emailOf = (i: number) => `import.${run}.${i}@example.com`;
const portalEvery = 50;

/** 2,000 rows: every 20th bad (10 kinds × 10), every 50th good one portal-enabled. */
function buildFile() {
  const rows: string[][] = [];
  const bad = new Map<number, string>();
  for (let i = 0; i < 2000; i++) {
    const good = [
      emailOf(i),
      `Ada ${i}`,
      `Lovelace ${i}`,
      i % 3 === 0 ? 'Engineer' : '',
      '+44 20 7946 0000',
      'Analytical Engines',
      i % portalEvery === 0 ? 'true' : 'false',
      'tickets;invoices',
      '2026-01-01',
      'London',
    ];
    const fileRow = i + 2;
    if (i % 20 === 19) {
      const kind = badKinds[Math.floor(i / 20) % badKinds.length]!;
      const row = kind === badKinds[badKinds.length - 1] ? with_(good, 0, emailOf(i - 1)) : kind.make(good, i);
      rows.push(row);
      bad.set(fileRow, kind.field);
    } else {
      rows.push(good);
    }
  }
  const portalEmails = rows
    .map((row, i) => ({ row, fileRow: i + 2 }))
    .filter(({ row, fileRow }) => !bad.has(fileRow) && row[6] === 'true')
    .map(({ row }) => row[0]!);
  const csv = stringify([header, ...rows], { record_delimiter: 'windows' });
  return { csv, bad, portalEmails };
}

describe('CSV import of leads', () => {
  const file = buildFile();
  let imports: ReturnType<typeof importsClient>;
  beforeAll(() => {
    imports = importsClient(local.api);
  });

  it('dry run: reports exactly the bad rows, with their fields, and writes nothing', async () => {
    const started = await imports.upload('leads', file.csv, mapping);
    expect(started.status).toBe('awaitingUpload');
    const validated = await imports.dryRun(started.id);
    expect(validated).toMatchObject({
      status: 'validated',
      rows: 2000,
      problems: [],
      dryRun: { rowsRead: 2000, valid: 1900, failed: 100 },
      progress: null,
    });
    const report = await imports.report(validated);
    const reported = new Map(report.map((line) => [Number(line.row), line.field]));
    expect([...reported.keys()].sort((a, b) => a - b)).toEqual([...file.bad.keys()].sort((a, b) => a - b));
    for (const [row, field] of file.bad) expect([row, reported.get(row)]).toEqual([row, field]);
    expect(report.find((line) => line.row === '21')?.reason).toBe('required');
    expect(report.filter((line) => /^repeats the email of row \d+$/.test(line.reason))).toHaveLength(10);
    // Nothing was written by the dry run.
    const lookup = await local.api.call<{ items: unknown[] }>('GET', `/leads?email=${encodeURIComponent(emailOf(0))}`);
    expect(lookup.body.items).toEqual([]);

    // A commit before the dry run finished, or twice, is refused; this one goes ahead.
    const committed = await imports.commit(started.id);
    expect(committed.progress).toMatchObject({ rowsRead: 2000, created: 1900, updated: 0, unchanged: 0, failed: 100 });
    expect((await local.api.call('POST', `/imports/${started.id}/commit`)).status).toBe(409);
    expect((await imports.report(committed)).map((line) => Number(line.row)).sort((a, b) => a - b)).toEqual(
      [...file.bad.keys()].sort((a, b) => a - b),
    );

    // Each portal-enabled person is invited, once.
    const addresses = new Set(file.portalEmails);
    expect(addresses.size).toBe(file.portalEmails.length);
    await waitFor(
      async () => {
        const mails = (await local.mail.all()).filter((mail) => mail.destination.to.some((to) => addresses.has(to)));
        return new Set(mails.flatMap((mail) => mail.destination.to)).size === addresses.size;
      },
      300_000,
      'an invitation to every portal-enabled person',
    );
    const [someone] = file.portalEmails;
    const found = await local.api.call<{ items: { id: string; externalId?: string; company: string }[] }>(
      'GET',
      `/leads?email=${encodeURIComponent(someone!)}`,
    );
    expect(found.body.items).toHaveLength(1);
    expect(found.body.items[0]!.company).toBe('Analytical Engines');
    await waitFor(
      async () =>
        (await local.api.call<{ status: string }>('GET', `/leads/${found.body.items[0]!.id}/portal-access`)).body
          .status === 'invited',
      60_000,
      'the access status',
    );

    // The same file again: nothing new, nobody invited twice.
    const again = await imports.upload('leads', file.csv, mapping);
    expect((await imports.dryRun(again.id)).dryRun).toMatchObject({ valid: 1900, failed: 100 });
    const second = await imports.commit(again.id);
    expect(second.progress).toMatchObject({ rowsRead: 2000, created: 0, updated: 0, unchanged: 1900, failed: 100 });
    const mails = (await local.mail.all()).filter((mail) => mail.destination.to.some((to) => addresses.has(to)));
    expect(mails).toHaveLength(addresses.size);
    const duplicates = await local.api.call<{ items: unknown[] }>(
      'GET',
      `/leads?email=${encodeURIComponent(emailOf(1))}`,
    );
    expect(duplicates.body.items).toHaveLength(1);
  });

  it('a changed row updates its record; an externalId keys organizations', async () => {
    const csv = stringify([
      ['externalId', 'name', 'billingAddress.city', 'partnerStatus'],
      [`ext-${run}-1`, 'Acme', 'Oslo', 'Active'],
      [`ext-${run}-2`, 'Globex', 'Bergen', 'Inactive'],
    ]);
    const first = await imports.upload('partner-organizations', csv);
    await imports.dryRun(first.id);
    expect((await imports.commit(first.id)).progress).toMatchObject({ created: 2, failed: 0 });
    const changed = csv.replace('Bergen', 'Stavanger');
    const second = await imports.upload('partner-organizations', changed);
    await imports.dryRun(second.id);
    expect((await imports.commit(second.id)).progress).toMatchObject({ created: 0, updated: 1, unchanged: 1 });
  });

  it('refuses a file whose header has an unknown column, naming it, and will not commit it', async () => {
    const started = await imports.upload('contacts', 'email,lastName,shoeSize\r\na@example.com,A,42\r\n');
    const refused = await imports.dryRun(started.id);
    expect(refused).toMatchObject({
      status: 'refused',
      problems: [{ column: 'shoeSize', reason: expect.stringContaining('unknown column') }],
    });
    expect((await local.api.call('POST', `/imports/${started.id}/commit`)).status).toBe(409);
  });

  it('reads past a column the mapping ignores (null), and answers 400 for a mapping to something not a field name', async () => {
    const email = `ignored.${run}@example.com`;
    const csv = stringify([
      ['E-mail', 'Surname', 'Notes'],
      [email, 'Lovelace', 'call on Mondays'],
    ]);
    const started = await imports.upload('contacts', csv, { 'E-mail': 'email', Surname: 'lastName', Notes: null });
    expect(await imports.dryRun(started.id)).toMatchObject({
      status: 'validated',
      problems: [],
      dryRun: { rowsRead: 1, valid: 1, failed: 0 },
    });
    expect((await imports.commit(started.id)).progress).toMatchObject({ created: 1, failed: 0 });
    const found = await local.api.call<{ items: Record<string, unknown>[] }>(
      'GET',
      `/contacts?email=${encodeURIComponent(email)}`,
    );
    expect(found.body.items).toEqual([expect.objectContaining({ email, lastName: 'Lovelace' })]);
    expect(JSON.stringify(found.body.items)).not.toContain('call on Mondays');

    const bad = await local.api.call<{ errors?: { path: string }[] }>('POST', '/imports', {
      module: 'contacts',
      fileName: 'x.csv',
      size: 10,
      mapping: { Notes: 'not a field' },
    });
    expect(bad.status).toBe(400);
  });

  it('answers 400 for a module that cannot be imported and 409 for a dry run before the upload', async () => {
    const bad = await local.api.call('POST', '/imports', { module: 'tickets', fileName: 'x.csv', size: 10 });
    expect(bad.status).toBe(400);
    const started = await local.api.call<{ import: { id: string } }>('POST', '/imports', {
      module: 'contacts',
      fileName: 'x.csv',
      size: 10,
    });
    expect(started.status).toBe(201);
    expect((await local.api.call('POST', `/imports/${started.body.import.id}/dry-run`)).status).toBe(409);
    expect((await local.api.call('GET', '/imports/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });
});
