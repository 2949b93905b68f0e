import { marshall } from '@aws-sdk/util-dynamodb';
import { findModule, salesOrderTotal, type ModuleDeclaration } from '../../shared/modules/registry';
import { decodeCursor, encodeCursor } from '../../shared/records/cursor';
import { etagOf, versionsFromIfMatch } from '../../shared/records/etag';
import { parseListQuery } from '../../shared/records/list-query';
import { applyMergePatch } from '../../shared/records/merge-patch';
import { toPublicRecord } from '../../shared/records/record-service';
import { claimKey, indexAttributes, recordKey } from '../../shared/data/keys';
import { errorsOf } from './support/failures';

const moduleNamed = (name: string): ModuleDeclaration => findModule(name)!;

describe('applyMergePatch (RFC 7396)', () => {
  // Appendix A of RFC 7396, verbatim.
  it.each([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [
      ['a', 'b'],
      ['c', 'd'],
      ['c', 'd'],
    ],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])('%j patched with %j is %j', (target, patch, result) => {
    expect(applyMergePatch(target, patch)).toEqual(result);
  });

  it('leaves the target untouched', () => {
    const target = { a: { b: 'c', d: 'e' }, f: ['g'] };
    const snapshot = JSON.parse(JSON.stringify(target));
    applyMergePatch(target, { a: { b: null, x: 1 }, f: null });
    expect(target).toEqual(snapshot);
  });

  it('merges nested objects member by member', () => {
    const result = applyMergePatch({ a: { keep: 1 } }, { a: { add: 2 } }) as { a: Record<string, number> };
    expect(result).toEqual({ a: { keep: 1, add: 2 } });
  });

  // Assigning `result['__proto__']` would set the prototype: the member would vanish into inherited fields.
  it('treats a "__proto__" member as an ordinary member', () => {
    const patch = JSON.parse('{"__proto__": {"title": "Injected"}}') as Record<string, unknown>;
    const result = applyMergePatch({ lastName: 'Doe' }, patch) as Record<string, unknown>;
    expect(Object.keys(result).sort()).toEqual(['__proto__', 'lastName']);
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect((result as { title?: string }).title).toBeUndefined();
  });
});

describe('versionsFromIfMatch and etagOf', () => {
  it.each([
    [undefined, undefined],
    ['*', undefined],
    [' * ', undefined],
    ['"v3"', 3],
    [' "v3" ', 3],
    ['"v1"', 1],
    ['"v999999999999999"', 999_999_999_999_999],
    // Weak tags never match under If-Match's strong comparison.
    ['W/"v3"', null],
    ['w/"v3"', null],
    ['W/"v3", "v4"', 4],
    ['"v3", W/"v4"', 3],
    ['"v5",W/"v6"', 5],
    // Anything this API never issued.
    ['', null],
    ['v3', null],
    ['"3"', null],
    ['"v0"', null],
    ['"v03"', null],
    ['"v-1"', null],
    ['"v1.5"', null],
    ['"v3', null],
    ["'v3'", null],
    ['"V3"', null],
    ['"v1234567890123456"', null],
    ['garbage', null],
    [',,,', null],
    // Any listed tag may match (RFC 9110 §13.1.1).
    ['"v9", "v3"', [9, 3]],
  ])('If-Match %j → %j', (header, expected) => {
    const versions =
      expected === undefined ? undefined : expected === null ? [] : Array.isArray(expected) ? expected : [expected];
    expect(versionsFromIfMatch(header)).toEqual(versions);
  });

  it('reads back every ETag it issues', () => {
    for (const version of [1, 2, 9, 10, 12345, 2 ** 40])
      expect(versionsFromIfMatch(etagOf(version))).toEqual([version]);
    expect(etagOf(3)).toBe('"v3"');
  });
});

