import { aboutDuration } from '../../console/src/format';
import {
  importTargets,
  mappingOf,
  mappingRefusals,
  readCsvHeader,
  suggestTarget,
} from '../../console/src/imports/import-mapping';
import { findModuleMeta } from '../../console/src/meta';
import { importModules, planHeader } from '../../shared/imports/import-columns';
import { findModule } from '../../shared/modules/registry';

const contacts = findModuleMeta('contacts')!;
const partnerOrganizations = findModuleMeta('partner-organizations')!;

describe("the console import screen's mapping step", () => {
  it('offers exactly the modules the API imports: every people module and both kinds of organization', async () => {
    const { consoleModules } = await import('../../console/src/meta');
    const offered = consoleModules.filter((module) => module.kind === 'person' || module.kind === 'organization');
    expect(offered.map((module) => module.name).sort()).toEqual([...importModules].sort());
  });

  it("lists every field a column can fill by the API's dotted path, and the API accepts each of them", () => {
    const targets = importTargets(contacts);
    const paths = targets.map((target) => target.path);
    expect(paths).toEqual(
      expect.arrayContaining(['email', 'lastName', 'mailingAddress.city', 'portal.enabled', 'portal.components']),
    );
    expect(paths).not.toContain('portal.pin');
    expect(paths).not.toContain('portal');
    expect(targets.find((target) => target.path === 'mailingAddress.city')?.label).toMatch(/: City$/);
    for (const module of importModules) {
      const meta = findModuleMeta(module)!;
      const all = importTargets(meta).map((target) => target.path);
      expect([module, planHeader(findModule(module)!, all).problems]).toEqual([module, []]);
    }
  });

  it('guesses the field a header names, by path or label, loosely; leaves the rest to staff', () => {
    const targets = importTargets(contacts);
    expect(suggestTarget('portal.enabled', targets)).toBe('portal.enabled');
    expect(suggestTarget(' E-mail ', targets)).toBe('email');
    expect(suggestTarget('Last name', targets)).toBe('lastName');
    expect(suggestTarget('PORTAL.ENABLED', targets)).toBe('portal.enabled');
    expect(suggestTarget('externalId', targets)).toBe('externalId');
    expect(suggestTarget('Surname', targets)).toBeUndefined();
    expect(suggestTarget('Notes', targets)).toBeUndefined();
  });

  it('sends only the columns whose field is not their own name, with null for an ignored one', () => {
    expect(mappingOf(['email', 'Surname', 'Notes'], ['email', 'lastName', null])).toEqual({
      Surname: 'lastName',
      Notes: null,
    });
    expect(mappingOf(['email', 'lastName'], ['email', 'lastName'])).toBeUndefined();
  });

  it('says in sentences what stops the columns: an unchosen one, two for one field, no key', () => {
    const targets = importTargets(contacts);
    expect(mappingRefusals(['email', 'Surname'], ['email', 'lastName'], targets, 'person')).toEqual([]);
    expect(mappingRefusals(['email', 'Notes'], ['email', undefined], targets, 'person')).toEqual([
      'Choose a field for the column “Notes”, or ignore it.',
    ]);
    expect(mappingRefusals(['Surname', 'Name'], ['lastName', 'lastName'], targets, 'person')).toEqual([
      'The columns “Surname” and “Name” both fill Last name: ignore one of them.',
      'People need an email or external id column: it is what matches each row to a person.',
    ]);
    expect(mappingRefusals(['name'], ['name'], importTargets(partnerOrganizations), 'organization')[0]).toMatch(
      /^Organizations need an external id column/,
    );
  });

  it('reads the header row of a CSV file: quotes, doubled quotes, commas inside quotes, a BOM, CRLF', () => {
    expect(readCsvHeader('\uFEFFemail,"Last, name","Say ""hi""",portal.enabled\r\na,b,c,d\r\n')).toEqual([
      'email',
      'Last, name',
      'Say "hi"',
      'portal.enabled',
    ]);
    expect(readCsvHeader('email,lastName')).toBeUndefined();
    expect(readCsvHeader('email,lastName', true)).toEqual(['email', 'lastName']);
    expect(readCsvHeader('"email,lastName', true)).toBeUndefined();
    expect(readCsvHeader('', true)).toBeUndefined();
  });
});

describe('a wait in words', () => {
  it.each([
    [0, 'less than a minute'],
    [59, 'less than a minute'],
    [60, 'about 1 minute'],
    [7 * 60 + 10, 'about 7 minutes'],
    [3600, 'about 1 hour'],
    [3600 + 19 * 60, 'about 1 hour 20 minutes'],
    [3600 + 57 * 60, 'about 2 hours'],
    [100_000 / 14, 'about 2 hours'],
    [5 * 3600 + 20 * 60, 'about 5 hours'],
    [47 * 3600, 'about 47 hours'],
    [3 * 86_400, 'about 3 days'],
  ])('%d s is %s', (seconds, words) => {
    expect(aboutDuration(seconds)).toBe(words);
  });
});
