import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import Ajv2020 from 'ajv/dist/2020';
import type { Context } from 'aws-lambda';
import { routeTable, type RouteBinding } from '../../shared/declarations/functions';
import type { HttpEvent } from '../../shared/http/http-handler';
import { moduleRoutes } from '../../shared/modules/module-routes';
import { findModule, modules, type ModuleDeclaration, type ModuleName } from '../../shared/modules/registry';
import { buildOpenApiDocument, type JsonObject, type OpenApiDocument } from '../../shared/openapi/openapi-document';
import { toPublicRecord } from '../../shared/records/public-record';
import { applyMergePatch } from '../../shared/records/merge-patch';
import fc from 'fast-check';
import { validBody } from './support/record-arbitraries';
import * as v from 'valibot';

/**
 * The validator ships as ESM only (and reads its schemas through `import.meta.url`), which jest's CommonJS
 * runtime cannot load; its own CLI runs it in a separate Node process instead.
 */
async function validateOpenApi(document: unknown): Promise<{ valid: boolean; errors?: unknown }> {
  const dir = mkdtempSync(join(tmpdir(), 'portico-openapi-'));
  const file = join(dir, 'openapi.json');
  writeFileSync(file, JSON.stringify(document));
  const packageDir = dirname(require.resolve('@seriousme/openapi-schema-validator/package.json'));
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [
      join(packageDir, 'bin', 'validate-api-cli.js'),
      file,
    ]);
    return JSON.parse(stdout);
  } catch (error) {
    // The CLI prints the result and exits 1 when the document is not valid.
    const { stdout } = error as { stdout?: string };
    if (stdout?.trim().startsWith('{')) return JSON.parse(stdout);
    throw error;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const routes = routeTable();
const document = buildOpenApiDocument({ routes, modules });
const schemas = document.components.schemas;

/** Every component schema compiled by a JSON Schema 2020-12 validator, `$ref`s between them resolved. */
function schemaValidator(doc: OpenApiDocument) {
  // In 2020-12 `format` is an annotation unless a format-assertion vocabulary is asked for.
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, validateFormats: false, allErrors: true });
  ajv.addVocabulary(['components']);
  ajv.addSchema({ $id: 'urn:portico:openapi', components: { schemas: doc.components.schemas } });
  return (name: string) => {
    const validate = ajv.getSchema(`urn:portico:openapi#/components/schemas/${name}`);
    if (!validate) throw new Error(`No schema ${name}`);
    return (value: unknown) => (validate(value) ? [] : (validate.errors ?? []));
  };
}
const validatorFor = schemaValidator(document);

const moduleOf = (name: ModuleName): ModuleDeclaration => findModule(name)!;
const schemaNames = (module: ModuleDeclaration) => {
  const singular = module.label.replace(/(^|\s)(\w)/g, (_, _space, letter: string) => letter.toUpperCase());
  return [singular, `${singular}Input`, `${singular}Patch`, `${singular}Page`] as const;
};
const properties = (schema: JsonObject | undefined) => (schema?.properties ?? {}) as Record<string, JsonObject>;
const httpMethods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

