import {
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  DynamoDBServiceException,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  type AttributeValue,
  type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { Context } from 'aws-lambda';
import fc from 'fast-check';
import { ValidationFailed } from '../../shared/http/errors';
import type { HttpEvent, HttpResult } from '../../shared/http/http-handler';
import { maxBodyBytes } from '../../shared/http/request';
import { money, quantity } from '../../shared/modules/fields';
import { modules, type ModuleDeclaration } from '../../shared/modules/registry';
import { unsafeCharacterIn } from '../../shared/modules/safe-text';
import { validate } from '../../shared/modules/validate';
import { encodeCursor } from '../../shared/records/cursor';
import { errorsOf, writesSentBy } from './support/failures';

/**
 * "Property-based tests throw random and malformed bodies at the validators: no 500, no write."
 *
 * The validators are called directly, then the staff CRUD handler runs in-process against a mocked
 * DynamoDB that records every write and emulates just enough of the service (items by key, the
 * organization delete's existence condition, the 2048-byte partition key limit) to answer like the real one.
 */

// ---------------------------------------------------------------------------------------------------------
// Shared arbitraries
// ---------------------------------------------------------------------------------------------------------

const fieldNames = (module: ModuleDeclaration): string[] =>
  Object.keys((module.schema as unknown as { shape: Record<string, unknown> }).shape);

const titleField = (module: ModuleDeclaration) => (fieldNames(module).includes('title') ? 'title' : 'subject');

/** Modules as fast-check shows them in counterexamples: by name, not as a dump of their zod schemas. */
const shown = (module: ModuleDeclaration): ModuleDeclaration =>
  Object.create(module, { [fc.toStringMethod]: { value: () => module.name } }) as ModuleDeclaration;
const anyModule = fc.constantFrom(...modules.map(shown));

const prefixes = modules.map((module) => module.idPrefix);
const uuid = fc.uuid({ version: 4 });
const idIn = (...prefixList: string[]) =>
  fc.tuple(fc.constantFrom(...prefixList), uuid).map(([prefix, u]) => `${prefix}_${u}`);

/** Strings meant to trip a validator: number look-alikes, control characters, lone surrogates, huge ones. */
const nastyString = fc.oneof(
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

const nastyNumber = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(0, -0, -1, 0.001, 1e-9, 1e12, 1e12 + 0.01, 1e15, Number.MAX_SAFE_INTEGER, 2 ** 53 + 2, 1e308),
);

const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  nastyString,
  nastyNumber,
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
);

/** Keys clients must never write: server bookkeeping, storage attributes, derived and write-only fields. */
const forbiddenKeys = [
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
const pad = fc.constantFrom('', ' ', '  ', '\t', '\n ');
const textOf = (max: number) =>
  fc
    .tuple(pad, fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }), pad)
    // Valid text has no control or bidi characters (safe-text.ts): refusing those is tested in safe-text.test.ts.
    .filter(
      ([, core]) => core.trim().length > 0 && core.trim().length <= max && !unsafeCharacterIn(core, 'single-line'),
    )
    .map(([before, core, after]) => ({ raw: before + core + after, value: core.trim() }));
const lowerAlnum = fc.string({
  unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'),
  minLength: 1,
  maxLength: 10,
});
const letters = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'), minLength: min, maxLength: max });
const emailOf = fc
  .tuple(lowerAlnum, letters(1, 10), letters(2, 6), fc.boolean(), pad)
  .map(([local, domain, tld, shout, space]) => {
    const value = `${local}@${domain}.${tld}`;
    return { raw: `${space}${shout ? value.toUpperCase() : value}${space}`, value };
  });
const cents = fc.integer({ min: 0, max: 100_000_000 });

interface ValidBody {
  readonly body: Record<string, unknown>;
  /** What the created record must show for the fields that get normalised or defaulted. */
  readonly expected: Record<string, unknown>;
}

