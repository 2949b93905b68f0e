import { randomUUID } from 'node:crypto';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { recordKey } from '../../shared/data/keys';
import { updateRecord } from '../../shared/records/update-record';
import { stackTable } from '../support/stack-table';

/**
 * The one conditional record update (shared/records/update-record.ts) against DynamoDB Local: the version moves by
 * one with every change, the condition and the change are one write, and of two writers who read the same
 * version exactly one wins.
 */
const table = stackTable();

async function putRecord(fields: Record<string, unknown>) {
  const id = `pcon_${randomUUID()}`;
  const item = { ...recordKey(id), id, version: 3, updatedAt: '2026-01-01T00:00:00.000Z', ...fields };
  await table.dynamo.send(new PutItemCommand({ TableName: table.tableName, Item: marshall(item) }));
  return id;
}

async function read(id: string) {
  const result = await table.dynamo.send(
    new GetItemCommand({ TableName: table.tableName, Key: marshall(recordKey(id)), ConsistentRead: true }),
  );
  return unmarshall(result.Item!);
}

const deps = () => ({ dynamo: table.dynamo, tableName: table.tableName });

it('sets a nested field, moves the version by one and stamps updatedAt, when the version is the one read', async () => {
  const id = await putRecord({ portal: { enabled: true, pinHash: 'old' } });
  const applied = await updateRecord(deps(), id, {
    set: { 'portal.pinHash': 'new', updatedBy: 'portal:me' },
    at: '2026-06-01T00:00:00.000Z',
    when: { version: 3 },
  });
  expect(applied).toBe(true);
  expect(await read(id)).toMatchObject({
    portal: { enabled: true, pinHash: 'new' },
    updatedBy: 'portal:me',
    version: 4,
    updatedAt: '2026-06-01T00:00:00.000Z',
  });
});

it('changes nothing and answers false when the version moved since it was read', async () => {
  const id = await putRecord({ signature: null });
  const before = await read(id);
  const applied = await updateRecord(deps(), id, {
    set: { signature: { status: 'valid' } },
    at: 'later',
    when: { version: 2 },
  });
  expect(applied).toBe(false);
  expect(await read(id)).toEqual(before);
});

it('removes a field only while it holds the given value', async () => {
  const id = await putRecord({ primaryContactId: 'pcon_a' });
  expect(
    await updateRecord(deps(), id, {
      remove: ['primaryContactId'],
      at: 't1',
      when: { equals: { primaryContactId: 'pcon_b' } },
    }),
  ).toBe(false);
  expect(await read(id)).toMatchObject({ primaryContactId: 'pcon_a', version: 3 });
  expect(
    await updateRecord(deps(), id, {
      remove: ['primaryContactId'],
      at: 't2',
      when: { equals: { primaryContactId: 'pcon_a' } },
    }),
  ).toBe(true);
  const after = await read(id);
  expect(after).not.toHaveProperty('primaryContactId');
  expect(after).toMatchObject({ version: 4, updatedAt: 't2' });
});

it('lets exactly one of many writers who read the same version win', async () => {
  const id = await putRecord({ pinHash: 'none' });
  const writers = Array.from({ length: 8 }, (_, n) =>
    updateRecord(deps(), id, { set: { pinHash: `writer-${n}` }, at: `t${n}`, when: { version: 3 } }),
  );
  const results = await Promise.all(writers);
  expect(results.filter(Boolean)).toHaveLength(1);
  const winner = results.indexOf(true);
  expect(await read(id)).toMatchObject({ pinHash: `writer-${winner}`, version: 4, updatedAt: `t${winner}` });
});

it('answers false for a record that does not exist: the condition cannot hold', async () => {
  expect(await updateRecord(deps(), `pcon_${randomUUID()}`, { set: { a: 1 }, at: 't', when: { version: 1 } })).toBe(
    false,
  );
});
