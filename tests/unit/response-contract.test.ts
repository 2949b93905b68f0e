import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { routeTable } from '../../shared/declarations/functions';
import { modules } from '../../shared/modules/registry';
import { buildOpenApiDocument } from '../../shared/openapi/openapi-document';
import {
  lazyValidators,
  readContractValidators,
  writeContractValidators,
} from '../support/contract/contract-validators';
import {
  responseContract,
  schemaPointers,
  type ContractDocument,
  type ObservedResponse,
} from '../support/contract/response-contract';

/** A small document with the shapes the real one uses: refs to shared responses, headers, problem bodies. */
const document: ContractDocument = {
  paths: {
    '/widgets/{id}': {
      get: {
        responses: {
          200: {
            description: 'A widget.',
            headers: {
              'x-correlation-id': { $ref: '#/components/headers/CorrelationId' },
              ETag: { schema: { type: 'string', pattern: '^"v[1-9][0-9]*"$' } },
            },
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Widget' } } },
          },
          404: { $ref: '#/components/responses/NotFound' },
        },
      },
      delete: {
        responses: {
          204: { description: 'Gone.' },
          409: {
            description: 'Still linked.',
            content: {
              'application/problem+json': {
                schema: {
                  allOf: [
                    { $ref: '#/components/schemas/Problem' },
                    { type: 'object', properties: { linkCount: { type: 'integer' } } },
                  ],
                },
              },
            },
          },
        },
      },
    },
    '/widgets/special': {
      get: {
        responses: {
          429: {
            description: 'Slow down.',
            headers: { 'retry-after': { schema: { type: 'integer', minimum: 1 } } },
            content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
          },
        },
      },
    },
  },
  components: {
    schemas: {
      Widget: {
        type: 'object',
        properties: { id: { type: 'string' }, size: { type: 'integer' }, at: { type: 'string', format: 'date-time' } },
        required: ['id', 'size'],
      },
      Problem: {
        type: 'object',
        properties: { title: { type: 'string' }, status: { type: 'integer' } },
        required: ['title', 'status'],
      },
    },
    responses: {
      NotFound: {
        description: 'No such widget.',
        headers: { 'x-correlation-id': { $ref: '#/components/headers/CorrelationId' } },
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
      },
    },
    headers: { CorrelationId: { schema: { type: 'string', minLength: 1 } } },
  },
};

const contract = responseContract(document, lazyValidators(document));

const widget: ObservedResponse = {
  method: 'GET',
  path: '/widgets/w1',
  status: 200,
  headers: { 'content-type': 'application/json; charset=utf-8', 'x-correlation-id': 'c1', etag: '"v3"' },
  body: JSON.stringify({ id: 'w1', size: 3, at: '2026-12-02T17:00:00.000Z' }),
};