/** A hand-written arbitrary of valid create bodies, one shape per module kind. */
function validBody(module: ModuleDeclaration): fc.Arbitrary<ValidBody> {
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
const wrongFieldsObject = (module: ModuleDeclaration) =>
  fc.dictionary(fc.constantFrom(...fieldNames(module)), wrongValue, { minKeys: 1, maxKeys: 5 });

/** A valid body with one field overwritten by a wrong value (often, but not always, invalid). */
const validWithOneWrong = (module: ModuleDeclaration) =>
  fc
    .tuple(validBody(module), fc.constantFrom(...fieldNames(module)), wrongValue)
    .map(([{ body }, name, value]) => ({ ...body, [name]: value }));

/** A valid body plus one key only the server may write. */
const validWithForbiddenKey = (module: ModuleDeclaration) =>
  fc
    .tuple(validBody(module), fc.constantFrom(...forbiddenKeys), fc.jsonValue({ maxDepth: 1 }))
    .map(([{ body }, key, value]) => ({ body: { ...body, [key]: value }, key }));

/** Any input a validator may be handed: JSON values, objects with random or the module's keys, nesting. */
const anyInput = (module: ModuleDeclaration): fc.Arbitrary<unknown> =>
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

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const unescapePointer = (segment: string) => segment.replace(/~1/g, '/').replace(/~0/g, '~');

function everyNumberIsFinite(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(everyNumberIsFinite);
  if (isPlainObject(value)) return Object.values(value).every(everyNumberIsFinite);
  return true;
}

describe('module validators under random input', () => {
  it.each(modules.map((module) => [module.name, module] as const))(
    '%s: either returns a clean record or throws ValidationFailed naming where and what',
    (_name, module) => {
      const known = new Set(fieldNames(module));
      fc.assert(
        fc.property(anyInput(module), (input) => {
          let result: Record<string, unknown>;
          try {
            result = validate(module.schema, input, module.label);
          } catch (error) {
            expect(error).toBeInstanceOf(ValidationFailed);
            const errors = (error as ValidationFailed).extensions.errors as { path: unknown; message: unknown }[];
            expect(errors.length).toBeGreaterThanOrEqual(1);
            for (const { path, message } of errors) {
              expect(typeof path).toBe('string');
              expect(path as string).toMatch(/^\//);
              expect(typeof message).toBe('string');
              expect((message as string).trim()).not.toBe('');
            }
            if (!isPlainObject(input)) {
              // A non-object root is one problem, at the root.
              expect(errors.map((e) => e.path)).toEqual(['/']);
            } else {
              // Every problem points at a field the client sent or one the module declares.
              for (const { path } of errors) {
                const first = unescapePointer((path as string).split('/')[1]!);
                expect(Object.keys(input).includes(first) || known.has(first)).toBe(true);
              }
            }
            return;
          }
          expect(isPlainObject(input)).toBe(true);
          for (const key of Object.keys(result)) expect(known.has(key)).toBe(true);
          expect(everyNumberIsFinite(result)).toBe(true);
          // Normalisation is stable: validating the output again changes nothing.
          expect(validate(module.schema, result, module.label)).toEqual(result);
        }),
        { numRuns: 500 },
      );
    },
  );

  it('refuses every key only the server may write, at that key', () => {
    fc.assert(
      fc.property(
        anyModule.chain((module) => fc.tuple(fc.constant(module), validWithForbiddenKey(module))),
        ([module, { body, key }]) => {
          expect(errorsOf(() => validate(module.schema, body, module.label))).toContainEqual({
            path: `/${key}`,
            message: 'unknown field',
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  // zod 4 does not put the input on its issues: "required" must be decided from the input itself.
  it('does not report a present value of the wrong type as "required"', () => {
    const misreported: string[] = [];
    for (const module of modules) {
      for (const name of fieldNames(module).filter((field) => field !== 'lineItems')) {
        const at = errorsOf(() => validate(module.schema, { [name]: [] }, module.label)).find(
          (e) => e.path === `/${name}`,
        );
        if (at?.message === 'required') misreported.push(`${module.name}/${name}`);
      }
    }
    expect(misreported).toEqual([]);
  });

  it('does not call a body that is a string, an array or null "required"', () => {
    for (const input of ['text', [1, 2], null, 42]) {
      expect(errorsOf(() => validate(modules[0]!.schema, input, 'organization'))).toEqual([
        { path: '/', message: 'must be an object' },
      ]);
    }
  });

  // A tolerance on value*100 misjudges large amounts (float error) and tiny ones; decimals are counted instead.
  it('money accepts every amount of whole cents from 0 to 1e12', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000_000_000_000 }), (c) => {
        expect(money().safeParse(c / 100).success).toBe(true);
      }),
      { numRuns: 2000, examples: [[66_596_041_819]] },
    );
  });

  it('money refuses amounts with more than two decimals, however small', () => {
    for (const amount of [0.001, 0.125, 1e-7, 1e-9, 5e-10]) expect(money().safeParse(amount).success).toBe(false);
  });

  it('quantity accepts whole ten-thousandths up to 1e9 and refuses finer ones', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000_000_000 }), (units) => {
        expect(quantity().safeParse(units / 10_000).success).toBe(true);
      }),
      { numRuns: 2000, examples: [[65_136_725_535]] },
    );
    for (const value of [0.00001, 1e-9, 1e-11]) expect(quantity().safeParse(value).success).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------------------
// 2. The handler, in-process, against a recording DynamoDB mock
// ---------------------------------------------------------------------------------------------------------

const dynamo = mockClient(DynamoDBClient);
const writesSent = () => writesSentBy(dynamo);

const existingUuid = '00000000-0000-4000-8000-000000000001';
const existingId = (module: ModuleDeclaration) => `${module.idPrefix}_${existingUuid}`;
const createdAt = '2025-01-02T03:04:05.678Z';

/** A stored record of each module that its schema accepts, at version 3. */
function storedItem(module: ModuleDeclaration): Record<string, unknown> {
  const id = existingId(module);
  const fields: Record<string, unknown> =
    module.kind === 'organization'
      ? { name: 'Existing Ltd', ...module.defaults, linkCount: 0 }
      : module.kind === 'person'
        ? {
            lastName: 'Doe',
            email: 'doe@example.com',
            ...(module.name === 'partner-contacts' ? { organizationId: `porg_${existingUuid}` } : {}),
          }
        : { ...module.defaults, [titleField(module)]: 'Existing', organizationId: `org_${existingUuid}` };
  const item = { pk: id, sk: 'RECORD', module: module.name, ...fields, id, version: 3, createdAt };
  return { ...item, updatedAt: createdAt, createdBy: 'staff-0', updatedBy: 'staff-0', ...module.derive?.(fields) };
}

const table = new Map<string, Record<string, AttributeValue>>(
  modules.map((module) => [existingId(module), marshall(storedItem(module), { removeUndefinedValues: true })]),
);

/** What DynamoDB answers for a partition key over 2048 bytes. */
const keyTooLarge = () =>
  new DynamoDBServiceException({
    name: 'ValidationException',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
    message:
      'One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of 2048 bytes',
  });
const checkKey = (key: Record<string, AttributeValue> | undefined) => {
  if (Buffer.byteLength(key?.pk?.S ?? '', 'utf8') > 2048) throw keyTooLarge();
  return key!.pk!.S!;
};

function emulateTable() {
  dynamo.reset();
  dynamo.on(GetItemCommand).callsFake(async (input) => ({ Item: table.get(checkKey(input.Key)) }));
  // Every record delete carries a condition that fails when the item is missing.
  dynamo.on(DeleteItemCommand).callsFake(async (input) => {
    if (!table.has(checkKey(input.Key)))
      throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
    return {};
  });
  dynamo.on(PutItemCommand).callsFake(async (input) => {
    checkKey(input.Item);
    return {};
  });
  dynamo.on(UpdateItemCommand).resolves({});
  dynamo.on(TransactWriteItemsCommand).resolves({});
  dynamo.on(BatchWriteItemCommand).resolves({});
  dynamo.on(QueryCommand).resolves({ Items: [] });
}

interface RequestSpec {
  readonly method: 'POST' | 'GET' | 'PATCH' | 'DELETE';
  readonly module: ModuleDeclaration;
  readonly id?: string;
  readonly body?: string;
  readonly isBase64Encoded?: boolean;
  readonly contentType?: string;
  readonly ifMatch?: string;
  readonly query?: Record<string, string>;
}

function eventOf(spec: RequestSpec): HttpEvent {
  const item = spec.id !== undefined;
  const headers: Record<string, string> = {};
  if (spec.contentType !== undefined) headers['content-type'] = spec.contentType;
  if (spec.ifMatch !== undefined) headers['if-match'] = spec.ifMatch;
  const path = item ? `/${spec.module.name}/{id}` : `/${spec.module.name}`;
  return {
    version: '2.0',
    routeKey: `${spec.method} ${path}`,
    rawPath: item ? `/${spec.module.name}/${encodeURIComponent(spec.id!)}` : `/${spec.module.name}`,
    rawQueryString: '',
    headers,
    ...(item ? { pathParameters: { id: spec.id! } } : {}),
    ...(spec.query ? { queryStringParameters: spec.query } : {}),
    ...(spec.body !== undefined ? { body: spec.body } : {}),
    isBase64Encoded: spec.isBase64Encoded ?? false,
    requestContext: {
      requestId: 'corr-fuzz',
      routeKey: `${spec.method} ${path}`,
      http: { method: spec.method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'jest' },
      authorizer: { jwt: { claims: { sub: 'staff-1' }, scopes: null } },
    },
  } as unknown as HttpEvent;
}

let handler: (event: HttpEvent, context: Context) => Promise<HttpResult>;
const context = { awsRequestId: 'req-fuzz', functionName: 'crm-records' } as Context;

interface Outcome {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly document: Record<string, unknown> | undefined;
  readonly writes: number;
}

async function send(spec: RequestSpec): Promise<Outcome> {
  dynamo.resetHistory();
  const response = await handler(eventOf(spec), context);
  const headers = (response.headers ?? {}) as Record<string, string>;
  return {
    status: response.statusCode ?? 0,
    headers,
    document: response.body ? (JSON.parse(response.body) as Record<string, unknown>) : undefined,
    writes: writesSent(),
  };
}

/** The invariant every malformed request must keep: a 4xx problem document and no write. */
function expectRefusedWithoutWrite(outcome: Outcome) {
  expect(outcome.status).toBeGreaterThanOrEqual(400);
  expect(outcome.status).toBeLessThan(500);
  expectProblem(outcome);
  expect(outcome.writes).toBe(0);
}

function expectProblem(outcome: Outcome) {
  expect(outcome.headers['content-type']).toBe('application/problem+json');
  expect(outcome.document).toMatchObject({ status: outcome.status, type: expect.stringMatching(/^\/problems\//) });
  expect(typeof outcome.document!.detail).toBe('string');
  if (outcome.status === 400 && Array.isArray(outcome.document!.errors)) {
    for (const error of outcome.document!.errors as { path: string; message: string }[]) {
      expect(error.path).toMatch(/^\//);
      expect(error.message).not.toBe('');
    }
  }
}

/** Never a 5xx; a 4xx is a problem document with no write; a 2xx wrote (create: exactly once). */
function expectSafe(outcome: Outcome, method: RequestSpec['method']) {
  expect(outcome.status).toBeLessThan(500);
  if (outcome.status >= 400) return expectRefusedWithoutWrite(outcome);
  if (method === 'POST') {
    expect(outcome.status).toBe(201);
    expect(outcome.writes).toBe(1);
  } else if (method === 'PATCH' || method === 'DELETE') {
    expect(outcome.writes).toBeGreaterThanOrEqual(1);
  }
}

/** Content types, labelled with whether they are JSON (`undefined`: random, no expectation). */
const contentTypes: fc.Arbitrary<{ contentType: string; json: boolean | undefined }> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .constantFrom(
        'application/json',
        'application/json; charset=utf-8',
        'Application/JSON',
        'application/merge-patch+json',
        'application/vnd.api+json',
      )
      .map((contentType) => ({ contentType, json: true })),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(
        'text/plain',
        'text/json',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/jsonp',
        'application/json-seq',
        'application/xml',
        'json',
        '',
      )
      .map((contentType) => ({ contentType, json: false })),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }).map((contentType) => ({ contentType, json: undefined })) },
);

/** Malformed bodies as they arrive on the wire. */
const malformedBody = (module: ModuleDeclaration): fc.Arbitrary<string> =>
  fc.oneof(
    fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)),
    fc.string({ unit: 'binary', maxLength: 60 }),
    fc.constantFrom('{', '{"a":}', '{"name": NaN}', "{'name':'x'}", '[]', 'null', '""', '0', '{} {}', '\ufeff{}', ' '),
    wrongFieldsObject(module).map((value) => JSON.stringify(value)),
    validWithOneWrong(module).map((value) => JSON.stringify(value)),
    validWithForbiddenKey(module).map(({ body }) => JSON.stringify(body)),
    fc.dictionary(fc.string({ maxLength: 10 }), wrongValue, { minKeys: 1, maxKeys: 5 }).map((v) => JSON.stringify(v)),
    // Number literals JSON.parse turns into Infinity, 0 or precision loss, in the module's number fields.
    fc
      .tuple(
        validBody(module),
        fc.constantFrom('total', 'quantity', 'unitPrice'),
        fc.constantFrom('1e309', '-1e309', '1e-400', '-0', '1E2', '123456789012345678901234567890', '0.000000001'),
      )
      .map(([{ body }, field, literal]) => {
        const withMarker = { ...body, ...(field === 'total' ? { total: 0 } : {}) } as Record<string, unknown>;
        if (field !== 'total' && Array.isArray(withMarker.lineItems) && withMarker.lineItems.length > 0) {
          withMarker.lineItems = [{ description: 'line', quantity: 1, unitPrice: 1, [field]: 0 }];
        }
        return JSON.stringify(withMarker).replace(new RegExp(`"${field}":0(?=[,}])`), `"${field}":${literal}`);
      }),
  );

/** How the body travels: plain, or base64 (well-formed or not), under some content type. */
const onTheWire = (body: fc.Arbitrary<string>) =>
  fc
    .record({ body, type: contentTypes, encoding: fc.constantFrom('plain', 'plain', 'base64', 'bogus-base64') })
    .map(({ body: text, type, encoding }) => ({
      body: encoding === 'base64' ? Buffer.from(text, 'utf8').toString('base64') : text,
      isBase64Encoded: encoding !== 'plain',
      contentType: type.contentType,
      json: type.json,
    }));
type Wire = { body: string; isBase64Encoded: boolean; contentType: string; json: boolean | undefined };

/**
 * What the request layer must answer for a body, worked out from the HTTP rules rather than the code:
 * 400 for no body, 413 over 64 KiB (decoded bytes), 415 for a non-JSON type, 400 for bad JSON or a non-object,
 * `'passes'` when a JSON object reaches the module, `undefined` when the content type is random.
 */
function expectedWireStatus(wire: Wire): number | undefined | 'passes' {
  if (wire.body === '') return 400;
  const raw = wire.isBase64Encoded ? Buffer.from(wire.body, 'base64') : Buffer.from(wire.body, 'utf8');
  if (raw.length > maxBodyBytes) return 413;
  if (wire.json === undefined) return undefined;
  if (!wire.json) return 415;
  try {
    return isPlainObject(JSON.parse(raw.toString('utf8'))) ? 'passes' : 400;
  } catch {
    return 400;
  }
}

/** If-Match headers, labelled with whether they match the stored version 3 (`undefined`: random). */
const ifMatch: fc.Arbitrary<{ tag: string | undefined; matches: boolean | undefined }> = fc.oneof(
  fc.constantFrom(undefined, '"v3"', '*', ' "v3" ', '"v3", "v4"').map((tag) => ({ tag, matches: true })),
  fc.constantFrom('"v2"', 'W/"v3"', 'v3', '""', '"v03"', '"V3"').map((tag) => ({ tag, matches: false })),
  fc.string({ maxLength: 12 }).map((tag) => ({ tag, matches: undefined })),
);

const runs = { numRuns: 600 };

beforeAll(async () => {
  process.env.TABLE_NAME = 'portico-test';
  process.env.AWS_REGION = 'eu-west-1';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  ({ handler } = await import('../../functions/crm-records'));
});
afterAll(() => dynamo.restore());

describe('the staff records handler under malformed requests', () => {
  beforeEach(emulateTable);

  it('POST: malformed bodies, content types and encodings never answer 5xx and never write', async () => {
    const request = anyModule.chain((module) => fc.tuple(fc.constant(module), onTheWire(malformedBody(module))));
    await fc.assert(
      fc.asyncProperty(request, async ([module, wire]) => {
        const outcome = await send({ method: 'POST', module, ...wire });
        expectSafe(outcome, 'POST');
        const expected = expectedWireStatus(wire);
        if (expected === undefined) return;
        if (expected !== 'passes') {
          expect(outcome.status).toBe(expected);
          return;
        }
        // The body reached the module: the answer is exactly the validator's verdict.
        const raw = wire.isBase64Encoded ? Buffer.from(wire.body, 'base64') : Buffer.from(wire.body, 'utf8');
        const input = JSON.parse(raw.toString('utf8')) as unknown;
        let errors: unknown;
        try {
          validate(module.schema, input, module.label);
        } catch (error) {
          errors = (error as ValidationFailed).extensions.errors;
        }
        if (errors === undefined) expect(outcome.status).toBe(201);
        else expect({ status: outcome.status, errors: outcome.document!.errors }).toEqual({ status: 400, errors });
      }),
      runs,
    );
  });

  it('POST: a body without a JSON content type is 415 and one that is not a JSON object is 400', async () => {
    const request = anyModule.chain((module) =>
      fc.tuple(
        fc.constant(module),
        validBody(module).map(({ body }) => JSON.stringify(body)),
        fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/jsonp'),
        fc.oneof(
          fc.jsonValue().filter((value) => !isPlainObject(value)),
          fc.constantFrom('{', 'NaN', "{'a':1}"),
        ),
      ),
    );
    await fc.assert(
      fc.asyncProperty(request, async ([module, valid, wrongType, notAnObject]) => {
        const unsupported = await send({ method: 'POST', module, body: valid, contentType: wrongType });
        expect(unsupported.status).toBe(415);
        expectRefusedWithoutWrite(unsupported);
        const raw = typeof notAnObject === 'string' ? notAnObject : JSON.stringify(notAnObject);
        const refused = await send({ method: 'POST', module, body: raw, contentType: 'application/json' });
        expect(refused.status).toBe(400);
        expectRefusedWithoutWrite(refused);
      }),
      { numRuns: 100 },
    );
  });

  it('POST: a valid body with a server-owned key is 400 at that key, without a write', async () => {
    const request = anyModule.chain((module) => fc.tuple(fc.constant(module), validWithForbiddenKey(module)));
    await fc.assert(
      fc.asyncProperty(request, async ([module, { body, key }]) => {
        const outcome = await send({
          method: 'POST',
          module,
          body: JSON.stringify(body),
          contentType: 'application/json',
        });
        expect(outcome.status).toBe(400);
        expectRefusedWithoutWrite(outcome);
        expect(outcome.document!.errors).toContainEqual({ path: `/${key}`, message: 'unknown field' });
      }),
      { numRuns: 150 },
    );
  });

  it('bodies over 64 KiB (counted in bytes, after base64 decoding) are 413 without a write', async () => {
    const request = fc.record({
      module: anyModule,
      method: fc.constantFrom('POST' as const, 'PATCH' as const),
      extra: fc.integer({ min: 1, max: 5000 }),
      filler: fc.constantFrom('x', 'é', '€', '😀'),
      base64: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(request, async ({ module, method, extra, filler, base64 }) => {
        const head = '{"name":"';
        const fillerBytes = Buffer.byteLength(filler);
        const count = Math.ceil((maxBodyBytes + extra - head.length - 2) / fillerBytes);
        const body = `${head}${filler.repeat(count)}"}`;
        expect(Buffer.byteLength(body)).toBeGreaterThan(maxBodyBytes);
        const outcome = await send({
          method,
          module,
          ...(method === 'PATCH' ? { id: existingId(module) } : {}),
          body: base64 ? Buffer.from(body).toString('base64') : body,
          isBase64Encoded: base64,
          contentType: 'application/json',
        });
        expect(outcome.status).toBe(413);
        expectRefusedWithoutWrite(outcome);
      }),
      { numRuns: 40 },
    );
  });

  it('a valid body of exactly 64 KiB is accepted, one byte more is 413', async () => {
    const module = modules.find((m) => m.name === 'organizations')!;
    const exact = JSON.stringify({ name: 'Acme' }).replace('}', ' '.repeat(maxBodyBytes - 15) + '}');
    expect(Buffer.byteLength(exact)).toBe(maxBodyBytes);
    const ok = await send({ method: 'POST', module, body: exact, contentType: 'application/json' });
    expect(ok.status).toBe(201);
    const tooLarge = await send({ method: 'POST', module, body: exact + ' ', contentType: 'application/json' });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.writes).toBe(0);
  });

  it('PATCH: malformed bodies and If-Match headers never answer 5xx and never write when refused', async () => {
    const request = anyModule.chain((module) =>
      fc.tuple(fc.constant(module), onTheWire(malformedBody(module)), ifMatch),
    );
    await fc.assert(
      fc.asyncProperty(request, async ([module, wire, { tag, matches }]) => {
        const outcome = await send({ method: 'PATCH', module, id: existingId(module), ...wire, ifMatch: tag });
        expectSafe(outcome, 'PATCH');
        const expected = expectedWireStatus(wire);
        if (expected === undefined) return;
        if (expected !== 'passes') expect(outcome.status).toBe(expected);
        else if (matches === false) expect(outcome.status).toBe(412);
        else if (matches === true) expect([200, 400]).toContain(outcome.status);
      }),
      runs,
    );
  });

  it('PATCH: a stale or weak If-Match is 412 and nothing is written, whatever the body', async () => {
    const request = anyModule.chain((module) =>
      fc.tuple(
        fc.constant(module),
        fc.oneof(
          validBody(module).map(({ body }) => JSON.stringify(body)),
          fc.constant('{}'),
        ),
        fc.constantFrom('"v2"', '"v4"', 'W/"v3"', '"v1", "v2"', 'garbage', '"v03"'),
      ),
    );
    await fc.assert(
      fc.asyncProperty(request, async ([module, body, tag]) => {
        const outcome = await send({
          method: 'PATCH',
          module,
          id: existingId(module),
          body,
          contentType: 'application/json',
          ifMatch: tag,
        });
        expect(outcome.status).toBe(412);
        expectRefusedWithoutWrite(outcome);
      }),
      { numRuns: 100 },
    );
  });

  it('GET, PATCH and DELETE with malformed ids (under 2 KiB) are 404 without a write', async () => {
    const malformedId = (module: ModuleDeclaration) =>
      fc
        .oneof(
          fc.string({ maxLength: 60 }),
          fc.string({ unit: 'binary', maxLength: 60 }),
          fc.tuple(fc.constantFrom(...prefixes), fc.string({ maxLength: 60 })).map(([p, rest]) => `${p}_${rest}`),
          uuid.map((u) => `${module.idPrefix}_${u.toUpperCase()}`),
          uuid.map((u) => `${module.idPrefix}_${u}_`),
          uuid.map((u) => `${module.idPrefix}${u}`),
          fc.constantFrom('', '_', `${module.idPrefix}_`, `${module.idPrefix}_../../etc/passwd`, `${existingUuid}`),
          // The existing record of another module is not this module's.
          fc.constantFrom(...modules.filter((m) => m.name !== module.name)).map((other) => existingId(other)),
        )
        .filter((id) => id !== existingId(module));
    const request = anyModule.chain((module) =>
      fc.tuple(
        fc.constant(module),
        // An organization's delete is a conditional write by design; its malformed ids are tested below.
        fc.constantFrom(...(module.kind === 'organization' ? ['GET', 'PATCH'] : ['GET', 'PATCH', 'DELETE'])),
        malformedId(module),
      ),
    );
    await fc.assert(
      fc.asyncProperty(request, async ([module, method, id]) => {
        const outcome = await send({
          method: method as RequestSpec['method'],
          module,
          id,
          body: '{}',
          contentType: 'application/json',
        });
        expect(outcome.status).toBe(404);
        expectRefusedWithoutWrite(outcome);
      }),
      runs,
    );
  });

  it('well-formed ids of records that do not exist are 404', async () => {
    const request = anyModule.chain((module) =>
      fc.tuple(
        fc.constant(module),
        fc.constantFrom('GET', 'PATCH', 'DELETE'),
        uuid.filter((u) => u !== existingUuid).map((u) => `${module.idPrefix}_${u}`),
      ),
    );
    await fc.assert(
      fc.asyncProperty(request, async ([module, method, id]) => {
        const outcome = await send({
          method: method as RequestSpec['method'],
          module,
          id,
          body: '{}',
          contentType: 'application/json',
        });
        expect(outcome.status).toBe(404);
        expectProblem(outcome);
        // Only the organization delete may try its conditional DeleteItem, which DynamoDB refuses.
        expect(outcome.writes).toBe(method === 'DELETE' && module.kind === 'organization' ? 1 : 0);
      }),
      { numRuns: 100 },
    );
  });

  // An id that is not `<prefix>_<uuid>` cannot exist and must never reach DynamoDB.
  it('DELETE of an organization with a malformed id sends no write', async () => {
    const organizations = modules.filter((module) => module.kind === 'organization');
    for (const module of organizations) {
      for (const id of [
        `${module.idPrefix}_`,
        `${module.idPrefix}_not-a-uuid`,
        `${module.idPrefix}_${'9'.repeat(36)}`,
      ]) {
        const outcome = await send({ method: 'DELETE', module, id });
        expect(outcome.status).toBe(404);
        expect(outcome.writes).toBe(0);
      }
    }
  });

  // DynamoDB refuses keys over 2048 bytes with a ValidationException; such ids must be a 404 before any call.
  it('ids longer than DynamoDB allows for a key are 404, not 500', async () => {
    const request = fc.record({
      module: anyModule,
      method: fc.constantFrom('GET' as const, 'PATCH' as const, 'DELETE' as const),
      length: fc.integer({ min: 2049, max: 8000 }),
    });
    await fc.assert(
      fc.asyncProperty(request, async ({ module, method, length }) => {
        const id = `${module.idPrefix}_${'a'.repeat(length)}`;
        const outcome = await send({ method, module, id, body: '{}', contentType: 'application/json' });
        expect(outcome.status).toBe(404);
        expectRefusedWithoutWrite(outcome);
      }),
      { numRuns: 30 },
    );
  });

  // Assigning `result['__proto__']` would replace the prototype and hide the member from the strict schema.
  it('PATCH: a "__proto__" member is refused as an unknown field, without a write', async () => {
    const request = anyModule.chain((module) =>
      fc.tuple(
        fc.constant(module),
        fc.oneof(
          fc.constant({ [titleField(module)]: 'Injected', lastName: 'Injected', name: 'Injected' }),
          fc.dictionary(fc.constantFrom(...fieldNames(module)), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 2 }),
        ),
      ),
    );
    await fc.assert(
      fc.asyncProperty(request, async ([module, inner]) => {
        const body = `{"__proto__":${JSON.stringify(inner)}}`;
        const id = existingId(module);
        const outcome = await send({ method: 'PATCH', module, id, body, contentType: 'application/json' });
        expect(outcome.status).toBe(400);
        expectRefusedWithoutWrite(outcome);
      }),
      { numRuns: 50 },
    );
  });

  it('POST: a "__proto__" member is refused as an unknown field', async () => {
    for (const module of modules) {
      const body = `{"__proto__":{"${titleField(module)}":"x"}}`;
      const outcome = await send({ method: 'POST', module, body, contentType: 'application/json' });
      expect(outcome.status).toBe(400);
      expect(outcome.document!.errors).toContainEqual({ path: '/__proto__', message: 'unknown field' });
      expect(outcome.writes).toBe(0);
    }
  });

  // A 64 KiB body can nest ~10,900 levels deep; anything that recurses over it would overflow the stack.
  it('deeply nested bodies that fit in 64 KiB are refused, not a 500', async () => {
    const deepest = Math.floor((maxBodyBytes - 1) / 6);
    const nested = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
    expect(Buffer.byteLength(nested(deepest))).toBeLessThanOrEqual(maxBodyBytes);
    const request = fc.record({
      module: anyModule,
      method: fc.constantFrom('POST' as const, 'PATCH' as const),
      depth: fc.integer({ min: 1, max: deepest }),
    });
    await fc.assert(
      fc.asyncProperty(request, async ({ module, method, depth }) => {
        const outcome = await send({
          method,
          module,
          ...(method === 'PATCH' ? { id: existingId(module) } : {}),
          body: nested(depth),
          contentType: 'application/json',
        });
        expect(outcome.status).toBe(400);
        expectRefusedWithoutWrite(outcome);
      }),
      { numRuns: 40, examples: [[{ module: shown(modules[2]!), method: 'PATCH', depth: deepest }]] },
    );
  });

  // Unbounded line totals could pass Number.MAX_SAFE_INTEGER, which marshall() refuses with a plain Error.
  it('POST sales-orders: line items within the field limits never make a 500', async () => {
    const module = modules.find((m) => m.name === 'sales-orders')!;
    const request = fc.array(
      fc.record({
        quantity: fc.integer({ min: 1, max: 1_000_000_000 }),
        unitPrice: fc.integer({ min: 0, max: 100_000_000_000_000 }).map((c) => c / 100),
      }),
      { minLength: 1, maxLength: 5 },
    );
    await fc.assert(
      fc.asyncProperty(request, async (lines) => {
        const body = JSON.stringify({
          subject: 'Big order',
          contactId: `con_${existingUuid}`,
          lineItems: lines.map((line) => ({ description: 'line', ...line })),
        });
        const outcome = await send({ method: 'POST', module, body, contentType: 'application/json' });
        expect(outcome.status).toBeLessThan(500);
      }),
      { numRuns: 50, examples: [[[{ quantity: 10_000, unitPrice: 1e12 }]]] },
    );
  });

  it('list routes: random query strings are 200 or 400 and never write', async () => {
    const request = anyModule.chain((module) => {
      const value = fc.oneof(
        fc.string({ maxLength: 20 }),
        fc.constantFrom(
          '1',
          '25',
          '100',
          '101',
          '0',
          '-1',
          '1.5',
          '1e2',
          'abc',
          '',
          ' 5',
          '0010',
          '99999999999999999999',
        ),
        fc.constantFrom(' Jane@Example.COM ', 'not-an-email', `org_${existingUuid}`, `porg_${existingUuid}`),
        fc.constantFrom(`con_${existingUuid}`, `lead_${existingUuid}`, `tkt_${existingUuid}`),
        fc.base64String({ maxLength: 40 }),
        fc
          .record({ pk: fc.string(), sk: fc.string(), gsi1pk: fc.constant(module.name), gsi1sk: fc.string() })
          .map((key) => Buffer.from(JSON.stringify(key)).toString('base64url')),
      );
      const name = fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom('limit', 'cursor', 'email', 'organizationId', 'contactId') },
        { weight: 1, arbitrary: fc.string({ maxLength: 10 }) },
        { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString', 'Limit', 'filter') },
      );
      const query = fc
        .array(fc.tuple(name, value), { maxLength: 4 })
        .map((pairs) => JSON.parse(JSON.stringify(Object.fromEntries(pairs))) as Record<string, string>);
      return fc.tuple(fc.constant(module), fc.option(query, { nil: undefined }));
    });
    await fc.assert(
      fc.asyncProperty(request, async ([module, query]) => {
        const outcome = await send({ method: 'GET', module, ...(query ? { query } : {}) });
        expect([200, 400]).toContain(outcome.status);
        expect(outcome.writes).toBe(0);
        const queries = dynamo.commandCalls(QueryCommand);
        if (outcome.status === 400) {
          expectProblem(outcome);
          expect((outcome.document!.errors as unknown[]).length).toBeGreaterThanOrEqual(1);
          expect(queries).toHaveLength(0);
        } else {
          expect(queries).toHaveLength(1);
          const limit = queries[0]!.args[0].input.Limit!;
          expect(limit).toBeGreaterThanOrEqual(1);
          expect(limit).toBeLessThanOrEqual(100);
        }
      }),
      runs,
    );
  });

  it('list routes: a cursor the list returned is accepted, the same cursor on another list is 400', async () => {
    const request = fc.tuple(anyModule, anyModule, fc.string({ minLength: 1, maxLength: 40 }));
    await fc.assert(
      fc.asyncProperty(request, async ([module, other, suffix]) => {
        const cursor = encodeCursor(
          marshall({ pk: `x_${suffix}`, sk: 'RECORD', gsi1pk: module.name, gsi1sk: `${createdAt}#${suffix}` }),
        )!;
        const own = await send({ method: 'GET', module, query: { cursor } });
        expect(own.status).toBe(200);
        const input = dynamo.commandCalls(QueryCommand)[0]!.args[0].input as QueryCommandInput;
        expect(unmarshall(input.ExclusiveStartKey!)).toEqual({
          pk: `x_${suffix}`,
          sk: 'RECORD',
          gsi1pk: module.name,
          gsi1sk: `${createdAt}#${suffix}`,
        });
        if (other.name !== module.name) {
          const foreign = await send({ method: 'GET', module: other, query: { cursor } });
          expect(foreign.status).toBe(400);
          expect(foreign.document!.errors).toEqual([{ path: '/cursor', message: 'invalid cursor' }]);
          expect(dynamo.commandCalls(QueryCommand)).toHaveLength(0);
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('the staff records handler with valid bodies', () => {
  beforeEach(emulateTable);

  /** The record item a create wrote: the lone PutItem, or the transaction's Put of a RECORD item. */
  function writtenRecord(): Record<string, unknown> {
    const put = dynamo.commandCalls(PutItemCommand)[0]?.args[0].input.Item;
    const transact = dynamo
      .commandCalls(TransactWriteItemsCommand)[0]
      ?.args[0].input.TransactItems?.find((item) => item.Put?.Item?.sk?.S === 'RECORD')?.Put?.Item;
    return unmarshall((put ?? transact)!);
  }

  it('POST: every valid body is created (201) with exactly one write, normalised and defaulted', async () => {
    const request = anyModule.chain((module) => fc.tuple(fc.constant(module), validBody(module)));
    await fc.assert(
      fc.asyncProperty(request, async ([module, { body, expected }]) => {
        const outcome = await send({
          method: 'POST',
          module,
          body: JSON.stringify(body),
          contentType: 'application/json; charset=utf-8',
        });
        expect(outcome.status).toBe(201);
        expect(outcome.writes).toBe(1);
        const record = outcome.document!;
        expect(record.id).toMatch(new RegExp(`^${module.idPrefix}_[0-9a-f-]{36}$`));
        expect(record).toMatchObject({ ...expected, version: 1, createdBy: 'staff-1', updatedBy: 'staff-1' });
        expect(outcome.headers).toMatchObject({ location: `/${module.name}/${String(record.id)}`, etag: '"v1"' });
        const stored = writtenRecord();
        expect(stored).toMatchObject({ pk: record.id, sk: 'RECORD', module: module.name, gsi1pk: module.name });
        for (const hidden of ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'module', 'linkCount'])
          expect(record).not.toHaveProperty(hidden);
      }),
      { numRuns: 500 },
    );
  });

  it('PATCH: a valid body on an existing record answers 200 with the next version', async () => {
    const request = anyModule.chain((module) =>
      fc.tuple(
        fc.constant(module),
        validBody(module),
        fc.constantFrom(undefined, '*', '"v3"', ' "v3" ', 'W/"v3", "v3"'),
      ),
    );
    await fc.assert(
      fc.asyncProperty(request, async ([module, { body, expected }, tag]) => {
        const outcome = await send({
          method: 'PATCH',
          module,
          id: existingId(module),
          body: JSON.stringify(body),
          contentType: 'application/json',
          ifMatch: tag,
        });
        expect(outcome.status).toBe(200);
        expect(outcome.writes).toBeGreaterThanOrEqual(1);
        expect(outcome.document).toMatchObject({ ...expected, id: existingId(module), version: 4 });
        expect(outcome.headers.etag).toBe('"v4"');
      }),
      { numRuns: 150 },
    );
  });

  // If-Match holds when ANY listed tag matches (RFC 9110 §13.1.1), not only the first.
  it('PATCH and DELETE: an If-Match list that names the current version anywhere in it succeeds', async () => {
    const contacts = shown(modules.find((m) => m.name === 'contacts')!);
    for (const tag of ['"v3", "v9"', '"v9", "v3"', '"v1", "v2", "v3"']) {
      const patched = await send({
        method: 'PATCH',
        module: contacts,
        id: existingId(contacts),
        body: '{"title":"Dr"}',
        contentType: 'application/json',
        ifMatch: tag,
      });
      expect({ tag, status: patched.status }).toEqual({ tag, status: 200 });
      const deleted = await send({ method: 'DELETE', module: contacts, id: existingId(contacts), ifMatch: tag });
      expect({ tag, status: deleted.status }).toEqual({ tag, status: 204 });
    }
  });
});
