import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BatchWriteItemCommand,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { ensureTable } from '../../../infra/local/bootstrap';
import { startDynamoDbLocal, type Emulator } from '../../../infra/local/emulators';
import { localCredentials, localRegion } from '../../../infra/local/local-aws';
import { waitFor } from '../../../infra/local/managed-process';
import { freePorts } from '../../../infra/local/ports';
import { Faults } from './cognito-ses-fakes';

type Item = Record<string, unknown>;

/**
 * The table of a fault scenario: DynamoDB Local (in memory, the launcher `npm start` uses), not a re-implementation.
 * aws-sdk-client-mock intercepts every DynamoDBClient's `send`; the scenario routes the code's commands here through
 * `forward`, which yields to the event loop (so concurrent runs interleave), injects faults, and sends the command
 * with the SDK's own, unmocked `send`.
 */
const unmockedSend = Object.getPrototypeOf(DynamoDBClient.prototype).send as DynamoDBClient['send'];
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

export class LocalTable {
  readonly faults = new Faults();

  constructor(
    private readonly client: DynamoDBClient,
    readonly tableName: string,
  ) {}

  private send<T>(command: unknown): Promise<T> {
    return (unmockedSend as unknown as (command: unknown) => Promise<T>).call(this.client, command);
  }

  /** A command the code under test sent, with the faults of `op` (`UpdateItem`, `TransactWriteItems`…). */
  async forward(op: string, command: { readonly input: unknown }): Promise<unknown> {
    await tick();
    this.faults.check(op, 'before', command.input);
    const output = await this.send(command);
    this.faults.check(op, 'after', command.input);
    return output;
  }

  async put(item: Item) {
    await this.send(
      new PutItemCommand({ TableName: this.tableName, Item: marshall(item, { removeUndefinedValues: true }) }),
    );
  }

  async get(pk: string, sk: string): Promise<Item | undefined> {
    const { Item: item } = await this.send<{ Item?: never }>(
      new GetItemCommand({ TableName: this.tableName, Key: marshall({ pk, sk }), ConsistentRead: true }),
    );
    return item ? unmarshall(item) : undefined;
  }

  async delete(pk: string, sk: string) {
    await this.send(new DeleteItemCommand({ TableName: this.tableName, Key: marshall({ pk, sk }) }));
  }

  /** Items of one partition whose sort key starts with `prefix`, in sort key order. */
  async partition(pk: string, prefix = ''): Promise<Item[]> {
    const { Items: items = [] } = await this.send<{ Items?: never[] }>(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: marshall({ ':pk': pk, ':prefix': prefix }),
        ConsistentRead: true,
      }),
    );
    return items.map((item) => unmarshall(item));
  }

  /** Empties the table between tests (a test-only Scan). */
  async clear() {
    for (;;) {
      const { Items: items = [] } = await this.send<{ Items?: Record<string, never>[] }>(
        new ScanCommand({ TableName: this.tableName, ProjectionExpression: 'pk, sk', Limit: 25 }),
      );
      if (!items.length) return;
      await this.send(
        new BatchWriteItemCommand({
          RequestItems: { [this.tableName]: items.map((key) => ({ DeleteRequest: { Key: key } })) },
        }),
      );
    }
  }
}

/** Starts DynamoDB Local in memory with Portico's table; `stop` ends it and removes its directory. */
export async function startLocalTable(tableName: string): Promise<{ table: LocalTable; stop: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'portico-fault-table-'));
  const { dynamodb: port } = await freePorts();
  let emulator: Emulator | undefined;
  try {
    emulator = await startDynamoDbLocal({ port, dataDir: dir, logDir: dir, inMemory: true });
    const client = new DynamoDBClient({
      endpoint: emulator.endpoint,
      region: localRegion,
      credentials: localCredentials,
    });
    // This client's own `send` shadows the mocked prototype one: the bootstrap talks to DynamoDB Local.
    Object.assign(client, {
      send: (command: unknown) => (unmockedSend as never as (c: unknown) => unknown).call(client, command),
    });
    // The launcher's own readiness probe goes through the mocked `send`: wait for the port here.
    await waitFor(
      async () =>
        client.send(new ListTablesCommand({ Limit: 1 })).then(
          () => true,
          () => false,
        ),
      60_000,
      'DynamoDB Local',
    );
    await ensureTable(client, tableName);
    const stopEmulator = emulator;
    return {
      table: new LocalTable(client, tableName),
      stop: async () => {
        client.destroy();
        await stopEmulator.process.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await emulator?.process.stop();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
