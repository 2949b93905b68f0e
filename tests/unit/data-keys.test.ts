import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  accessKey,
  claimKey,
  indexAttributes,
  historyKey,
  itemCatalog,
  pinAttemptsKey,
  recordKey,
  type CatalogEntry,
} from '../../shared/data/keys';
import { tableDesign } from '../../shared/data/table-design';
import { findModule, type ModuleDeclaration } from '../../shared/modules/registry';
import { repoRoot } from './support/import-graph';
import { catalogItemsTable, markdownTable, toMarkdown } from './support/items-table';

const moduleNamed = (name: string): ModuleDeclaration => findModule(name)!;
const dataModel = () => readFileSync(join(repoRoot, 'docs/data-model.md'), 'utf8');
const { partitionKey: pk, sortKey: sk } = tableDesign;

describe('the key catalog', () => {
  it('is what docs/data-model.md shows in its items table', () => {
    const expected = catalogItemsTable();
    const shown = markdownTable(dataModel(), 'Items');
    if (JSON.stringify(shown) !== JSON.stringify(expected)) {
      // The message carries the table the doc should hold, ready to paste (Prettier aligns it).
      throw new Error(
        `docs/data-model.md's items table disagrees with shared/data/keys.ts:\n\n${toMarkdown(expected)}`,
      );
    }
    expect(shown).toEqual(expected);
  });

  it('catches a doc row that disagrees with the catalog', () => {
    const catalog: CatalogEntry[] = itemCatalog().map((entry) =>
      entry.item === 'wrong-PIN attempts' ? { ...entry, keys: { ...entry.keys, [sk]: 'PIN_TRIES' } } : entry,
    );
    expect(catalogItemsTable(catalog)).not.toEqual(markdownTable(dataModel(), 'Items'));
  });

  it('gives every item type a partition and a sort key', () => {
    for (const entry of itemCatalog()) {
      expect({ item: entry.item, pk: typeof entry.keys[pk], sk: typeof entry.keys[sk] }).toEqual({
        item: entry.item,
        pk: 'string',
        sk: 'string',
      });
    }
  });

  it("keeps the items of a person's partition apart by sort key", () => {
    const person = 'pcon_00000000-0000-4000-8000-000000000000';
    const sortKeys = [recordKey(person), accessKey(person), pinAttemptsKey(person), historyKey(person, 'now')].map(
      (key) => key[sk],
    );
    expect(new Set(sortKeys).size).toBe(sortKeys.length);
    for (const key of [accessKey(person), pinAttemptsKey(person), historyKey(person, 'now')]) {
      expect(key[pk]).toBe(recordKey(person)[pk]);
    }
  });

  it('claims an email or username whatever its case, and no record id can look like a claim', () => {
    expect(claimKey('email', 'Ada@Example.com')).toEqual(claimKey('email', 'ada@example.com'));
    expect(claimKey('email', 'x')[pk]).not.toBe(claimKey('username', 'x')[pk]);
    expect(claimKey('email', 'x')[sk]).not.toBe(recordKey('x')[sk]);
  });

  it('orders two history entries of the same instant apart', () => {
    expect(historyKey('p', '2026-12-02T00:00:00.000Z')[sk]).not.toBe(historyKey('p', '2026-12-02T00:00:00.000Z')[sk]);
    const [earlier, later] = ['2026-12-02T00:00:00.000Z', '2026-12-02T00:00:01.000Z'].map(
      (at) => historyKey('p', at)[sk]!,
    );
    expect([later, earlier].sort()).toEqual([earlier, later]);
  });
});

describe('keys and index attributes', () => {
  const createdAt = '2025-03-04T05:06:07.089Z';

  it('a person with an email is listed by type and found by email', () => {
    const id = 'con_00000000-0000-4000-8000-000000000001';
    expect(indexAttributes(moduleNamed('contacts'), { id, createdAt, email: 'jane@example.com' })).toEqual({
      gsi1pk: 'contacts',
      gsi1sk: `${createdAt}#${id}`,
      gsi3pk: 'EMAIL#jane@example.com',
      gsi3sk: `contacts#${createdAt}#${id}`,
    });
  });

  it('a person linked to an organization is also listed under it', () => {
    const id = 'pcon_00000000-0000-4000-8000-000000000001';
    const organizationId = 'porg_00000000-0000-4000-8000-000000000002';
    expect(indexAttributes(moduleNamed('partner-contacts'), { id, createdAt, organizationId })).toEqual({
      gsi1pk: 'partner-contacts',
      gsi1sk: `${createdAt}#${id}`,
      gsi2pk: `LINK#${organizationId}`,
      gsi2sk: `partner-contacts#${createdAt}#${id}`,
    });
  });

  it('a record with a contactId and an organizationId is listed under both', () => {
    const id = 'tkt_00000000-0000-4000-8000-000000000001';
    const contactId = 'con_00000000-0000-4000-8000-000000000002';
    const organizationId = 'org_00000000-0000-4000-8000-000000000003';
    expect(indexAttributes(moduleNamed('tickets'), { id, createdAt, contactId, organizationId })).toEqual({
      gsi1pk: 'tickets',
      gsi1sk: `${createdAt}#${id}`,
      gsi2pk: `LINK#${organizationId}`,
      gsi2sk: `tickets#${createdAt}#${id}`,
      gsi3pk: `LINK#${contactId}`,
      gsi3sk: `tickets#${createdAt}#${id}`,
    });
  });

  it('an organization with an email is only listed by type (email lookups are for people)', () => {
    const id = 'org_00000000-0000-4000-8000-000000000001';
    expect(indexAttributes(moduleNamed('organizations'), { id, createdAt, email: 'info@example.com' })).toEqual({
      gsi1pk: 'organizations',
      gsi1sk: `${createdAt}#${id}`,
    });
  });

  it('record and claim keys', () => {
    expect(recordKey('con_1')).toEqual({ pk: 'con_1', sk: 'RECORD' });
    expect(claimKey('email', 'Jane@Example.com')).toEqual({ pk: 'UNIQUE#email#jane@example.com', sk: 'UNIQUE' });
    expect(claimKey('username', 'Jane.Doe')).toEqual({ pk: 'UNIQUE#username#jane.doe', sk: 'UNIQUE' });
  });
});
