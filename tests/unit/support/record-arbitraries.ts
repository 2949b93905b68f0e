import fc from 'fast-check';
import { modules, type ModuleDeclaration } from '../../../shared/modules/registry';
import { unsafeCharacterIn } from '../../../shared/modules/safe-text';
import { entriesOf } from '../../../shared/modules/validate';

/** Arbitraries of CRM records, valid and malformed, for the fuzz tests of the validators and the records handler. */

export const fieldNames = (module: ModuleDeclaration): string[] => Object.keys(entriesOf(module.schema));

export const titleField = (module: ModuleDeclaration) => (fieldNames(module).includes('title') ? 'title' : 'subject');

/** Modules as fast-check shows them in counterexamples: by name, not as a dump of their schemas. */
export const shown = (module: ModuleDeclaration): ModuleDeclaration =>
  Object.create(module, { [fc.toStringMethod]: { value: () => module.name } }) as ModuleDeclaration;
export const anyModule = fc.constantFrom(...modules.map(shown));

export const prefixes = modules.map((module) => module.idPrefix);
export const uuid = fc.uuid({ version: 4 });
export const idIn = (...prefixList: string[]) =>
  fc.tuple(fc.constantFrom(...prefixList), uuid).map(([prefix, u]) => `${prefix}_${u}`);

/** Strings meant to trip a validator: number look-alikes, control characters, lone surrogates, huge ones. */
export const nastyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom(
    '',
    ' ',
    '\t\n',
    '\u0000',
    '\u200b',
    'NaN',
    'Infinity',
    '-Infinity',
    '1e309',
    '-0',
    '0x1F',
    '  12  ',
    'null',
    'true',
    '[]',
    '{}',
    '__proto__',
    'constructor',
    '<script>alert(1)</script>',
    "' OR '1'='1",
    '\ud800',
    '\udfff\ud800',
    '😀😀😀',
    'e\u0301',
    'javascript:alert(1)',
    'ftp://example.com',
    '2024-02-30',
    '2024-13-01',
    'a@b',
    'A@B.CO ',
    'org_00000000-0000-4000-8000-000000000000',
  ),
  fc.integer({ min: 0, max: 3 }).map((n) => 'x'.repeat(200 + n)),
  fc.integer({ min: 0, max: 3 }).map((n) => 'y'.repeat(10_000 + n)),
);

export const nastyNumber = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(0, -0, -1, 0.001, 1e-9, 1e12, 1e12 + 0.01, 1e15, Number.MAX_SAFE_INTEGER, 2 ** 53 + 2, 1e308),
);

export const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  nastyString,
  nastyNumber,
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
);

/** Keys clients must never write: server bookkeeping, storage attributes, derived and write-only fields. */
export const forbiddenKeys = [
  'id',
  'version',
  'createdAt',
  'updatedAt',
  'createdBy',
  'updatedBy',
  'pk',
  'sk',
  'gsi1pk',
  'gsi2sk',
  'gsi3pk',
  'module',
  'linkCount',
  'pinHash',
  'hasPin',
];

// Valid values, with the whitespace and case the normalisers must remove.
export const pad = fc.constantFrom('', ' ', '  ', '\t', '\n ');
export const textOf = (max: number) =>
  fc
    .tuple(pad, fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }), pad)
    // Valid text has no control or bidi characters (safe-text.ts): refusing those is tested in safe-text.test.ts.
    .filter(
      ([, core]) => core.trim().length > 0 && core.trim().length <= max && !unsafeCharacterIn(core, 'single-line'),
    )
    .map(([before, core, after]) => ({ raw: before + core + after, value: core.trim() }));
export const lowerAlnum = fc.string({
  unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'),
  minLength: 1,
  maxLength: 10,
});
export const letters = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'), minLength: min, maxLength: max });
export const emailOf = fc
  .tuple(lowerAlnum, letters(1, 10), letters(2, 6), fc.boolean(), pad)
  .map(([local, domain, tld, shout, space]) => {
    const value = `${local}@${domain}.${tld}`;
    return { raw: `${space}${shout ? value.toUpperCase() : value}${space}`, value };
  });