describe('responseContract', () => {
  it('passes an answer that is exactly what its operation promises', () => {
    expect(contract.check(widget)).toEqual([]);
    expect(contract.check({ method: 'DELETE', path: '/widgets/w1', status: 204, headers: {}, body: '' })).toEqual([]);
  });

  it('reports a status the operation does not document', () => {
    expect(contract.check({ ...widget, status: 409 })).toEqual([
      'status 409 is not documented for GET /widgets/{id} (documented: 200, 404)',
    ]);
  });

  it('reports a content type the status does not document', () => {
    const problem = {
      ...widget,
      status: 404,
      headers: { 'content-type': 'application/json', 'x-correlation-id': 'c' },
    };
    expect(contract.check({ ...problem, body: JSON.stringify({ title: 'Not found', status: 404 }) })).toEqual([
      'content type "application/json" is not documented for GET /widgets/{id} 404 (application/problem+json)',
    ]);
  });

  it('reports a body off its schema, saying where', () => {
    const [violation, ...rest] = contract.check({ ...widget, body: JSON.stringify({ id: 'w1', size: 'big' }) });
    expect(rest).toEqual([]);
    expect(violation).toMatch(/^body is off the schema of GET \/widgets\/\{id\} 200: \/size must be integer/);
    // Formats are checked too.
    expect(contract.check({ ...widget, body: JSON.stringify({ id: 'w1', size: 1, at: 'yesterday' }) })).toEqual([
      expect.stringMatching(/\/at must match format "date-time"/),
    ]);
  });

  it('reports a member the schema does not declare: the document must tell the whole truth', () => {
    expect(contract.check({ ...widget, body: JSON.stringify({ id: 'w1', size: 3, colour: 'red' }) })).toEqual([
      expect.stringMatching(
        /^body is off the schema of GET \/widgets\/\{id\} 200: \/ must NOT have unevaluated properties \{"unevaluatedProperty":"colour"\}/,
      ),
    ]);
    // Composition still works: a problem with an extension member the document declares beside Problem passes.
    const problem = {
      method: 'GET',
      path: '/widgets/w1',
      status: 404,
      headers: { 'content-type': 'application/problem+json', 'x-correlation-id': 'c' },
    };
    expect(contract.check({ ...problem, body: JSON.stringify({ title: 'Gone', status: 404 }) })).toEqual([]);
    expect(contract.check({ ...problem, body: JSON.stringify({ title: 'Gone', status: 404, linkCount: 2 }) })).toEqual([
      expect.stringMatching(/unevaluatedProperty":"linkCount"/),
    ]);
    const linked = {
      ...problem,
      method: 'DELETE',
      status: 409,
      headers: { 'content-type': 'application/problem+json' },
    };
    expect(contract.check({ ...linked, body: JSON.stringify({ title: 'Linked', status: 409, linkCount: 2 }) })).toEqual(
      [],
    );
    expect(
      contract.check({ ...linked, body: JSON.stringify({ title: 'Linked', status: 409, conflict: 'x' }) }),
    ).toEqual([expect.stringMatching(/unevaluatedProperty":"conflict"/)]);
  });

  it('reports a header of ours that the answer sends but its operation does not declare', () => {
    expect(contract.check({ ...widget, headers: { ...widget.headers, location: '/widgets/w1' } })).toEqual([
      'header location is sent but not declared for GET /widgets/{id} 200',
    ]);
    expect(contract.check({ ...widget, headers: { ...widget.headers, 'x-portico-debug': '1' } })).toEqual([
      'header x-portico-debug is sent but not declared for GET /widgets/{id} 200',
    ]);
    // Headers that are not ours (the web origin's security headers, Date) are not the document's business.
    expect(contract.check({ ...widget, headers: { ...widget.headers, 'x-frame-options': 'DENY' } })).toEqual([]);
  });

  it('reports a declared header that is missing or off its schema', () => {
    const { etag: _etag, ...withoutEtag } = widget.headers;
    expect(contract.check({ ...widget, headers: withoutEtag })).toEqual([
      'declared header ETag is missing (GET /widgets/{id} 200)',
    ]);
    expect(contract.check({ ...widget, headers: { ...widget.headers, etag: 'W/"3"' } })).toEqual([
      expect.stringMatching(/^header ETag: "W\/\\"3\\"" is off its schema: \/ must match pattern/),
    ]);
  });

  it('types a header value as its schema does, and follows shared responses and headers', () => {
    const slow = {
      method: 'GET',
      path: '/widgets/special',
      status: 429,
      headers: { 'content-type': 'application/problem+json', 'retry-after': '30' },
      body: JSON.stringify({ title: 'Slow down', status: 429 }),
    };
    expect(contract.check(slow)).toEqual([]);
    expect(contract.check({ ...slow, headers: { ...slow.headers, 'retry-after': '0' } })).toEqual([
      expect.stringMatching(/^header retry-after: "0" is off its schema: \/ must be >= 1/),
    ]);
  });

  it('reports a body where none is documented, and none where one is', () => {
    expect(contract.check({ method: 'DELETE', path: '/widgets/w1', status: 204, headers: {}, body: '{}' })).toEqual([
      'DELETE /widgets/{id} 204 documents no body but one was sent',
    ]);
    expect(contract.check({ ...widget, body: '' })).toEqual([
      'GET /widgets/{id} 200 documents a body (application/json) but none was sent',
    ]);
  });

  it('matches the most specific path template, as API Gateway routes', () => {
    expect(contract.operationOf('GET', '/widgets/special')?.template).toBe('/widgets/special');
    expect(contract.operationOf('GET', '/widgets/other')?.template).toBe('/widgets/{id}');
    // Routes match by method and path together: no DELETE on the literal path, so the template's DELETE serves it.
    expect(contract.operationOf('DELETE', '/widgets/special')?.template).toBe('/widgets/{id}');
    expect(contract.operationOf('PUT', '/widgets/w1')).toBeUndefined();
    expect(contract.check({ ...widget, path: '/gadgets/1', status: 200 })).toEqual([
      'no operation of the document has this method and path',
    ]);
  });
});

describe('the validators the integration global setup compiles once', () => {
  const apiDocument = buildOpenApiDocument({ routes: routeTable(), modules }) as unknown as ContractDocument;
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'portico-contract-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // Compiling the whole document takes seconds on a loaded machine.
  it('judge the API document as compiling on demand does, from standalone code', () => {
    writeContractValidators(apiDocument, dir);
    const loaded = readContractValidators(dir);
    const lazy = lazyValidators(apiDocument);
    const problem = schemaPointers(apiDocument).find((pointer) =>
      pointer.startsWith('#/components/responses/NotFound/content/'),
    );
    expect(problem).toBeDefined();
    const samples = [
      { type: '/problems/not-found', title: 'Not Found', status: 404, detail: 'x', correlationId: 'c' },
      { type: '/problems/not-found', title: 'Not Found', status: 'no' },
    ];
    for (const sample of samples) expect(loaded.validatorFor(problem!)(sample)).toBe(lazy(problem!)(sample));
    expect(loaded.validatorFor(problem!)(samples[1])).toBe(false);
  }, 60_000);
});

describe('the document as GET /openapi.json answers it', () => {
  // The document describes its own answer: with its tags, and servers when it names them.
  it.each([
    ['without servers', undefined],
    ['with servers', 'https://api.example.com'],
  ])(
    'passes its own contract check (%s)',
    (_, serverUrl) => {
      const served = buildOpenApiDocument({ routes: routeTable(), modules, serverUrl });
      expect(served.tags).toBeDefined();
      const check = responseContract(
        served as unknown as ContractDocument,
        lazyValidators(served as unknown as ContractDocument),
      ).check;
      const observed: ObservedResponse = {
        method: 'GET',
        path: '/openapi.json',
        status: 200,
        headers: { 'content-type': 'application/json', 'x-correlation-id': 'c', 'cache-control': 'max-age=300' },
        body: JSON.stringify(served),
      };
      expect(check(observed)).toEqual([]);
    },
    60_000,
  );
});
