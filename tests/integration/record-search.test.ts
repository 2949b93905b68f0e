import { randomUUID } from 'node:crypto';
import { DeleteItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { LocalOutputs } from '../../infra/outputs';
import { localCredentials, localRegion } from '../../infra/local/local-aws';
import { searchTermKey } from '../../shared/data/keys';
import { findModule, type ModuleDeclaration } from '../../shared/modules/registry';
import { createRecordService } from '../../shared/records/record-service';
import { backfillSearchTerms } from '../../shared/records/search-backfill';
import { normaliseTerm } from '../../shared/records/search-terms';
import { stackOutputs } from '../support/outputs';
import { staffApi, type StaffApi } from '../support/staff-api';

jest.setTimeout(90_000);

/**
 * `GET /<module>?q=`: a prefix of a name or email, any case, accents optional, served by the term items the record
 * writes keep (docs/data-model.md, "Search"): one Query and one BatchGetItem per page, never a Scan.
 */

let outputs: LocalOutputs;
let api: StaffApi;
let dynamo: DynamoDBClient;
const calls: string[] = [];
const moduleNamed = (name: string): ModuleDeclaration => findModule(name)!;

beforeAll(async () => {
  outputs = stackOutputs();
  api = await staffApi(outputs);
  dynamo = new DynamoDBClient({
    endpoint: outputs.DynamoDbEndpoint,
    region: localRegion,
    credentials: localCredentials,
  });
  dynamo.middlewareStack.add(
    (next, context) => async (args) => {
      calls.push(context.commandName!.replace(/Command$/, ''));
      return next(args);
    },
    { step: 'initialize', name: 'countCalls' },
  );
});
afterAll(() => dynamo.destroy());

/** Letters no other test's names start with, so each test searches its own records. */
const uniqueWord = () =>
  'Q' +
  randomUUID()
    .replace(/-/g, '')
    .slice(0, 10)
    .replace(/[0-9]/g, (digit) => 'abcdefghij'[Number(digit)]!);

type Page = { items: { id: string; lastName?: string; name?: string }[]; nextCursor: string | null };

async function search(module: string, q: string, more = ''): Promise<Page> {
  const response = await api.call<Page>('GET', `/${module}?q=${encodeURIComponent(q)}${more}`);
  expect([response.status, q]).toEqual([200, q]);
  return response.body;
}

const idsOf = (page: Page) => page.items.map((item) => item.id);

describe('search by prefix', () => {
  it('finds people by a prefix of the first name, last name, "first last" or email, in any case, accents optional', async () => {
    const word = uniqueWord();
    const zoe = await api.create('contacts', {
      firstName: 'Zoë',
      lastName: `${word}Ångström`,
      email: `${word.toLowerCase()}.zoe@example.com`,
    });
    const other = await api.create('contacts', { firstName: 'Max', lastName: `${word}Berg` });
    await api.create('contacts', { firstName: 'Unrelated', lastName: 'Person' });

    expect(idsOf(await search('contacts', word)).sort()).toEqual([zoe.id, other.id].sort());
    expect(idsOf(await search('contacts', `${word.toUpperCase()}ANGS`))).toEqual([zoe.id]);
    expect(idsOf(await search('contacts', `${word.toLowerCase()}ångs`))).toEqual([zoe.id]);
    expect(idsOf(await search('contacts', `${word}.zoe@EXAMPLE`))).toEqual([zoe.id]);
    // "first last": the first name alone is shared by many records, with the last name it is one.
    const firstLast = await search('contacts', `zoe ${word}`);
    expect(idsOf(firstLast)).toEqual([zoe.id]);
    expect(idsOf(await search('contacts', `${word}Angstrom-nope`))).toEqual([]);
    // A search finds records of its own module only.
    expect(idsOf(await search('leads', word))).toEqual([]);
    // Records come back whole, as the module's list shows them.
    expect(firstLast.items[0]).toMatchObject({ id: zoe.id, firstName: 'Zoë', version: 1 });
  });

  it('finds organizations by name and records by title or subject', async () => {
    const word = uniqueWord();
    const organization = await api.create('organizations', { name: `${word} Industries` });
    const partner = await api.create('partner-organizations', { name: `${word} Partners` });
    const contact = await api.create('contacts', { lastName: 'Ticketholder' });
    const ticket = await api.create('tickets', { title: `${word} printer`, contactId: contact.id });
    const invoice = await api.create('invoices', { subject: 'Anything', invoiceNumber: word, contactId: contact.id });
    expect(idsOf(await search('organizations', `${word} ind`))).toEqual([organization.id]);
    expect(idsOf(await search('partner-organizations', word))).toEqual([partner.id]);
    expect(idsOf(await search('tickets', word))).toEqual([ticket.id]);
    expect(idsOf(await search('invoices', word))).toEqual([invoice.id]);
  });

  it('lists a record matching twice on a page once', async () => {
    const word = uniqueWord();
    // First and last name both start with the word: two term items, one record.
    const twice = await api.create('contacts', { firstName: word, lastName: `${word}son` });
    const page = await search('contacts', word);
    expect(idsOf(page)).toEqual([twice.id]);
  });

  it('pages through every match with the cursor, sorted by the matching text', async () => {
    const word = uniqueWord();
    const names = ['e', 'a', 'd', 'b', 'c'].map((letter) => `${word}${letter}`);
    for (const lastName of names) await api.create('leads', { lastName });
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Page = await search(
        'leads',
        word,
        `&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((item) => item.lastName!));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toEqual([...names].sort());
    expect(pages).toBeGreaterThanOrEqual(3);
  });

  it("refuses another search's cursor, q with a filter, and blank text", async () => {
    const word = uniqueWord();
    for (const letter of ['a', 'b']) await api.create('leads', { lastName: `${word}${letter}` });
    const first = await search('leads', word, '&limit=1');
    expect(first.nextCursor).not.toBeNull();
    const reused = await api.call('GET', `/leads?q=${word}zzz&cursor=${encodeURIComponent(first.nextCursor!)}`);
    expect(reused.status).toBe(400);
    const organization = await api.create('organizations', { name: 'Filter' });
    const both = await api.call('GET', `/contacts?q=${word}&organizationId=${organization.id}`);
    expect(both.status).toBe(400);
    expect((both.body as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(['/q', '/organizationId']);
    const blank = await api.call('GET', '/contacts?q=%20%20');
    expect(blank.status).toBe(400);
  });
});

describe('the term items follow the record', () => {
  it('a rename finds the record by its new name only, and a delete by none', async () => {
    const word = uniqueWord();
    const lead = await api.create('leads', { firstName: 'Ada', lastName: `${word}Byron` });
    const renamed = await api.call('PATCH', `/leads/${lead.id}`, { lastName: `${word}Lovelace` });
    expect(renamed.status).toBe(200);
    expect(idsOf(await search('leads', `${word}Byron`))).toEqual([]);
    expect(idsOf(await search('leads', `${word}Lovelace`))).toEqual([lead.id]);
    expect(idsOf(await search('leads', `Ada ${word}Love`))).toEqual([lead.id]);

    const organization = await api.create('organizations', { name: `${word} Gone` });
    expect((await api.call('DELETE', `/leads/${lead.id}`)).status).toBe(204);
    expect((await api.call('DELETE', `/organizations/${organization.id}`)).status).toBe(204);
    expect(idsOf(await search('leads', word))).toEqual([]);
    expect(idsOf(await search('organizations', word))).toEqual([]);
  });

  it('concurrent renames leave exactly the terms of the name that won', async () => {
    const word = uniqueWord();
    const contact = await api.create('contacts', { lastName: `${word}start` });
    const candidates = ['a', 'b', 'c', 'd', 'e'].map((letter) => `${word}${letter}${letter}`);
    const answers = await Promise.all(
      candidates.map((lastName) => api.call('PATCH', `/contacts/${contact.id}`, { lastName })),
    );
    for (const answer of answers) expect([200, 409]).toContain(answer.status);
    const stored = await api.call<{ lastName: string }>('GET', `/contacts/${contact.id}`);
    const found = await Promise.all([`${word}start`, ...candidates].map((name) => search('contacts', name)));
    const matching = [`${word}start`, ...candidates].filter((_, i) => found[i]!.items.length > 0);
    expect(matching).toEqual([stored.body.lastName]);
  });
});

describe('DynamoDB calls per search page', () => {
  it('is one Query of the term items and one BatchGetItem of the records, never a Scan', async () => {
    const service = createRecordService({ dynamo, tableName: outputs.TableName });
    const word = uniqueWord();
    for (const letter of ['a', 'b', 'c']) {
      await service.create(moduleNamed('contacts'), { firstName: word, lastName: `${word}${letter}` }, 'staff');
    }
    calls.length = 0;
    const first = await service.list(moduleNamed('contacts'), { limit: 4, search: normaliseTerm(word) });
    expect(calls).toEqual(['Query', 'BatchGetItem']);
    expect(first.items.length).toBeGreaterThan(0);
    calls.length = 0;
    await service.list(moduleNamed('contacts'), {
      limit: 4,
      search: normaliseTerm(word),
      ...(first.nextCursor ? { cursor: first.nextCursor } : {}),
    });
    expect(calls).toEqual(['Query', 'BatchGetItem']);
  });

  it('a page with no match is one Query', async () => {
    const service = createRecordService({ dynamo, tableName: outputs.TableName });
    calls.length = 0;
    const page = await service.list(moduleNamed('contacts'), { limit: 4, search: normaliseTerm(uniqueWord()) });
    expect(page).toEqual({ items: [], nextCursor: null });
    expect(calls).toEqual(['Query']);
  });
});

describe('npm run ops:backfill', () => {
  it('writes the terms of records stored without them, and changes nothing when run again', async () => {
    const service = createRecordService({ dynamo, tableName: outputs.TableName });
    const word = uniqueWord();
    const documents = moduleNamed('documents');
    const contact = await service.create(moduleNamed('contacts'), { lastName: 'Owner' }, 'staff');
    const document = await service.create(documents, { title: `${word} manual`, contactId: contact.id }, 'staff');
    // As if it had been stored before search existed.
    await dynamo.send(
      new DeleteItemCommand({
        TableName: outputs.TableName,
        Key: marshall(searchTermKey('documents', normaliseTerm(`${word} manual`), document.id)),
      }),
    );
    expect(idsOf(await search('documents', word))).toEqual([]);
    const report = await backfillSearchTerms({ dynamo, tableName: outputs.TableName }, [documents]);
    expect(report.records).toBeGreaterThanOrEqual(1);
    expect(idsOf(await search('documents', word))).toEqual([document.id]);
    await backfillSearchTerms({ dynamo, tableName: outputs.TableName }, [documents]);
    expect(idsOf(await search('documents', word))).toEqual([document.id]);
  });
});
