import { findModule, type ModuleDeclaration } from '../../shared/modules/registry';
import { parseListQuery } from '../../shared/records/list-query';
import { maxTermLength, normaliseTerm, searchTermChanges, searchTermsOf } from '../../shared/records/search-terms';
import { searchPartition, searchTermKey } from '../../shared/data/keys';
import { errorsOf } from './support/failures';

const moduleNamed = (name: string): ModuleDeclaration => findModule(name)!;

describe('normaliseTerm', () => {
  it.each([
    ['Ada', 'ada'],
    ['  ZOË  ', 'zoe'],
    ['Ångström', 'angstrom'],
    ['Łukasz', 'łukasz'],
    ['François-Xavier', 'francois-xavier'],
    ['Müller\tvon  Straße', 'muller von straße'],
    ['İpek', 'ipek'],
    ['ﬁnn', 'finn'],
    ['Ada@Example.COM', 'ada@example.com'],
    ['a#b', 'a b'],
    ['   ', ''],
    ['\u0301', ''],
  ])('%j → %j', (text, term) => {
    expect(normaliseTerm(text)).toBe(term);
  });

  it(`keeps at most ${maxTermLength} code points, so a long term's key stays small`, () => {
    expect(Array.from(normaliseTerm('é'.repeat(500)))).toHaveLength(maxTermLength);
    expect(normaliseTerm('😀'.repeat(200))).toBe('😀'.repeat(maxTermLength));
  });
});

describe('searchTermsOf', () => {
  const contacts = moduleNamed('contacts');

  it("finds a person by first name, last name, 'first last' and email", () => {
    expect(searchTermsOf(contacts, { firstName: 'Zoë', lastName: 'Ng', email: 'Zoe.Ng@Example.com' })).toEqual([
      'zoe',
      'ng',
      'zoe.ng@example.com',
      'zoe ng',
    ]);
  });

  it('leaves out the combined term when a part is missing, and terms that normalise to nothing', () => {
    expect(searchTermsOf(contacts, { lastName: 'Ng' })).toEqual(['ng']);
    expect(searchTermsOf(contacts, { firstName: ' ', lastName: 'Ng' })).toEqual(['ng']);
  });

  it('lists a term two fields share once', () => {
    expect(searchTermsOf(contacts, { firstName: 'Lee', lastName: 'LEE' })).toEqual(['lee', 'lee lee']);
  });

  it("uses each module's declared fields: an organization's name and email, a ticket's title", () => {
    expect(searchTermsOf(moduleNamed('organizations'), { name: 'Acme', industry: 'Tools' })).toEqual(['acme']);
    expect(searchTermsOf(moduleNamed('tickets'), { title: 'Printer down', description: 'x' })).toEqual([
      'printer down',
    ]);
  });

  it('every module can be searched', () => {
    for (const name of ['organizations', 'partner-organizations', 'contacts', 'leads', 'partner-contacts']) {
      expect(moduleNamed(name).searchTerms.length).toBeGreaterThan(0);
    }
    for (const name of ['tickets', 'invoices', 'quotes', 'sales-orders', 'documents']) {
      expect(moduleNamed(name).searchTerms.length).toBeGreaterThan(0);
    }
  });
});

describe('searchTermChanges', () => {
  const contacts = moduleNamed('contacts');

  it('writes only the terms that changed, and deletes only those that went', () => {
    expect(
      searchTermChanges(contacts, { firstName: 'Ada', lastName: 'Byron' }, { firstName: 'Ada', lastName: 'Lovelace' }),
    ).toEqual({ add: ['lovelace', 'ada lovelace'], remove: ['byron', 'ada byron'] });
  });

  it('changes nothing when a change leaves the normalised terms as they were', () => {
    expect(searchTermChanges(contacts, { lastName: 'Zoë' }, { lastName: 'Zoe' })).toEqual({ add: [], remove: [] });
    expect(searchTermChanges(contacts, { lastName: 'Ng', title: 'CEO' }, { lastName: 'Ng', title: 'CFO' })).toEqual({
      add: [],
      remove: [],
    });
  });

  it('adds every term on create and removes every term on delete', () => {
    expect(searchTermChanges(contacts, {}, { lastName: 'Ng' })).toEqual({ add: ['ng'], remove: [] });
    expect(searchTermChanges(contacts, { lastName: 'Ng' }, {})).toEqual({ add: [], remove: ['ng'] });
  });
});

describe('term keys', () => {
  it("partition a module's terms by their first character, and sort by term then record id", () => {
    expect(searchPartition('contacts', 'ada')).toBe(searchPartition('contacts', 'a'));
    expect(searchPartition('contacts', 'ada')).not.toBe(searchPartition('leads', 'ada'));
    expect(searchPartition('contacts', '😀x')).toBe(searchPartition('contacts', '😀'));
    const key = searchTermKey('contacts', 'ada', 'con_1');
    expect(key.sk!.startsWith('ada#')).toBe(true);
    expect(key.pk).toBe(searchPartition('contacts', 'ada'));
  });
});

describe('parseListQuery with q', () => {
  const contacts = moduleNamed('contacts');
  const org = 'org_00000000-0000-4000-8000-000000000001';

  it('normalises the search text', () => {
    expect(parseListQuery(contacts, { q: '  ZOË ' })).toEqual({ limit: 25, cursor: undefined, search: 'zoe' });
  });

  it('refuses blank text, and text longer than 200 characters', () => {
    expect(errorsOf(() => parseListQuery(contacts, { q: '   ' })).map((e) => e.path)).toEqual(['/q']);
    expect(errorsOf(() => parseListQuery(contacts, { q: '' })).map((e) => e.path)).toEqual(['/q']);
    expect(errorsOf(() => parseListQuery(contacts, { q: 'a'.repeat(201) })).map((e) => e.path)).toEqual(['/q']);
  });

  it('refuses q together with a filter, naming both', () => {
    expect(errorsOf(() => parseListQuery(contacts, { q: 'ada', organizationId: org }))).toEqual([
      { path: '/q', message: 'one filter at a time' },
      { path: '/organizationId', message: 'one filter at a time' },
    ]);
  });
});
