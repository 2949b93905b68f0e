import Ajv2020 from 'ajv/dist/2020';
import { accessRoutes } from '../../shared/access/access-routes';
import { routeTable, type RouteBinding } from '../../shared/declarations/functions';
import { Conflict, Forbidden, NotFound, ValidationFailed } from '../../shared/http/errors';
import { toProblemResponse } from '../../shared/http/problem';
import type { ProblemKind } from '../../shared/http/route-contract';
import { moduleRoutes } from '../../shared/modules/module-routes';
import { modules } from '../../shared/modules/registry';
import { buildOpenApiDocument, type JsonObject } from '../../shared/openapi/openapi-document';
import { declaredContract } from '../../shared/openapi/route-contracts';
import { pinAttemptRules, wrongPinAnswer } from '../../shared/portal/pin-attempts';
import { portalRoutes } from '../../shared/portal/portal-routes';
import { portalView } from '../../shared/portal/portal-view';
import { toPublicRecord } from '../../shared/records/public-record';

/** Every route declares its contract, and the document tells what the handlers really answer. */
const routes = routeTable();
const document = buildOpenApiDocument({ routes, modules });
const schemas = document.components.schemas;
const operation = (method: string, path: string) => document.paths[path]![method.toLowerCase()] as JsonObject;
const statusesOf = (method: string, path: string) =>
  Object.keys(operation(method, path).responses as JsonObject).map(Number);

function validatorFor(name: string) {
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, validateFormats: false, allErrors: true });
  ajv.addVocabulary(['components']);
  ajv.addSchema({ $id: 'urn:portico:openapi', components: { schemas } });
  const validate = ajv.getSchema(`urn:portico:openapi#/components/schemas/${name}`)!;
  return (value: unknown) => (validate(value) ? [] : (validate.errors ?? []));
}

