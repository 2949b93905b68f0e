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
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { type Context } from 'aws-lambda';
import fc from 'fast-check';
import { type HttpEvent, type HttpResult } from '../../../shared/http/http-handler';
import { maxBodyBytes } from '../../../shared/http/request';
import { modules, type ModuleDeclaration } from '../../../shared/modules/registry';
import { writesSentBy } from './failures';
import {
  titleField,
  wrongValue,
  validBody,
  wrongFieldsObject,
  validWithOneWrong,
  validWithForbiddenKey,
  isPlainObject,
} from './record-arbitraries';

/**
 * The staff CRUD handler in-process against a mocked DynamoDB that records every write and emulates just enough of
 * the service (items by key, the organization delete's existence condition, the 2048-byte partition key limit) to
 * answer like the real one.
 */

export const dynamo = mockClient(DynamoDBClient);
export const writesSent = () => writesSentBy(dynamo);

export const existingUuid = '00000000-0000-4000-8000-000000000001';
export const existingId = (module: ModuleDeclaration) => `${module.idPrefix}_${existingUuid}`;
export const createdAt = '2025-01-02T03:04:05.678Z';

/** A stored record of each module that its schema accepts, at version 3. */
export function storedItem(module: ModuleDeclaration): Record<string, unknown> {
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
        : module.name === 'deal-registrations'
          ? {
              ...module.defaults,
              companyName: 'Existing GmbH',
              contactName: 'Erin Existing',
              contactEmail: 'erin@existing.example',
              estimatedValue: 1000,
              currency: 'EUR',
              expectedCloseDate: '2027-01-31',
              organizationId: `porg_${existingUuid}`,
            }
          : { ...module.defaults, [titleField(module)]: 'Existing', organizationId: `org_${existingUuid}` };
  const item = { pk: id, sk: 'RECORD', module: module.name, ...fields, id, version: 3, createdAt };
  return { ...item, updatedAt: createdAt, createdBy: 'staff-0', updatedBy: 'staff-0', ...module.derive?.(fields) };
}

export const table = new Map<string, Record<string, AttributeValue>>(
  modules.map((module) => [existingId(module), marshall(storedItem(module), { removeUndefinedValues: true })]),
);

/** What DynamoDB answers for a partition key over 2048 bytes. */
export const keyTooLarge = () =>
  new DynamoDBServiceException({
    name: 'ValidationException',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
    message:
      'One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of 2048 bytes',
  });
export const checkKey = (key: Record<string, AttributeValue> | undefined) => {
  if (Buffer.byteLength(key?.pk?.S ?? '', 'utf8') > 2048) throw keyTooLarge();
  return key!.pk!.S!;
};

export function emulateTable() {
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

export interface RequestSpec {
  readonly method: 'POST' | 'GET' | 'PATCH' | 'DELETE';
  readonly module: ModuleDeclaration;
  readonly id?: string;
  readonly body?: string;
  readonly isBase64Encoded?: boolean;
  readonly contentType?: string;
  readonly ifMatch?: string;
  readonly query?: Record<string, string>;
}

export function eventOf(spec: RequestSpec): HttpEvent {
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
export const context = { awsRequestId: 'req-fuzz', functionName: 'crm-records' } as Context;

export interface Outcome {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly document: Record<string, unknown> | undefined;
  readonly writes: number;
}

export async function send(spec: RequestSpec): Promise<Outcome> {
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
export function expectRefusedWithoutWrite(outcome: Outcome) {
  expect(outcome.status).toBeGreaterThanOrEqual(400);
  expect(outcome.status).toBeLessThan(500);
  expectProblem(outcome);
  expect(outcome.writes).toBe(0);
}

export function expectProblem(outcome: Outcome) {
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
export function expectSafe(outcome: Outcome, method: RequestSpec['method']) {
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
export const contentTypes: fc.Arbitrary<{ contentType: string; json: boolean | undefined }> = fc.oneof(
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
export const malformedBody = (module: ModuleDeclaration): fc.Arbitrary<string> =>
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
export const onTheWire = (body: fc.Arbitrary<string>) =>
  fc
    .record({ body, type: contentTypes, encoding: fc.constantFrom('plain', 'plain', 'base64', 'bogus-base64') })
    .map(({ body: text, type, encoding }) => ({
      body: encoding === 'base64' ? Buffer.from(text, 'utf8').toString('base64') : text,
      isBase64Encoded: encoding !== 'plain',
      contentType: type.contentType,
      json: type.json,
    }));
export type Wire = { body: string; isBase64Encoded: boolean; contentType: string; json: boolean | undefined };

/**
 * What the request layer must answer for a body, worked out from the HTTP rules rather than the code:
 * 400 for no body, 413 over 64 KiB (decoded bytes), 415 for a non-JSON type, 400 for bad JSON or a non-object,
 * `'passes'` when a JSON object reaches the module, `undefined` when the content type is random.
 */
export function expectedWireStatus(wire: Wire): number | undefined | 'passes' {
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
export const ifMatch: fc.Arbitrary<{ tag: string | undefined; matches: boolean | undefined }> = fc.oneof(
  fc.constantFrom(undefined, '"v3"', '*', ' "v3" ', '"v3", "v4"').map((tag) => ({ tag, matches: true })),
  fc.constantFrom('"v2"', 'W/"v3"', 'v3', '""', '"v03"', '"V3"').map((tag) => ({ tag, matches: false })),
  fc.string({ maxLength: 12 }).map((tag) => ({ tag, matches: undefined })),
);

export const runs = { numRuns: 600 };

/** Loads the handler once with a test environment, and puts the DynamoDB client back after the file. */
export function useRecordsHandler() {
  beforeAll(async () => {
    process.env.TABLE_NAME = 'portico-test';
    // What approving a deal registration reads (shared/deals/deal-config.ts).
    process.env.TIME_ZONE = 'UTC';
    process.env.DEAL_PROTECTION_DAYS = '90';
    process.env.AWS_REGION = 'eu-west-1';
    process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
    ({ handler } = await import('../../../functions/crm-records'));
  });
  afterAll(() => dynamo.restore());
}
