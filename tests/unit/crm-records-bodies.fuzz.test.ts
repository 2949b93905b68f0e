import fc from 'fast-check';
import { ValidationFailed } from '../../shared/http/errors';
import { maxBodyBytes } from '../../shared/http/request';
import { modules } from '../../shared/modules/registry';
import { validate } from '../../shared/modules/validate';
import {
  fieldNames,
  titleField,
  shown,
  anyModule,
  validBody,
  validWithForbiddenKey,
  isPlainObject,
} from './support/record-arbitraries';
import {
  existingUuid,
  existingId,
  emulateTable,
  send,
  expectRefusedWithoutWrite,
  expectSafe,
  malformedBody,
  onTheWire,
  expectedWireStatus,
  ifMatch,
  runs,
  useRecordsHandler,
} from './support/records-handler-harness';

/**
 * Property-based: malformed bodies, content types, encodings and If-Match headers at the staff records handler: a 4xx,
 * never a 5xx, never a write.
 */

useRecordsHandler();

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
});