describe('buildOpenApiDocument', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    expect(document.openapi).toBe('3.1.0');
    const result = await validateOpenApi(document);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    // The validator compiles the OpenAPI meta-schema: seconds on a loaded 2-core machine.
  }, 60_000);

  it('is refused by the validator when broken (the check is not vacuous)', async () => {
    const broken = structuredClone(document) as unknown as JsonObject & { paths: Record<string, JsonObject> };
    (broken.paths['/health'] as JsonObject).get = { responses: { 200: { content: {} } } }; // no description
    expect((await validateOpenApi(broken)).valid).toBe(false);
    const dangling = structuredClone(document) as unknown as JsonObject & { components: { schemas: JsonObject } };
    delete dangling.components.schemas.Problem;
    expect((await validateOpenApi(dangling)).valid).toBe(false);
  }, 60_000);

  it('documents the staff password reset of every people module: 202, 404, 409, and a 429 with Retry-After', () => {
    const people = modules.filter((module) => module.kind === 'person');
    expect(people.length).toBeGreaterThan(0);
    for (const module of people) {
      const operation = document.paths[`/${module.name}/{id}/portal-access/password-reset`]?.post as JsonObject;
      const responses = operation.responses as Record<string, JsonObject>;
      expect(Object.keys(responses).sort()).toEqual(['202', '401', '404', '409', '429', '500', '503']);
      expect(JSON.stringify(responses['409'])).toContain('application/problem+json');
      // The per-person limit, not API Gateway's throttling (which has no Retry-After).
      expect(responses['429']!.headers).toHaveProperty('retry-after');
      expect(operation.requestBody).toBeUndefined();
    }
  });

  it('describes every route of the route table exactly once, with the security its auth names', () => {
    const operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((key) => httpMethods.includes(key))
        .map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect([...operations].sort()).toEqual(routes.map((route) => route.routeKey).sort());
    expect(routes.map((route) => route.routeKey)).toEqual(
      expect.arrayContaining(['GET /health', 'GET /me', 'GET /openapi.json', 'POST /contacts', 'DELETE /quotes/{id}']),
    );
    const expected = { none: [], staff: [{ staffJwt: [] }], portal: [{ portalJwt: [] }] };
    for (const route of routes) {
      const operation = document.paths[route.path]![route.method.toLowerCase()]!;
      expect([route.routeKey, operation.security]).toEqual([route.routeKey, expected[route.auth]]);
      const responses = operation.responses as JsonObject;
      expect([route.routeKey, '401' in responses]).toEqual([route.routeKey, route.auth !== 'none']);
    }
    expect(document.paths['/health']!.get!.security).toEqual([]);
    expect(document.paths['/openapi.json']!.get!.security).toEqual([]);
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual(['portalJwt', 'staffJwt']);
    for (const scheme of Object.values(document.components.securitySchemes)) {
      expect(scheme).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    }
  });

  it('gives every operation a unique operationId', () => {
    const ids = Object.values(document.paths).flatMap((item) => Object.values(item).map((op) => op.operationId));
    expect(ids.every((id) => typeof id === 'string')).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('has the schemas of every module, and the problem schemas', () => {
    for (const module of modules) {
      for (const name of schemaNames(module))
        expect([module.name, name, name in schemas]).toEqual([module.name, name, true]);
    }
    expect(schemaNames(moduleOf('sales-orders'))).toEqual([
      'SalesOrder',
      'SalesOrderInput',
      'SalesOrderPatch',
      'SalesOrderPage',
    ]);
    expect(schemas.Problem).toMatchObject({
      required: expect.arrayContaining(['type', 'title', 'status', 'detail', 'correlationId']),
    });
    expect(JSON.stringify(schemas.ValidationProblem)).toContain('"errors"');
  });

  it('compiles every schema as JSON Schema 2020-12 with no $schema left in', () => {
    for (const name of Object.keys(schemas)) expect(() => validatorFor(name)).not.toThrow();
    expect(JSON.stringify(schemas)).not.toContain('$schema');
  });

  it('refuses unknown members in every create body', () => {
    for (const module of modules) {
      const [, input] = schemaNames(module);
      expect([input, schemas[input]!.additionalProperties]).toEqual([input, false]);
    }
  });

  it('keeps the portal PIN write-only: in ContactInput, not in Contact, which shows hasPin', () => {
    const inputPortal = properties(schemas.ContactInput).portal!;
    expect(properties(inputPortal).pin).toMatchObject({ type: 'string', writeOnly: true });
    const outputPortal = properties(schemas.Contact).portal!;
    expect(properties(outputPortal)).not.toHaveProperty('pin');
    expect(properties(outputPortal).hasPin).toMatchObject({ type: 'boolean', readOnly: true });
    expect(JSON.stringify(schemas.Contact)).not.toMatch(/"pin(Hash)?"/);
  });

  it('shows the sales order total as read-only output, never as input', () => {
    expect(properties(schemas.SalesOrder).total).toMatchObject({ type: 'number', readOnly: true });
    expect(schemas.SalesOrder!.required).toContain('total');
    expect(properties(schemas.SalesOrderInput)).not.toHaveProperty('total');
    expect(properties(schemas.SalesOrderPatch)).not.toHaveProperty('total');
    for (const field of ['id', 'version', 'createdAt', 'createdBy', 'updatedAt', 'updatedBy']) {
      expect([field, properties(schemas.SalesOrder)[field]?.readOnly]).toEqual([field, true]);
      expect(properties(schemas.SalesOrderInput)).not.toHaveProperty(field);
    }
  });

  it('accepts a contact body the registry accepts, and refuses what it refuses', () => {
    const contacts = moduleOf('contacts');
    const body = {
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'ada@example.com',
      phone: '+44 20 7946 0000',
      mailingAddress: { street: '12 St James Square', city: 'London', country: 'United Kingdom' },
      organizationId: 'org_3f1c2a9e-1b7d-4c5e-9a2b-8d6f0e4c3b21',
      portal: {
        enabled: true,
        username: 'ada.lovelace',
        supportStartDate: '2026-01-01',
        supportEndDate: '2026-12-31',
        canESign: true,
        components: ['tickets', 'invoices'],
        pin: '4321',
      },
    };
    expect(v.safeParse(contacts.schema, body).success).toBe(true);
    expect(validatorFor('ContactInput')(body)).toEqual([]);

    for (const bad of [
      { ...body, nickname: 'Ada' },
      { ...body, lastName: undefined },
      { ...body, portal: { ...body.portal, pin: '12' } },
      { ...body, organizationId: 'porg_3f1c2a9e-1b7d-4c5e-9a2b-8d6f0e4c3b21' },
      { ...body, mailingAddress: { ...body.mailingAddress, planet: 'Earth' } },
    ]) {
      expect(v.safeParse(contacts.schema, bad).success).toBe(false);
      expect(validatorFor('ContactInput')(bad)).not.toEqual([]);
    }
  });

  it('describes a merge patch: every member optional, null removes', () => {
    const validate = validatorFor('ContactPatch');
    expect(validate({})).toEqual([]);
    expect(validate({ email: null, portal: { pin: null, enabled: false }, mailingAddress: { city: null } })).toEqual(
      [],
    );
    expect(validate({ lastName: 'Byron' })).toEqual([]);
    expect(validate({ nickname: 'Ada' })).not.toEqual([]);
    expect(validate({ portal: { pin: 'abcd' } })).not.toEqual([]);
    expect(schemas.ContactPatch).not.toHaveProperty('required');
    expect(schemas.ContactPatch!.description).toMatch(/null/);
    const patch = document.paths['/contacts/{id}']!.patch!;
    expect(Object.keys((patch.requestBody as { content: JsonObject }).content)).toEqual(
      expect.arrayContaining(['application/merge-patch+json', 'application/json']),
    );
  });

  it('accepts null in a merge patch exactly for the members some valid record may lose', () => {
    // Cross-member rules (a record links an organization or a contact) make some removals depend on the rest, so
    // each member is tried on many valid records: refused by the document ⇔ refused by the registry on every one.
    let required = 0;
    for (const module of modules) {
      const [, , patchName] = schemaNames(module);
      const validate = validatorFor(patchName);
      const bodies = fc.sample(validBody(module), { numRuns: 40, seed: 19 }).map((sample) => sample.body);
      for (const name of Object.keys(properties(schemas[patchName]))) {
        const apiAccepts = bodies.some(
          (body) => v.safeParse(module.schema, applyMergePatch(body, { [name]: null })).success,
        );
        const documentAccepts = validate({ [name]: null }).length === 0;
        expect([module.name, name, documentAccepts]).toEqual([module.name, name, apiAccepts]);
        if (!apiAccepts) required += 1;
      }
    }
    // Not vacuous: every module has a member it cannot lose (a name, a last name, a subject…).
    expect(required).toBeGreaterThanOrEqual(modules.length);
    expect(validatorFor('ContactPatch')({ lastName: null })).not.toEqual([]);
  });

  it('describes what the record service returns: a sales order and a contact read back', () => {
    const stored = {
      pk: 'so_0b6a3c1e-2f4d-4e8a-9c7b-1a2b3c4d5e6f',
      sk: 'RECORD',
      module: 'sales-orders',
      id: 'so_0b6a3c1e-2f4d-4e8a-9c7b-1a2b3c4d5e6f',
      organizationId: 'org_3f1c2a9e-1b7d-4c5e-9a2b-8d6f0e4c3b21',
      subject: 'Spring order',
      showOnPortal: false,
      lineItems: [{ description: 'Widget', quantity: 3, unitPrice: 9.99 }],
      total: 29.97,
      version: 2,
      createdAt: '2026-03-01T10:00:00.000Z',
      createdBy: 'staff-1',
      updatedAt: '2026-03-02T10:00:00.000Z',
      updatedBy: 'staff-2',
    };
    expect(validatorFor('SalesOrder')(toPublicRecord(stored))).toEqual([]);
    expect(validatorFor('SalesOrderPage')({ items: [toPublicRecord(stored)], nextCursor: null })).toEqual([]);
    const contact = {
      id: 'con_0b6a3c1e-2f4d-4e8a-9c7b-1a2b3c4d5e6f',
      lastName: 'Lovelace',
      portal: { enabled: true, username: 'ada', pinHash: 'scrypt$abc' },
      version: 1,
      createdAt: '2026-03-01T10:00:00.000Z',
      createdBy: 'staff-1',
      updatedAt: '2026-03-01T10:00:00.000Z',
      updatedBy: 'staff-1',
    };
    expect(validatorFor('Contact')(toPublicRecord(contact))).toEqual([]);
    expect(validatorFor('Contact')({ ...toPublicRecord(contact), version: undefined })).not.toEqual([]);
  });

  it('documents status codes, headers and parameters of the record routes', () => {
    const collection = document.paths['/contacts']!;
    const item = document.paths['/contacts/{id}']!;
    const statuses = (operation: JsonObject | undefined) => Object.keys(operation!.responses as JsonObject);
    expect(statuses(collection.post)).toEqual(
      expect.arrayContaining(['201', '400', '401', '409', '413', '415', '500']),
    );
    expect(statuses(collection.get)).toEqual(expect.arrayContaining(['200', '400', '401']));
    expect(statuses(item.get)).toEqual(expect.arrayContaining(['200', '404']));
    expect(statuses(item.patch)).toEqual(expect.arrayContaining(['200', '400', '404', '409', '412', '413', '415']));
    expect(statuses(item.delete)).toEqual(expect.arrayContaining(['204', '404', '409', '412']));

    const created = (collection.post!.responses as Record<string, JsonObject>)['201']!;
    expect(Object.keys(created.headers as JsonObject)).toEqual(expect.arrayContaining(['ETag', 'Location']));
    const read = (item.get!.responses as Record<string, JsonObject>)['200']!;
    expect(Object.keys(read.headers as JsonObject)).toContain('ETag');
    expect(document.components.responses.NotFound).toMatchObject({
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    });
    expect(document.components.responses.BadRequest).toMatchObject({
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/ValidationProblem' } } },
    });

    for (const operation of [item.get, item.patch, item.delete]) {
      expect(operation!.parameters).toContainEqual(expect.objectContaining({ name: 'id', in: 'path', required: true }));
    }
    for (const operation of [item.patch, item.delete]) {
      expect(operation!.parameters).toContainEqual({ $ref: '#/components/parameters/IfMatch' });
    }
    expect(document.components.parameters.IfMatch).toMatchObject({ name: 'If-Match', in: 'header' });
  });

  it('offers each module its search (q) and exactly its declared list filters, next to limit and cursor', () => {
    for (const module of modules) {
      const list = document.paths[`/${module.name}`]!.get!;
      const names = (list.parameters as JsonObject[])
        .filter((parameter) => parameter.in === 'query')
        .map((parameter) => parameter.name);
      expect([module.name, names]).toEqual([module.name, ['q', ...module.filters]]);
      expect(list.parameters).toEqual(
        expect.arrayContaining([{ $ref: '#/components/parameters/Limit' }, { $ref: '#/components/parameters/Cursor' }]),
      );
    }
    expect(document.components.parameters.Limit).toMatchObject({
      schema: { type: 'integer', minimum: 1, maximum: 100 },
    });
  });

  it('describes a module added to the registry without any edit', () => {
    const widgets = { ...moduleOf('documents'), name: 'widgets' as ModuleName, label: 'widget', idPrefix: 'wid' };
    const extended = [...modules, widgets];
    const extraRoutes: RouteBinding[] = [
      ...moduleRoutes([widgets]).map(({ method, path, routeKey }) => ({
        method,
        path,
        routeKey,
        auth: 'staff' as const,
        functionName: 'crm-records',
      })),
    ];
    const doc = buildOpenApiDocument({
      routes: [...routes, ...extraRoutes],
      modules: extended,
      serverUrl: 'https://api.example.com',
    });
    expect(doc.servers).toEqual([{ url: 'https://api.example.com' }]);
    expect(Object.keys(doc.paths['/widgets']!).sort()).toEqual(['get', 'post']);
    expect(Object.keys(doc.paths['/widgets/{id}']!).sort()).toEqual(['delete', 'get', 'patch']);
    expect(doc.paths['/widgets']!.post!.operationId).toBe('createWidget');
    for (const name of ['Widget', 'WidgetInput', 'WidgetPatch', 'WidgetPage'])
      expect(doc.components.schemas).toHaveProperty(name);
  });
});

describe('the openapi handler', () => {
  const context = { awsRequestId: 'req-1', functionName: 'openapi' } as Context;
  const event = { requestContext: { requestId: 'corr-1' } } as unknown as HttpEvent;

  it('answers the document as cacheable JSON, built once', async () => {
    const { handler } = await import('../../functions/openapi');
    const first = await handler(event, context);
    const second = await handler(event, context);
    expect(first).toMatchObject({
      statusCode: 200,
      headers: { 'content-type': 'application/json', 'cache-control': 'max-age=300', 'x-correlation-id': 'corr-1' },
    });
    expect(JSON.parse(first.body!)).toEqual(JSON.parse(JSON.stringify(document)));
    expect(second.body).toBe(first.body);
  });
});
