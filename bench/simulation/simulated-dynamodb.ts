import {
  BatchGetItemCommand,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  type AttributeValue,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { tableDesign } from '../../shared/data/table-design';
import { toAttributes, toItem, toItemIfAny } from './attribute-values';
import { applyUpdate, evaluateCondition, type ExpressionContext } from './expressions';

type Item = Record<string, unknown>;
type Marshalled = Record<string, AttributeValue>;

/** A write as the table's stream sees it: keys and both images (absent for an insert's old or a removal's new). */
export interface TableChange {
  readonly keys: { readonly pk: string; readonly sk: string };
  readonly oldImage?: Item;
  readonly newImage?: Item;
}

export interface SimulatedDynamoDbOptions {
  readonly sleep: (ms: number) => Promise<void>;
  /** Milliseconds a request takes (drawn per request): DynamoDB's single-digit latencies plus the network. */
  readonly latencyMs: () => number;
  /** Told every write, after it is applied, in order: the simulated stream. */
  readonly onChange?: (change: TableChange) => void;
}

const { partitionKey: pk, sortKey: sk } = tableDesign;

/**
 * DynamoDB as the code sees it through `send`: single-item reads and writes with condition and update expressions,
 * transactions (all conditions, then all writes), BatchGetItem, Query on the table's keys. Each request waits its
 * latency on the simulated clock, then acts atomically, as DynamoDB does per item. Counts requests by kind.
 */
export class SimulatedDynamoDb {
  private readonly partitions = new Map<string, Map<string, Item>>();
  readonly requests: Record<string, number> = {};

  constructor(private readonly options: SimulatedDynamoDbOptions) {}

  get(keyPk: string, keySk: string): Item | undefined {
    return this.partitions.get(keyPk)?.get(keySk);
  }

  /** Every item whose partition key starts with `prefix` (the simulation's own reports, never the code under test). */
  *itemsUnder(prefix: string): Generator<Item> {
    for (const [key, partition] of this.partitions) if (key.startsWith(prefix)) yield* partition.values();
  }

  /** Writes an item outright (the simulation's own set-up: an import's record writes). */
  put(item: Item) {
    this.store(item);
  }

  readonly send = async (command: unknown): Promise<unknown> => {
    const name = (command as { constructor: { name: string } }).constructor.name.replace(/Command$/, '');
    this.requests[name] = (this.requests[name] ?? 0) + 1;
    await this.options.sleep(this.options.latencyMs());
    if (command instanceof GetItemCommand) {
      const key = toItem(command.input.Key!);
      const item = this.get(key[pk] as string, key[sk] as string);
      return { Item: item ? toAttributes(item) : undefined };
    }
    if (command instanceof BatchGetItemCommand) {
      const responses: Record<string, Marshalled[]> = {};
      for (const [table, request] of Object.entries(command.input.RequestItems ?? {})) {
        responses[table] = (request.Keys ?? []).flatMap((marshalledKey) => {
          const key = toItem(marshalledKey);
          const item = this.get(key[pk] as string, key[sk] as string);
          return item ? [toAttributes(item)] : [];
        });
      }
      return { Responses: responses, UnprocessedKeys: {} };
    }
    if (command instanceof PutItemCommand) return this.transact([{ Put: command.input as never }], false);
    if (command instanceof UpdateItemCommand) return this.transact([{ Update: command.input as never }], false);
    if (command instanceof DeleteItemCommand) return this.transact([{ Delete: command.input as never }], false);
    if (command instanceof TransactWriteItemsCommand) return this.transact(command.input.TransactItems ?? [], true);
    if (command instanceof QueryCommand) return this.query(command);
    throw new Error(`the simulated table does not serve ${name}`);
  };

  private store(item: Item) {
    const keyPk = item[pk] as string;
    let partition = this.partitions.get(keyPk);
    if (!partition) this.partitions.set(keyPk, (partition = new Map()));
    partition.set(item[sk] as string, item);
  }

  private context(input: {
    ExpressionAttributeNames?: Record<string, string>;
    ExpressionAttributeValues?: Marshalled;
  }): ExpressionContext {
    return {
      names: input.ExpressionAttributeNames,
      values: toItemIfAny(input.ExpressionAttributeValues),
    };
  }

  /** Checks every condition first, then applies every write: one transaction, or one single-item write. */
  private transact(items: readonly TransactWriteItem[], isTransaction: boolean) {
    const planned: { keys: { pk: string; sk: string }; old?: Item; next?: Item; returnNew?: boolean }[] = [];
    const reasons: { Code: string; Item?: Marshalled }[] = [];
    let failed = false;
    for (const entry of items) {
      const write = entry.Put ?? entry.Update ?? entry.Delete ?? entry.ConditionCheck;
      if (!write) throw new Error('unsupported transaction item');
      const put = entry.Put ? toItem(entry.Put.Item!) : undefined;
      const key = put ?? toItem((write as { Key: Marshalled }).Key);
      const keys = { pk: key[pk] as string, sk: key[sk] as string };
      const old = this.get(keys.pk, keys.sk);
      const condition = (write as { ConditionExpression?: string }).ConditionExpression;
      const context = this.context(write as never);
      if (condition && !evaluateCondition(condition, old, context)) {
        failed = true;
        const returnOld = (write as { ReturnValuesOnConditionCheckFailure?: string })
          .ReturnValuesOnConditionCheckFailure;
        reasons.push({
          Code: 'ConditionalCheckFailed',
          ...(returnOld === 'ALL_OLD' && old ? { Item: toAttributes(old) } : {}),
        });
        continue;
      }
      reasons.push({ Code: 'None' });
      if (put) planned.push({ keys, old, next: put });
      else if (entry.Update) {
        const base = old ?? { [pk]: keys.pk, [sk]: keys.sk };
        const next = applyUpdate(entry.Update.UpdateExpression!, base, context);
        planned.push({
          keys,
          old,
          next,
          returnNew: (entry.Update as { ReturnValues?: string }).ReturnValues === 'ALL_NEW',
        });
      } else if (entry.Delete) planned.push({ keys, old });
    }
    if (failed) {
      if (!isTransaction) {
        const reason = reasons[0]!;
        throw new ConditionalCheckFailedException({
          message: 'The conditional request failed',
          $metadata: {},
          ...(reason.Item ? { Item: reason.Item } : {}),
        });
      }
      throw new TransactionCanceledException({
        message: 'Transaction cancelled',
        $metadata: {},
        CancellationReasons: reasons as never,
      });
    }
    for (const write of planned) {
      if (write.next) this.store(write.next);
      else this.partitions.get(write.keys.pk)?.delete(write.keys.sk);
      this.options.onChange?.({ keys: write.keys, oldImage: write.old, newImage: write.next });
    }
    const single = planned[0];
    return single?.returnNew && single.next ? { Attributes: toAttributes(single.next) } : {};
  }

  /** A Query on the table's own keys (partition, then the sort-key condition); indexes are not simulated. */
  private query(command: QueryCommand) {
    const input = command.input;
    if (input.IndexName) throw new Error('the simulated table does not serve index queries');
    const context = this.context(input);
    const pkName = Object.entries(input.ExpressionAttributeNames ?? {}).find(([, name]) => name === pk)?.[0] ?? pk;
    const match = new RegExp(`${pkName}\\s*=\\s*(:[A-Za-z0-9_]+)`).exec(input.KeyConditionExpression ?? '');
    if (!match) throw new Error(`unsupported key condition ${input.KeyConditionExpression}`);
    const partition = this.partitions.get(context.values![match[1]!] as string);
    const items = [...(partition?.values() ?? [])]
      .filter((item) => evaluateCondition(input.KeyConditionExpression!, item, context))
      .sort((a, b) => ((a[sk] as string) < (b[sk] as string) ? -1 : 1));
    if (input.ScanIndexForward === false) items.reverse();
    const page = items.slice(0, input.Limit ?? items.length);
    return { Items: page.map((item) => toAttributes(item)), Count: page.length };
  }
}
