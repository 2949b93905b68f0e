/**
 * The stream event source against the real DynamoDB Local of the integration stack, each test on a table of its
 * own with its own stream.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DeleteItemCommand,
  DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { localCredentials, localRegion } from '../../infra/local/local-aws';
import {
  compareSequenceNumbers,
  startStreamEventSource,
  type StreamEventSource,
  type StreamEventSourceOptions,
} from '../../infra/local/stream-event-source';
import { stackOutputs } from '../support/outputs';

jest.setTimeout(30_000);

const REGION = localRegion;
let ddb: DynamoDBClient;
let streams: DynamoDBStreamsClient;
let dir: string;
let sources: StreamEventSource[] = [];
let tableCount = 0;
const runId = Date.now().toString(36);

beforeAll(() => {
  const config = { endpoint: stackOutputs().DynamoDbEndpoint, region: REGION, credentials: localCredentials };
  ddb = new DynamoDBClient(config);
  streams = new DynamoDBStreamsClient(config);
});

afterAll(() => {
  ddb?.destroy();
  streams?.destroy();
});

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'stream-event-source-it-'));
  sources = [];
});

afterEach(async () => {
  await Promise.all(sources.map((source) => source.stop()));
  rmSync(dir, { recursive: true, force: true });
});

async function createTableWithStream(): Promise<{ tableName: string; streamArn: string }> {
  tableCount += 1;
  const tableName = `stream-source-${runId}-${tableCount}`;
  const output = await ddb.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    }),
  );
  const streamArn = output.TableDescription?.LatestStreamArn;
  if (!streamArn) throw new Error('CreateTable returned no stream ARN');
  return { tableName, streamArn };
}

function start(streamArn: string, handler: StreamEventSourceOptions['handler']): StreamEventSource {
  const source = startStreamEventSource({
    streams,
    streamArn,
    handler,
    checkpointFile: join(dir, 'checkpoint.json'),
    failureFile: join(dir, 'failures.jsonl'),
    region: REGION,
    pollIntervalMs: 20,
    backoff: { baseMs: 5, maxMs: 20 },
  });
  sources.push(source);
  return source;
}

function putCustomer(tableName: string, id: string) {
  return ddb.send(
    new PutItemCommand({ TableName: tableName, Item: { pk: { S: `CUSTOMER#${id}` }, sk: { S: 'PROFILE' } } }),
  );
}

const pkOf = (record: DynamoDBRecord) => record.dynamodb?.Keys?.pk?.S;

describe('stream event source on DynamoDB Local', () => {
  it('delivers a put, an update and a delete in order as INSERT, MODIFY and REMOVE with their images', async () => {
    const { tableName, streamArn } = await createTableWithStream();
    const received: DynamoDBRecord[] = [];
    const source = start(streamArn, async (event: DynamoDBStreamEvent) => void received.push(...event.Records));
    const key = { pk: { S: 'CUSTOMER#1' }, sk: { S: 'PROFILE' } };
    const before = Math.floor(Date.now() / 1000);

    await ddb.send(
      new PutItemCommand({
        TableName: tableName,
        Item: { ...key, name: { S: 'Acme' }, logo: { B: Uint8Array.from([1, 2, 3]) } },
      }),
    );
    await ddb.send(
      new UpdateItemCommand({
        TableName: tableName,
        Key: key,
        UpdateExpression: 'SET #name = :name',
        ExpressionAttributeNames: { '#name': 'name' },
        ExpressionAttributeValues: { ':name': { S: 'Acme Ltd' } },
      }),
    );
    await ddb.send(new DeleteItemCommand({ TableName: tableName, Key: key }));
    await source.whenIdle();

    const created = { ...key, name: { S: 'Acme' }, logo: { B: 'AQID' } };
    const renamed = { ...created, name: { S: 'Acme Ltd' } };
    expect(received.map((r) => [r.eventName, r.dynamodb?.OldImage, r.dynamodb?.NewImage])).toEqual([
      ['INSERT', undefined, created],
      ['MODIFY', created, renamed],
      ['REMOVE', renamed, undefined],
    ]);
    for (const record of received) {
      expect(record).toMatchObject({
        eventVersion: '1.1',
        eventSource: 'aws:dynamodb',
        awsRegion: REGION,
        eventSourceARN: streamArn,
        dynamodb: { Keys: key, StreamViewType: 'NEW_AND_OLD_IMAGES', SizeBytes: expect.any(Number) },
      });
      expect(record.eventID).toEqual(expect.any(String));
      // DynamoDB Local truncates the creation time to the minute.
      expect(record.dynamodb?.ApproximateCreationDateTime).toBeGreaterThanOrEqual(before - 60);
      expect(record.dynamodb?.ApproximateCreationDateTime).toBeLessThanOrEqual(Date.now() / 1000);
    }
    const sequenceNumbers = received.map((r) => r.dynamodb?.SequenceNumber ?? '');
    expect([...sequenceNumbers].sort(compareSequenceNumbers)).toEqual(sequenceNumbers);
    expect(new Set(sequenceNumbers).size).toBe(3);
  });

  it('hands a record reported in batchItemFailures over again, with the later ones, and loses nothing', async () => {
    const { tableName, streamArn } = await createTableWithStream();
    for (const id of ['a', 'b', 'c', 'd', 'e']) await putCustomer(tableName, id);
    const batches: (string | undefined)[][] = [];
    const source = start(streamArn, async (event) => {
      batches.push(event.Records.map(pkOf));
      const failing = event.Records.find((r) => pkOf(r) === 'CUSTOMER#c');
      return batches.length === 1 && failing
        ? { batchItemFailures: [{ itemIdentifier: failing.dynamodb?.SequenceNumber ?? '' }] }
        : undefined;
    });
    await source.whenIdle();

    expect(batches).toEqual([
      ['CUSTOMER#a', 'CUSTOMER#b', 'CUSTOMER#c', 'CUSTOMER#d', 'CUSTOMER#e'],
      ['CUSTOMER#c', 'CUSTOMER#d', 'CUSTOMER#e'],
    ]);
    expect(existsSync(join(dir, 'failures.jsonl'))).toBe(false);
  });

  it('resumes after a stop from the checkpoint: no replay, and the records written while stopped arrive', async () => {
    const { tableName, streamArn } = await createTableWithStream();
    const firstRun: (string | undefined)[] = [];
    const first = start(streamArn, async (event) => void firstRun.push(...event.Records.map(pkOf)));
    for (const id of ['1', '2', '3']) await putCustomer(tableName, id);
    await first.whenIdle();
    await first.stop();
    expect(firstRun).toEqual(['CUSTOMER#1', 'CUSTOMER#2', 'CUSTOMER#3']);

    for (const id of ['4', '5']) await putCustomer(tableName, id);
    const secondRun: DynamoDBRecord[] = [];
    await start(streamArn, async (event) => void secondRun.push(...event.Records)).whenIdle();

    expect(secondRun.map(pkOf)).toEqual(['CUSTOMER#4', 'CUSTOMER#5']);
    const checkpoint = JSON.parse(readFileSync(join(dir, 'checkpoint.json'), 'utf8'));
    expect(checkpoint.streamArn).toBe(streamArn);
    expect(Object.values(checkpoint.shards)).toEqual([{ sequenceNumber: secondRun.at(-1)?.dynamodb?.SequenceNumber }]);
  });
});
