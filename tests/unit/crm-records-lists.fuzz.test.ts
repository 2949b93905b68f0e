import { QueryCommand, type QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import { encodeCursor } from '../../shared/records/cursor';
import { anyModule } from './support/record-arbitraries';
import {
  dynamo,
  existingUuid,
  createdAt,
  emulateTable,
  send,
  expectProblem,
  runs,
  useRecordsHandler,
} from './support/records-handler-harness';

/** Property-based: random query strings and cursors at the staff records handler's list routes. */

useRecordsHandler();

describe('the staff records handler under malformed requests', () => {
  beforeEach(emulateTable);

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
