import { findModule } from '../../shared/modules/registry';
import { cellKindAt, planHeader, readRow, rowKeyOf } from '../../shared/imports/import-columns';

const contacts = findModule('contacts')!;
const organizations = findModule('partner-organizations')!;

describe('import columns', () => {
  it('types each dotted field from the module schema', () => {
    expect(cellKindAt(contacts, ['portal', 'enabled'])).toBe('boolean');
    expect(cellKindAt(contacts, ['portal', 'components'])).toBe('list');
    expect(cellKindAt(contacts, ['mailingAddress', 'city'])).toBe('string');
    expect(cellKindAt(contacts, ['portal'])).toBeUndefined();
    expect(cellKindAt(contacts, ['nickname'])).toBeUndefined();
  });

  it('refuses unknown, repeated and unimportable columns, and names the key', () => {
    const plan = planHeader(contacts, ['email', 'lastName', 'Nick', 'Surname', 'portal.pin'], { Surname: 'lastName' });
    expect(plan.problems).toEqual([
      { column: 'Nick', reason: expect.stringContaining('unknown column') },
      { column: 'Surname', reason: 'names the same field (lastName) as the column lastName' },
      { column: 'portal.pin', reason: 'portal.pin cannot be imported' },
    ]);
    expect(plan.keyKind).toBe('email');
    expect(planHeader(contacts, ['externalId', 'lastName']).keyKind).toBe('externalId');
    expect(planHeader(organizations, ['name']).problems).toEqual([
      { column: 'externalId', reason: expect.stringContaining('an externalId column is needed') },
    ]);
  });

  it('reads a row through a mapping into nested, typed fields validated by the schema', () => {
    const plan = planHeader(
      contacts,
      ['E-mail', 'lastName', 'portal.enabled', 'portal.components', 'mailingAddress.city', 'title'],
      {
        'E-mail': 'email',
      },
    );
    expect(plan.problems).toEqual([]);
    const row = readRow(contacts, plan, [' Ada@Example.COM ', 'Lovelace', 'yes', 'tickets; invoices', 'London', ''], 2);
    expect(row).toEqual({
      ok: true,
      key: 'ada@example.com',
      fields: {
        email: 'ada@example.com',
        lastName: 'Lovelace',
        portal: { enabled: true, components: ['tickets', 'invoices'] },
        mailingAddress: { city: 'London' },
      },
    });
    expect(rowKeyOf(plan, [' Ada@Example.COM ', 'x', '', '', '', ''])).toBe('ada@example.com');
  });

  it('reports each bad cell with its row, field and reason', () => {
    const plan = planHeader(contacts, [
      'email',
      'lastName',
      'portal.enabled',
      'portal.supportStartDate',
      'portal.components',
    ]);
    const bad = (cells: string[]) => {
      const row = readRow(contacts, plan, cells, 7);
      return row.ok ? [] : row.errors;
    };
    expect(bad(['a@b.co', '', 'true', '', ''])).toEqual([{ row: 7, field: 'lastName', reason: 'required' }]);
    expect(bad(['not-an-email', 'X', '', '', ''])).toEqual([
      { row: 7, field: 'email', reason: 'must be an email address' },
    ]);
    expect(bad(['a@b.co', 'X', 'maybe', '', ''])).toEqual([
      { row: 7, field: 'portal.enabled', reason: 'must be true or false' },
    ]);
    expect(bad(['a@b.co', 'X', '', '2026-13-01', ''])).toEqual([
      { row: 7, field: 'portal.supportStartDate', reason: 'must be a date as YYYY-MM-DD' },
    ]);
    expect(bad(['a@b.co', 'X', '', '', 'tickets;boats'])).toEqual([
      { row: 7, field: 'portal.components.1', reason: expect.stringContaining('must be one of') },
    ]);
    expect(bad(['', 'X', '', '', ''])).toEqual([
      { row: 7, field: 'email', reason: expect.stringContaining('required') },
    ]);
    expect(bad(['a@b.co', 'X'])).toEqual([
      { row: 7, field: '', reason: 'has 2 values where the header has 5 columns' },
    ]);
  });

  it('keeps the externalId apart from the fields', () => {
    const plan = planHeader(organizations, ['externalId', 'name', 'billingAddress.city']);
    expect(readRow(organizations, plan, ['crm-1', 'Acme', 'Oslo'], 2)).toEqual({
      ok: true,
      key: 'crm-1',
      externalId: 'crm-1',
      fields: { name: 'Acme', billingAddress: { city: 'Oslo' } },
    });
    const missing = readRow(organizations, plan, ['', 'Acme', ''], 3);
    expect(missing.ok ? [] : missing.errors).toEqual([
      { row: 3, field: 'externalId', reason: expect.stringContaining('required') },
    ]);
  });

  it('reads past a column the mapping ignores: it sets nothing, yet counts towards the row width', () => {
    const plan = planHeader(contacts, ['Notes', 'email', 'Surname'], { Notes: null, Surname: 'lastName' });
    expect(plan.problems).toEqual([]);
    expect(plan.columns.map((column) => column.field)).toEqual(['email', 'lastName']);
    expect(readRow(contacts, plan, ['call on Mondays', 'ada@example.com', 'Lovelace'], 2)).toEqual({
      ok: true,
      key: 'ada@example.com',
      fields: { email: 'ada@example.com', lastName: 'Lovelace' },
    });
    const short = readRow(contacts, plan, ['ada@example.com', 'Lovelace'], 3);
    expect(short.ok ? [] : short.errors).toEqual([
      { row: 3, field: '', reason: 'has 2 values where the header has 3 columns' },
    ]);
    // Ignoring the key column leaves the file without one: refused as a whole, as if it were missing.
    expect(planHeader(contacts, ['email', 'lastName'], { email: null }).problems).toEqual([
      { column: 'email', reason: expect.stringContaining('an email or externalId column is needed') },
    ]);
    expect(planHeader(contacts, ['email'], { Notes: null }).problems).toEqual([
      { column: 'Notes', reason: 'the mapping names a column the file does not have' },
    ]);
  });
});
