import { findModule, type ModuleDeclaration } from '../../shared/modules/registry';
import { parseListQuery } from '../../shared/records/list-query';
import { errorsOf } from './support/failures';

const moduleNamed = (name: string): ModuleDeclaration => findModule(name)!;

describe('parseListQuery', () => {
  const contacts = moduleNamed('contacts');
  const tickets = moduleNamed('tickets');
  const organizations = moduleNamed('organizations');
  const org = 'org_00000000-0000-4000-8000-000000000001';

  it('defaults to 25 records and no filter', () => {
    expect(parseListQuery(contacts, undefined)).toEqual({ limit: 25, cursor: undefined });
    expect(parseListQuery(contacts, {})).toEqual({ limit: 25, cursor: undefined });
  });

  it('accepts limits from 1 to 100 and a cursor', () => {
    expect(parseListQuery(contacts, { limit: '1' }).limit).toBe(1);
    expect(parseListQuery(contacts, { limit: '100', cursor: 'abc' })).toEqual({ limit: 100, cursor: 'abc' });
  });

  it.each(['0', '101', '1000', 'abc', '-1', '1.5', '1e2', '', ' 5', '007', '99999999999999999999'])(
    'refuses limit=%j at /limit',
    (limit) => {
      const errors = errorsOf(() => parseListQuery(contacts, { limit }));
      expect(errors.map((e) => e.path)).toEqual(['/limit']);
    },
  );

  it('refuses parameters it does not know, and filters the module does not declare', () => {
    expect(errorsOf(() => parseListQuery(contacts, { sort: 'name' }))).toEqual([
      { path: '/sort', message: 'unknown field' },
    ]);
    expect(errorsOf(() => parseListQuery(organizations, { email: 'a@b.co' }))).toEqual([
      { path: '/email', message: 'unknown field' },
    ]);
    expect(errorsOf(() => parseListQuery(contacts, { contactId: 'con_x' }))).toEqual([
      { path: '/contactId', message: 'unknown field' },
    ]);
  });

  it('refuses two filters at once, naming both', () => {
    const errors = errorsOf(() => parseListQuery(contacts, { organizationId: org, email: 'a@b.co' }));
    expect(errors).toEqual([
      { path: '/organizationId', message: 'one filter at a time' },
      { path: '/email', message: 'one filter at a time' },
    ]);
  });

  it('normalises the email filter to lower case without surrounding spaces', () => {
    expect(parseListQuery(contacts, { email: '  Jane.Doe@Example.COM ' })).toEqual({
      limit: 25,
      cursor: undefined,
      filter: { name: 'email', value: 'jane.doe@example.com' },
    });
  });

  it('checks a reference filter against the modules the reference may point at', () => {
    expect(parseListQuery(contacts, { organizationId: org }).filter).toEqual({ name: 'organizationId', value: org });
    expect(errorsOf(() => parseListQuery(contacts, { organizationId: org.replace('org_', 'porg_') }))[0]!.path).toBe(
      '/organizationId',
    );
    expect(parseListQuery(tickets, { organizationId: org.replace('org_', 'porg_') }).filter?.name).toBe(
      'organizationId',
    );
    expect(errorsOf(() => parseListQuery(tickets, { contactId: org }))[0]!.path).toBe('/contactId');
  });
});
