import fc from 'fast-check';
import { modules, type ModuleDeclaration } from '../../shared/modules/registry';
import { anyModule, prefixes, uuid } from './support/record-arbitraries';
import {
  existingUuid,
  existingId,
  emulateTable,
  RequestSpec,
  send,
  expectRefusedWithoutWrite,
  expectProblem,
  runs,
  useRecordsHandler,
} from './support/records-handler-harness';

/** Property-based: malformed, missing and oversized record ids at the staff records handler: 404, never a write. */

useRecordsHandler();

describe('the staff records handler under malformed requests', () => {
  beforeEach(emulateTable);

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
        // An organization's delete reads it first (its version and link count guard the transaction): nothing to write.
        expect(outcome.writes).toBe(0);
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
});
