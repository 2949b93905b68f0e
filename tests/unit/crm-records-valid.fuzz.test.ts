import { PutItemCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import { modules } from '../../shared/modules/registry';
import { shown, anyModule, validBody } from './support/record-arbitraries';
import { dynamo, existingId, emulateTable, send, useRecordsHandler } from './support/records-handler-harness';

/** Property-based: valid bodies at the staff records handler are created and patched, normalised, in one write. */

useRecordsHandler();

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
