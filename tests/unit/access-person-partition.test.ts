import { DynamoDBClient, GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { createAccessReads } from '../../shared/access/access-reads';

/**
 * Staff's access status reads a person's record, ACCESS item and newest history in one Query of their partition
 * (shared/access/access-reads.ts `personWithAccess`); past `limit` entries the Query stops before the ACCESS item,
 * which is then read apart. A partition that long is slow to build on the local stack, so the Query is mocked here.
 */
const dynamoMock = mockClient(DynamoDBClient);
const reads = createAccessReads({ dynamo: new DynamoDBClient({ region: 'eu-west-1' }), tableName: 'portico' });
const personId = 'con_00000000-0000-4000-8000-000000000001';

const item = (sk: string, fields: Record<string, unknown> = {}) => marshall({ pk: personId, sk, ...fields });
const entries = (count: number) =>
  Array.from({ length: count }, (_, i) =>
    item(`HISTORY#2026-01-${String(28 - (i % 28)).padStart(2, '0')}#${i}`, { event: `e${i}` }),
  );

beforeEach(() => dynamoMock.reset());

describe('personWithAccess', () => {
  it('reads a short partition in one strongly consistent Query, newest first from the record down', async () => {
    dynamoMock.on(QueryCommand).resolves({
      Items: [
        item('RECORD', { id: personId, lastName: 'Lee' }),
        item('PIN_ATTEMPTS'),
        ...entries(2),
        item('ACCESS', { status: 'active' }),
      ],
    });
    await expect(reads.personWithAccess(personId, 50)).resolves.toEqual({
      person: { pk: personId, sk: 'RECORD', id: personId, lastName: 'Lee' },
      access: { pk: personId, sk: 'ACCESS', status: 'active', personId },
      history: [{ event: 'e0' }, { event: 'e1' }],
    });
    expect(dynamoMock.commandCalls(GetItemCommand)).toHaveLength(0);
    const [query] = dynamoMock.commandCalls(QueryCommand);
    expect(query!.args[0].input).toMatchObject({
      KeyConditionExpression: '#pk = :pk AND #sk <= :record',
      ExpressionAttributeValues: { ':pk': { S: personId }, ':record': { S: 'RECORD' } },
      ScanIndexForward: false,
      ConsistentRead: true,
      Limit: 53,
    });
  });

  it('reads the ACCESS item apart when the history is longer than the limit, and shows only the limit', async () => {
    dynamoMock.on(QueryCommand).resolves({
      Items: [item('RECORD', { id: personId }), ...entries(4)],
      LastEvaluatedKey: marshall({ pk: personId, sk: 'HISTORY#2026-01-25#3' }),
    });
    dynamoMock.on(GetItemCommand).resolves({ Item: item('ACCESS', { status: 'invited' }) });
    const read = await reads.personWithAccess(personId, 3);
    expect(read.access).toEqual({ pk: personId, sk: 'ACCESS', status: 'invited', personId });
    expect(read.history).toEqual([{ event: 'e0' }, { event: 'e1' }, { event: 'e2' }]);
    expect(dynamoMock.commandCalls(GetItemCommand)[0]!.args[0].input).toMatchObject({
      Key: { pk: { S: personId }, sk: { S: 'ACCESS' } },
      ConsistentRead: true,
    });
  });

  it('reads the history apart too when other items of the partition filled the page before it', async () => {
    dynamoMock.on(QueryCommand).callsFake((input: { KeyConditionExpression: string }) =>
      Promise.resolve(
        input.KeyConditionExpression.includes('begins_with')
          ? { Items: entries(3) }
          : {
              Items: [
                item('RECORD', { id: personId }),
                item('NOTIFICATION#lead-assigned#a'),
                item('NOTIFICATION#lead-assigned#b'),
                ...entries(1),
              ],
              LastEvaluatedKey: marshall({ pk: personId, sk: 'HISTORY#2026-01-28#0' }),
            },
      ),
    );
    dynamoMock.on(GetItemCommand).resolves({ Item: item('ACCESS', { status: 'active' }) });
    const read = await reads.personWithAccess(personId, 3);
    expect(read.history).toEqual([{ event: 'e0' }, { event: 'e1' }, { event: 'e2' }]);
    expect(read.access).toMatchObject({ status: 'active', personId });
    expect(dynamoMock.commandCalls(QueryCommand)[1]!.args[0].input).toMatchObject({
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :history)',
      Limit: 3,
    });
  });

  it('finds nobody and no access for an id with nothing stored', async () => {
    dynamoMock.on(QueryCommand).resolves({ Items: [] });
    await expect(reads.personWithAccess(personId, 50)).resolves.toEqual({
      person: undefined,
      access: undefined,
      history: [],
    });
  });
});