/** Every schema object under `node`, with where it is. */
function* schemasUnder(node: unknown, at: string): Generator<[string, JsonObject]> {
  if (Array.isArray(node)) {
    for (const [index, item] of node.entries()) yield* schemasUnder(item, `${at}/${index}`);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const object = node as JsonObject;
  yield [at, object];
  for (const key of ['properties', 'patternProperties', '$defs']) {
    for (const [name, child] of Object.entries((object[key] as JsonObject | undefined) ?? {})) {
      yield* schemasUnder(child, `${at}/${key}/${name}`);
    }
  }
  for (const key of ['items', 'additionalProperties', 'not', 'if', 'then', 'else', 'contains']) {
    if (typeof object[key] === 'object') yield* schemasUnder(object[key], `${at}/${key}`);
  }
  for (const key of ['allOf', 'anyOf', 'oneOf', 'prefixItems']) {
    if (Array.isArray(object[key])) yield* schemasUnder(object[key], `${at}/${key}`);
  }
}

/** Schemas that tell a client nothing: `{}`, or an object with no members, no `additionalProperties`, no parts. */
function emptySchemas(root: unknown, at: string): string[] {
  const found: string[] = [];
  for (const [where, schema] of schemasUnder(root, at)) {
    const keys = Object.keys(schema).filter((key) => !['description', 'title', 'readOnly', 'writeOnly'].includes(key));
    const bareObject =
      schema.type === 'object' &&
      !schema.properties &&
      schema.additionalProperties === undefined &&
      !['allOf', 'anyOf', 'oneOf'].some((key) => key in schema);
    if (keys.length === 0 || bareObject) found.push(where);
  }
  return found;
}

describe('route contracts', () => {
  it('cover every route of the registry: record routes from the module registry, the rest declared', () => {
    const recordRoutes = new Set(moduleRoutes().map((route) => route.routeKey));
    const undeclared = routes.filter((route) => !recordRoutes.has(route.routeKey) && !declaredContract(route));
    expect(undeclared.map((route) => route.routeKey)).toEqual([]);
  });

  it('refuse to build a document with a route that declares no contract, naming it', () => {
    const stray: RouteBinding = {
      method: 'POST',
      path: '/hooks/{name}',
      routeKey: 'POST /hooks/{name}',
      auth: 'none',
      functionName: 'hooks',
    };
    expect(() => buildOpenApiDocument({ routes: [...routes, stray], modules })).toThrow('POST /hooks/{name}');
  });

  it('refuse a contract whose path parameters differ from its path', () => {
    const contracts = (route: RouteBinding) => {
      const contract = declaredContract(route, modules);
      return route.routeKey === 'GET /portal/{module}/{id}' ? { ...contract!, pathParameters: {} } : contract;
    };
    expect(() => buildOpenApiDocument({ routes, modules, contracts })).toThrow(/getPortalRecord: path parameters/);
  });

  it('name operations in the API’s words, tagged Portal, Portal access and by module', () => {
    expect(portalRoutes.map((route) => operation(route.method, route.path).operationId)).toEqual([
      'getPortalProfile',
      'listPortalRecords',
      'getPortalRecord',
      'setPortalPin',
      'signSalesOrder',
    ]);
    expect(operation('POST', '/partner-contacts/{id}/portal-access/reconcile')).toMatchObject({
      operationId: 'reconcilePartnerContactPortalAccess',
      tags: ['Portal access'],
    });
    expect(operation('POST', '/contacts/{id}/portal-access/invitations').operationId).toBe('resendContactInvitation');
    expect(operation('GET', '/sales-orders/{id}')).toMatchObject({
      operationId: 'getSalesOrder',
      tags: ['Sales orders'],
    });
  });

  it('give each portal and portal-access route the statuses its handler answers, and no others', () => {
    // functions/portal-api.ts and functions/portal-access-api.ts, what they and the domain errors they call throw.
    const expected: Record<string, number[]> = {
      'GET /portal/me': [200, 401, 403, 429, 500, 503],
      'GET /portal/{module}': [200, 400, 401, 403, 404, 429, 500, 503],
      'GET /portal/{module}/{id}': [200, 401, 403, 404, 429, 500, 503],
      'PUT /portal/pin': [204, 400, 401, 403, 409, 413, 415, 423, 429, 500, 503],
      'POST /portal/sales-orders/{id}/signature': [201, 400, 401, 403, 404, 409, 413, 415, 423, 429, 500, 503],
    };
    for (const route of portalRoutes) {
      expect([route.path, statusesOf(route.method, route.path)]).toEqual([
        route.path,
        expected[`${route.method} ${route.path}`],
      ]);
    }
    const access: Record<string, number[]> = {
      status: [200, 401, 404, 429, 500, 503],
      resendInvitation: [202, 401, 404, 409, 429, 500, 503],
      passwordReset: [202, 401, 404, 409, 429, 500, 503],
      reconcile: [200, 401, 404, 429, 500, 503],
    };
    for (const route of accessRoutes()) {
      expect([route.routeKey, statusesOf(route.method, route.path)]).toEqual([route.routeKey, access[route.operation]]);
    }
  });

  it('answer every 423 and per-person 429 as problem+json with Retry-After', () => {
    const limited = [
      ['PUT', '/portal/pin', 423],
      ['POST', '/portal/sales-orders/{id}/signature', 423],
      ...accessRoutes()
        .filter((route) => route.operation === 'resendInvitation' || route.operation === 'passwordReset')
        .map((route) => [route.method, route.path, 429] as const),
    ] as const;
    expect(limited.length).toBeGreaterThan(2);
    for (const [method, path, status] of limited) {
      const response = (operation(method, path).responses as Record<string, JsonObject>)[status]!;
      expect(Object.keys(response.content as JsonObject)).toEqual(['application/problem+json']);
      expect(response.headers).toHaveProperty('retry-after', expect.objectContaining({ required: true }));
    }
  });

  it('leave no body schema empty or a bare object: requests, answers and every component', () => {
    const found: string[] = [];
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const at = `${method.toUpperCase()} ${path}`;
        for (const [type, media] of Object.entries(((op.requestBody as JsonObject)?.content ?? {}) as JsonObject)) {
          found.push(...emptySchemas((media as JsonObject).schema, `${at} request ${type}`));
        }
        for (const [status, response] of Object.entries(op.responses as Record<string, JsonObject>)) {
          for (const [type, media] of Object.entries((response.content ?? {}) as JsonObject)) {
            found.push(...emptySchemas((media as JsonObject).schema, `${at} ${status} ${type}`));
          }
        }
      }
    }
    for (const [name, schema] of Object.entries(schemas))
      found.push(...emptySchemas(schema, `#/components/schemas/${name}`));
    expect(found).toEqual([]);
    // The walk finds what it is meant to find.
    expect(emptySchemas({ type: 'object', properties: { a: {}, b: { type: 'object' } } }, 'x')).toEqual([
      'x/properties/a',
      'x/properties/b',
    ]);
  });

  it('say on every route that reads a query that any other parameter is refused with 400', () => {
    let withQuery = 0;
    for (const item of Object.values(document.paths)) {
      for (const op of Object.values(item)) {
        if (
          !(op.parameters as JsonObject[] | undefined)?.some(
            (p) => p.in === 'query' || /Limit|Cursor/.test(String(p.$ref)),
          )
        )
          continue;
        withQuery += 1;
        expect([op.operationId, op.description]).toEqual([
          op.operationId,
          expect.stringContaining('not listed here is refused with 400'),
        ]);
        expect(op.responses).toHaveProperty('400');
      }
    }
    expect(withQuery).toBeGreaterThan(modules.length);
  });

  it('know each problem kind’s extension members, as the domain errors write them', () => {
    const problemOf = (error: Error) => JSON.parse(toProblemResponse(error, 'corr-1').body as string) as JsonObject;
    const conflict = new Conflict('The email is taken.');
    conflict.extensions.conflict = { field: 'email', holderId: 'con_1' };
    const linked = new Conflict('Still linked.');
    linked.extensions.linkCount = 3;
    const wrongPin = wrongPinAnswer({ attempt: 1, at: 0 } as never, 0, pinAttemptRules);
    const locked = wrongPinAnswer({ attempt: pinAttemptRules.limit, at: 0 } as never, 0, pinAttemptRules);
    const cases: [ProblemKind, Error][] = [
      ['Problem', new NotFound('No such thing.')],
      ['ValidationProblem', new ValidationFailed('Bad.', [{ path: '/pin', message: '4 to 8 digits' }])],
      ['ConflictProblem', conflict],
      ['ConflictProblem', linked],
      ['PinProblem', wrongPin],
      ['PinProblem', locked],
      ['PinProblem', new Forbidden('Your account cannot sign documents.')],
    ];
    for (const [kind, error] of cases) expect([kind, validatorFor(kind)(problemOf(error))]).toEqual([kind, []]);
    // A dependency still throttling after the SDK's retries: the 503 every route documents, with its Retry-After.
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    const busy = toProblemResponse(throttled, 'corr-1');
    expect(busy.statusCode).toBe(503);
    expect(validatorFor('Problem')(JSON.parse(busy.body as string))).toEqual([]);
    expect(Object.keys(document.components.responses.ServiceBusy!.headers as JsonObject)).toEqual(
      expect.arrayContaining(Object.keys(busy.headers ?? {}).filter((name) => name !== 'content-type')),
    );
    // The members are typed, not merely allowed: a wrong type is refused.
    expect(validatorFor('PinProblem')({ ...problemOf(wrongPin), attemptsLeft: 'two' })).not.toEqual([]);
    expect(validatorFor('ConflictProblem')({ ...problemOf(linked), linkCount: 'many' })).not.toEqual([]);
    expect(validatorFor('ValidationProblem')(problemOf(new NotFound('x')))).not.toEqual([]);
  });

  it('show the signature on a sales order, staff and portal side, and as the signing answer', () => {
    const signature = {
      status: 'valid',
      contentHash: 'a'.repeat(64),
      signedAt: '2026-03-02T10:00:00.000Z',
      signedBy: { id: 'pcon_1', name: 'Ada Lovelace', email: 'ada@example.com' },
      sourceIp: '203.0.113.9',
      userAgent: 'Mozilla/5.0',
    };
    const stored = {
      pk: 'so_0b6a3c1e-2f4d-4e8a-9c7b-1a2b3c4d5e6f',
      sk: 'RECORD',
      module: 'sales-orders',
      id: 'so_0b6a3c1e-2f4d-4e8a-9c7b-1a2b3c4d5e6f',
      organizationId: 'porg_3f1c2a9e-1b7d-4c5e-9a2b-8d6f0e4c3b21',
      subject: 'Spring order',
      showOnPortal: true,
      lineItems: [{ description: 'Widget', quantity: 3, unitPrice: 9.99 }],
      total: 29.97,
      signature,
      version: 3,
      createdAt: '2026-03-01T10:00:00.000Z',
      createdBy: 'staff-1',
      updatedAt: '2026-03-02T10:00:00.000Z',
      updatedBy: 'portal:pcon_1',
    };
    expect(validatorFor('SalesOrder')(toPublicRecord(stored))).toEqual([]);
    expect(validatorFor('PortalSalesOrder')(portalView(stored))).toEqual([]);
    expect(validatorFor('PortalRecord')(portalView(stored))).toEqual([]);
    expect(validatorFor('Signature')(signature)).toEqual([]);
    expect(validatorFor('SalesOrder')({ ...toPublicRecord(stored), signature: { status: 'valid' } })).not.toEqual([]);
    // The portal view has no staff-only fields, and a record of one module is not taken for another.
    expect(Object.keys((schemas.PortalSalesOrder as { properties: JsonObject }).properties)).not.toContain('createdBy');
    expect(validatorFor('PortalInvoice')(portalView(stored))).not.toEqual([]);
  });
});