export const cents = fc.integer({ min: 0, max: 100_000_000 });

export interface ValidBody {
  readonly body: Record<string, unknown>;
  /** What the created record must show for the fields that get normalised or defaulted. */
  readonly expected: Record<string, unknown>;
}

/** A hand-written arbitrary of valid create bodies, one shape per module kind. */
export function validBody(module: ModuleDeclaration): fc.Arbitrary<ValidBody> {
  if (module.kind === 'organization') {
    return fc
      .record(
        {
          name: textOf(200),
          email: emailOf,
          phone: fc.constantFrom('+49 30 1234567', '(555) 010-9999', '020 7946 0018 #12'),
          website: fc.constantFrom('https://example.com', 'http://acme.example.org/path?q=1'),
          partnerStatus: fc.constantFrom('Active', 'Inactive'),
        },
        { requiredKeys: ['name'] },
      )
      .map(({ name, email, phone, website, partnerStatus }) => {
        const body: Record<string, unknown> = { name: name.raw };
        const expected: Record<string, unknown> = { ...module.defaults, name: name.value };
        if (email) {
          body.email = email.raw;
          expected.email = email.value;
        }
        if (phone) body.phone = expected.phone = phone;
        if (website) body.website = expected.website = website;
        if (module.name === 'partner-organizations' && partnerStatus) {
          body.partnerStatus = expected.partnerStatus = partnerStatus;
        }
        return { body, expected };
      });
  }
  if (module.kind === 'person') {
    return fc
      .record(
        {
          lastName: textOf(100),
          firstName: textOf(100),
          email: emailOf,
          emailOptOut: fc.boolean(),
          portal: fc.record(
            { enabled: fc.boolean(), username: letters(3, 12), canESign: fc.boolean() },
            { requiredKeys: [] },
          ),
          organizationId: idIn(module.name === 'partner-contacts' ? 'porg' : 'org'),
        },
        { requiredKeys: module.name === 'partner-contacts' ? ['lastName', 'organizationId'] : ['lastName'] },
      )
      .map(({ lastName, firstName, email, emailOptOut, portal, organizationId }) => {
        const body: Record<string, unknown> = { lastName: lastName.raw };
        const expected: Record<string, unknown> = { lastName: lastName.value };
        if (firstName) {
          body.firstName = firstName.raw;
          expected.firstName = firstName.value;
        }
        if (email) {
          body.email = email.raw;
          expected.email = email.value;
        }
        if (emailOptOut !== undefined) body.emailOptOut = expected.emailOptOut = emailOptOut;
        if (portal) {
          body.portal = portal;
          expected.portal = { ...portal, hasPin: false };
        }
        if (organizationId && module.name !== 'leads') body.organizationId = expected.organizationId = organizationId;
        return { body, expected };
      });
  }
  if (module.name === 'deal-registrations') {
    return fc
      .record({
        companyName: textOf(200),
        contactName: textOf(200),
        contactEmail: emailOf,
        value: cents,
        links: fc.oneof(
          fc.record({ organizationId: idIn('porg') }),
          // Registrations are a partner organization's, by one of its partner contacts.
          fc.record({ contactId: idIn('pcon'), organizationId: idIn('porg') }),
        ),
        showOnPortal: fc.option(fc.boolean(), { nil: undefined }),
      })
      .map(({ companyName, contactName, contactEmail, value, links, showOnPortal }) => {
        const body: Record<string, unknown> = {
          companyName: companyName.raw,
          contactName: contactName.raw,
          contactEmail: contactEmail.raw,
          estimatedValue: value / 100,
          currency: 'EUR',
          expectedCloseDate: '2027-03-31',
          ...links,
        };
        const expected: Record<string, unknown> = {
          ...module.defaults,
          ...body,
          companyName: companyName.value,
          contactName: contactName.value,
          contactEmail: contactEmail.value,
        };
        if (showOnPortal !== undefined) body.showOnPortal = expected.showOnPortal = showOnPortal;
        return { body, expected };
      });
  }
  const title = titleField(module);
  return fc
    .record({
      title: textOf(200),
      links: fc.oneof(
        fc.record({ contactId: idIn('con', 'lead', 'pcon') }),
        fc.record({ organizationId: idIn('org', 'porg') }),
        // A partner organization's records name only partner contacts (portal visibility follows the organization).
        fc.record({ contactId: idIn('con', 'lead'), organizationId: idIn('org') }),
        fc.record({ contactId: idIn('pcon'), organizationId: idIn('porg') }),
      ),
      showOnPortal: fc.option(fc.boolean(), { nil: undefined }),
      total: cents,
      lines: fc.array(fc.record({ description: textOf(500), quantity: fc.integer({ min: 1, max: 1000 }), cents }), {
        maxLength: 5,
      }),
    })
    .map(({ title: text, links, showOnPortal, total, lines }) => {
      const body: Record<string, unknown> = { [title]: text.raw, ...links };
      const expected: Record<string, unknown> = { ...module.defaults, [title]: text.value, ...links };
      if (showOnPortal !== undefined) body.showOnPortal = expected.showOnPortal = showOnPortal;
      if (module.name === 'invoices' || module.name === 'quotes') {
        body.total = expected.total = total / 100;
        body.currency = expected.currency = 'EUR';
      }
      if (module.name === 'sales-orders') {
        body.lineItems = lines.map((line) => ({
          description: line.description.raw,
          quantity: line.quantity,
          unitPrice: line.cents / 100,
        }));
        expected.lineItems = lines.map((line) => ({
          description: line.description.value,
          quantity: line.quantity,
          unitPrice: line.cents / 100,
        }));
        // Integer arithmetic: the expected total in cents is exact.
        expected.total = lines.reduce((sum, line) => sum + line.quantity * line.cents, 0) / 100;
      }
      return { body, expected };
    });
}

