import {
  DeleteTableCommand,
  DynamoDBClient,
  PutItemCommand,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { ensureTable } from '../infra/local/bootstrap';
import { localCredentials, localRegion } from '../infra/local/local-aws';
import { startDynamoDbLocal } from '../infra/local/emulators';
import { coresBetween, cpuSnapshot } from './cpu';

/**
 * How many writes per second DynamoDB Local takes on this machine, whatever Portico does around them:
 * N TransactWriteItems of 4 items (the shape of a person's enablement: record, claim, access state,
 * history) and N single PutItems, each at concurrency 16, into a table of Portico's design (four indexes, a
 * stream) but of its own, so the stack's stream poller never sees these writes. Run
 * against the stack's DynamoDB Local (SQLite files on disk, as `npm start` runs it) and against one started
 * with `-inMemory`: the difference is what the disk costs.
 */

export interface CeilingRow {
  readonly operations: number;
  readonly itemsPerOperation: number;
  readonly seconds: number;
  readonly operationsPerSecond: number;
  readonly itemsPerSecond: number;
  readonly cores: Record<string, number>;
}

export interface TableCeiling {
  readonly storage: 'disk' | 'in-memory';
  readonly concurrency: number;
  readonly transactions: CeilingRow;
  readonly puts: CeilingRow;
}

const tableName = 'bench-write-ceiling';

async function inParallel(count: number, concurrency: number, run: (i: number) => Promise<unknown>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await run(next++);
    }),
  );
}

async function phase(
  stackPid: number | undefined,
  operations: number,
  itemsPerOperation: number,
  concurrency: number,
  run: (i: number) => Promise<unknown>,
): Promise<CeilingRow> {
  const before = cpuSnapshot(stackPid);
  const started = performance.now();
  await inParallel(operations, concurrency, run);
  const seconds = (performance.now() - started) / 1000;
  return {
    operations,
    itemsPerOperation,
    seconds: Number(seconds.toFixed(2)),
    operationsPerSecond: Number((operations / seconds).toFixed(1)),
    itemsPerSecond: Number(((operations * itemsPerOperation) / seconds).toFixed(1)),
    cores: coresBetween(before, cpuSnapshot(stackPid)),
  };
}

export async function measureTableCeiling(
  endpoint: string,
  operations: number,
  storage: TableCeiling['storage'],
  stackPid?: number,
  concurrency = 16,
): Promise<TableCeiling> {
  const dynamo = new DynamoDBClient({ endpoint, region: localRegion, credentials: localCredentials });
  try {
    // Portico's own table design: the same four indexes, the same stream (infra/local/bootstrap.ts).
    await ensureTable(dynamo, tableName);
    // A record carries index attributes, as Portico's records do (two of the four indexes); the others do not.
    const item = (pk: string, sk: string) => ({
      pk: { S: pk },
      sk: { S: sk },
      payload: { S: 'x'.repeat(200) },
      at: { S: new Date().toISOString() },
      ...(sk === 'RECORD'
        ? {
            gsi1pk: { S: 'bench' },
            gsi1sk: { S: `${new Date().toISOString()}#${pk}` },
            gsi3pk: { S: `EMAIL#${pk}@example.com` },
            gsi3sk: { S: pk },
          }
        : {}),
    });
    const transact = (key: string) =>
      dynamo.send(
        new TransactWriteItemsCommand({
          TransactItems: ['RECORD', 'UNIQUE', 'ACCESS', 'HISTORY'].map((sk) => ({
            Put: { TableName: tableName, Item: item(key, sk), ConditionExpression: 'attribute_not_exists(pk)' },
          })),
        }),
      );
    // A JVM starts slow: its first writes are interpreted, not JIT-compiled. Warm it up, untimed.
    await inParallel(Math.min(100, operations), concurrency, (i) => transact(`W#${i}`));
    await inParallel(Math.min(100, operations), concurrency, (i) =>
      dynamo.send(new PutItemCommand({ TableName: tableName, Item: item(`WP#${i}`, 'RECORD') })),
    );
    const transactions = await phase(stackPid, operations, 4, concurrency, (i) => transact(`T#${i}`));
    const puts = await phase(stackPid, operations, 1, concurrency, (i) =>
      dynamo.send(new PutItemCommand({ TableName: tableName, Item: item(`P#${i}`, 'RECORD') })),
    );
    return { storage, concurrency, transactions, puts };
  } finally {
    await dynamo.send(new DeleteTableCommand({ TableName: tableName })).catch(() => {});
    dynamo.destroy();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** The launcher `npm start` uses (same jar and JVM settings), with `-inMemory` instead of `-dbPath`. */
export async function measureInMemoryCeiling(operations: number, logDir: string): Promise<TableCeiling> {
  mkdirSync(logDir, { recursive: true });
  const dynamodb = await startDynamoDbLocal({ port: await freePort(), dataDir: logDir, logDir, inMemory: true });
  try {
    return await measureTableCeiling(dynamodb.endpoint, operations, 'in-memory', dynamodb.process.pid);
  } finally {
    await dynamodb.process.stop();
  }
}
