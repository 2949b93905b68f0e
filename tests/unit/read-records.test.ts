import { BatchGetItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { recordKey } from '../../shared/data/keys';
import { readRecordsById } from '../../shared/data/read-records';

/** shared/data/read-records.ts: records by id through BatchGetItem, the way the list and the daily check read them. */
const dynamo = new DynamoDBClient({ region: 'eu-west-1' });
const dynamoMock = mockClient(dynamo);
const fast = { retries: 3, baseMs: 1, maxMs: 2 };
const idOf = (n: number) => `con_${n}`;

beforeEach(() => dynamoMock.reset());

/** A table holding every record but `missing`; the first answer of each call leaves `unprocessed` keys out. */
function table(missing: Set<string>, unprocessed = 0) {
  let calls = 0;
  dynamoMock.on(BatchGetItemCommand).callsFake((input: { RequestItems: Record<string, { Keys: never[] }> }) => {
    const keys = input.RequestItems.portico!.Keys;
    const left = calls++ === 0 ? keys.slice(0, unprocessed) : [];
    const served = keys.slice(left.length).flatMap((key) => {
      const id = unmarshall(key).pk as string;
      return missing.has(id) ? [] : [marshall({ ...recordKey(id), id })];
    });
    return { Responses: { portico: served }, UnprocessedKeys: left.length ? { portico: { Keys: left } } : {} };
  });
}

describe('readRecordsById', () => {
  it('reads 100 keys a request, each id once, and leaves out ids without a record', async () => {
    table(new Set([idOf(7)]));
    const ids = [...Array.from({ length: 250 }, (_, n) => idOf(n)), idOf(3)];
    const found = await readRecordsById(dynamo, 'portico', ids, fast);
    const requests = dynamoMock.commandCalls(BatchGetItemCommand).map((call) => call.args[0].input);
    expect(requests.map((input) => input.RequestItems!.portico!.Keys!.length)).toEqual([100, 100, 50]);
    expect(requests.every((input) => input.RequestItems!.portico!.ConsistentRead)).toBe(true);
    expect(found.size).toBe(249);
    expect(found.has(idOf(7))).toBe(false);
    expect(found.get(idOf(3))).toMatchObject({ id: idOf(3) });
  });

  it('asks again for the keys DynamoDB left unprocessed', async () => {
    table(new Set(), 4);
    const found = await readRecordsById(dynamo, 'portico', [0, 1, 2, 3, 4, 5].map(idOf), fast);
    expect(dynamoMock.commandCalls(BatchGetItemCommand)).toHaveLength(2);
    expect([...found.keys()].sort()).toEqual([0, 1, 2, 3, 4, 5].map(idOf));
  });

  it('gives up after its retries when keys stay unprocessed', async () => {
    dynamoMock.on(BatchGetItemCommand).callsFake((input: { RequestItems: Record<string, { Keys: never[] }> }) => ({
      Responses: { portico: [] },
      UnprocessedKeys: { portico: { Keys: input.RequestItems.portico!.Keys } },
    }));
    await expect(readRecordsById(dynamo, 'portico', [idOf(1)], fast)).rejects.toThrow(/unprocessed/);
    expect(dynamoMock.commandCalls(BatchGetItemCommand)).toHaveLength(fast.retries + 1);
  });
});