describe('page cursors', () => {
  const byType = { attributes: ['pk', 'sk', 'gsi1pk', 'gsi1sk'], partitionKey: 'gsi1pk', partitionValue: 'contacts' };
  const lastKey = { pk: 'con_1', sk: 'RECORD', gsi1pk: 'contacts', gsi1sk: '2025-01-01T00:00:00.000Z#con_1' };
  const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

  it('round-trips a LastEvaluatedKey', () => {
    const cursor = encodeCursor(marshall(lastKey))!;
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, byType)).toEqual(marshall(lastKey));
  });

  it('is null when there is no next page', () => {
    expect(encodeCursor(undefined)).toBeNull();
  });

  it.each([
    ['an extra attribute', cursorOf({ ...lastKey, gsi2pk: 'LINK#org_1' })],
    ['a missing attribute', cursorOf({ pk: 'con_1', sk: 'RECORD', gsi1pk: 'contacts' })],
    ["another index's attributes", cursorOf({ pk: 'con_1', sk: 'RECORD', gsi2pk: 'contacts', gsi2sk: 'x' })],
    ['another partition', cursorOf({ ...lastKey, gsi1pk: 'leads' })],
    ['a number', cursorOf({ ...lastKey, sk: 5 })],
    ['a DynamoDB attribute value', cursorOf({ ...lastKey, pk: { S: 'con_1' } })],
    ['null', cursorOf({ ...lastKey, gsi1sk: null })],
    ['an empty string', cursorOf({ ...lastKey, gsi1sk: '' })],
    ['a value over 1024 characters', cursorOf({ ...lastKey, gsi1sk: 'x'.repeat(1025) })],
    ['a JSON array', cursorOf(['con_1', 'RECORD', 'contacts', 'x'])],
    ['JSON null', cursorOf(null)],
    ['a JSON string', cursorOf('contacts')],
    ['text that is not JSON', Buffer.from('not json').toString('base64url')],
    ['text that is not base64', '!!!not base64***'],
    ['an empty cursor', ''],
  ])('refuses a cursor with %s', (_what, cursor) => {
    expect(errorsOf(() => decodeCursor(cursor, byType))).toEqual([{ path: '/cursor', message: 'invalid cursor' }]);
  });
});

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

describe('salesOrderTotal', () => {
  it('adds in cents, without floating-point drift', () => {
    const lines = [
      { quantity: 3, unitPrice: 0.1 },
      { quantity: 1.5, unitPrice: 19.99 },
    ];
    // The naive float sum is 30.285000000000004.
    expect(lines.reduce((sum, line) => sum + line.quantity * line.unitPrice, 0)).not.toBe(30.29);
    expect(salesOrderTotal(lines)).toBe(30.29);
  });

  it('is 0 for no lines and exact for many small ones', () => {
    expect(salesOrderTotal([])).toBe(0);
    expect(salesOrderTotal(Array.from({ length: 100 }, () => ({ quantity: 1, unitPrice: 0.1 })))).toBe(10);
    expect(salesOrderTotal([{ quantity: 0.0001, unitPrice: 0.01 }])).toBe(0);
  });
});

describe('toPublicRecord', () => {
  const stored = {
    pk: 'con_1',
    sk: 'RECORD',
    gsi1pk: 'contacts',
    gsi1sk: '2025#con_1',
    gsi2pk: 'LINK#org_1',
    gsi2sk: 'contacts#2025#con_1',
    gsi3pk: 'EMAIL#jane@example.com',
    gsi3sk: 'contacts#2025#con_1',
    module: 'contacts',
    linkCount: 4,
    id: 'con_1',
    version: 2,
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-02T00:00:00.000Z',
    createdBy: 'staff-0',
    updatedBy: 'staff-1',
    lastName: 'Doe',
    email: 'jane@example.com',
    portal: { enabled: true, username: 'jane', pinHash: 'scrypt$16384$8$1$salt$hash' },
  };

  it('never exposes keys, index attributes, the link counter, the module or the PIN hash', () => {
    const visible = toPublicRecord(stored);
    for (const hidden of [
      'pk',
      'sk',
      'gsi1pk',
      'gsi1sk',
      'gsi2pk',
      'gsi2sk',
      'gsi3pk',
      'gsi3sk',
      'linkCount',
      'module',
    ])
      expect(visible).not.toHaveProperty(hidden);
    expect(JSON.stringify(visible)).not.toContain('pinHash');
    expect(JSON.stringify(visible)).not.toContain('scrypt');
    expect(visible.portal).toEqual({ enabled: true, username: 'jane', hasPin: true });
  });

  it('shows hasPin false without a hash, and id first then fields then bookkeeping', () => {
    const visible = toPublicRecord({ ...stored, portal: { enabled: false } });
    expect(visible.portal).toEqual({ enabled: false, hasPin: false });
    expect(Object.keys(visible)).toEqual([
      'id',
      'email',
      'lastName',
      'portal',
      'version',
      'createdAt',
      'updatedAt',
      'createdBy',
      'updatedBy',
    ]);
  });

  it('adds no portal to a record without one', () => {
    expect(toPublicRecord({ id: 'org_1', version: 1, name: 'Acme', linkCount: 0 })).not.toHaveProperty('portal');
  });
});