/** Bodies built from the module's own field names, with values of the wrong type or shape. */
export const wrongFieldsObject = (module: ModuleDeclaration) =>
  fc.dictionary(fc.constantFrom(...fieldNames(module)), wrongValue, { minKeys: 1, maxKeys: 5 });

/** A valid body with one field overwritten by a wrong value (often, but not always, invalid). */
export const validWithOneWrong = (module: ModuleDeclaration) =>
  fc
    .tuple(validBody(module), fc.constantFrom(...fieldNames(module)), wrongValue)
    .map(([{ body }, name, value]) => ({ ...body, [name]: value }));

/** A valid body plus one key only the server may write. */
export const validWithForbiddenKey = (module: ModuleDeclaration) =>
  fc
    .tuple(validBody(module), fc.constantFrom(...forbiddenKeys), fc.jsonValue({ maxDepth: 1 }))
    .map(([{ body }, key, value]) => ({ body: { ...body, [key]: value }, key }));

/** Any input a validator may be handed: JSON values, objects with random or the module's keys, nesting. */
export const anyInput = (module: ModuleDeclaration): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.jsonValue({ maxDepth: 4 }),
    fc.dictionary(fc.string({ maxLength: 12 }), wrongValue, { maxKeys: 6 }),
    wrongFieldsObject(module),
    validWithOneWrong(module),
    validWithForbiddenKey(module).map(({ body }) => body),
    validBody(module).map(({ body }) => body),
    fc.jsonValue({ maxDepth: 8 }).map((inner) => ({ [fieldNames(module)[0]!]: { nested: [inner, { inner }] } })),
  );

// ---------------------------------------------------------------------------------------------------------
// 1. The validators, called directly
// ---------------------------------------------------------------------------------------------------------

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

export const unescapePointer = (segment: string) => segment.replace(/~1/g, '/').replace(/~0/g, '~');

export function everyNumberIsFinite(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(everyNumberIsFinite);
  if (isPlainObject(value)) return Object.values(value).every(everyNumberIsFinite);
  return true;
}
