import { BatchGetItemCommand, GetItemCommand } from '../aws/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '../aws/util-dynamodb';
import { recordKey } from './keys';

/** One record by id, strongly consistent: the read before every check of a write or an answer. */
export async function readRecord<T = Record<string, unknown>>(
  deps: { readonly dynamo: Pick<DynamoDBClient, 'send'>; readonly tableName: string },
  id: string,
): Promise<T | undefined> {
  const result = await deps.dynamo.send(
    new GetItemCommand({ TableName: deps.tableName, Key: marshall(recordKey(id)), ConsistentRead: true }),
  );
  return result.Item ? (unmarshall(result.Item) as T) : undefined;
}

/** How long to keep asking for keys DynamoDB leaves unprocessed: a request answers sooner than a batch job. */
export interface UnprocessedRetries {
  readonly retries: number;
  readonly baseMs: number;
  readonly maxMs: number;
}

const forRequests: UnprocessedRetries = { retries: 6, baseMs: 25, maxMs: 1_000 };

/**
 * Items by key, consistently read: BatchGetItem 100 keys at a time, and the keys it leaves unprocessed asked again
 * with exponential backoff. Each item found is answered under `idOf(item)`; keys without an item are absent. The keys
 * must be distinct: BatchGetItem refuses a key asked twice.
 */
export async function readItemsByKey(
  dynamo: Pick<DynamoDBClient, 'send'>,
  tableName: string,
  keys: readonly Record<string, string>[],
  idOf: (item: Record<string, unknown>) => string,
  retry: UnprocessedRetries = forRequests,
): Promise<Map<string, Record<string, unknown>>> {
  const found = new Map<string, Record<string, unknown>>();
  for (let start = 0; start < keys.length; start += 100) {
    let batch = keys.slice(start, start + 100).map((key) => marshall(key));
    for (let attempt = 0; batch.length > 0; attempt++) {
      if (attempt > 0) {
        await new Promise((resolve) => setTimeout(resolve, Math.min(retry.maxMs, retry.baseMs * 2 ** attempt)));
      }
      if (attempt > retry.retries) throw new Error('DynamoDB kept keys unprocessed; retry later');
      const result = await dynamo.send(
        new BatchGetItemCommand({ RequestItems: { [tableName]: { Keys: batch, ConsistentRead: true } } }),
      );
      for (const item of result.Responses?.[tableName] ?? []) {
        const read = unmarshall(item);
        found.set(idOf(read), read);
      }
      batch = (result.UnprocessedKeys?.[tableName]?.Keys ?? []) as typeof batch;
    }
  }
  return found;
}

/** Records by id, consistently read (`readItemsByKey`); ids without a record are absent from the answer. */
export function readRecordsById(
  dynamo: Pick<DynamoDBClient, 'send'>,
  tableName: string,
  ids: readonly string[],
  retry?: UnprocessedRetries,
): Promise<Map<string, Record<string, unknown>>> {
  // BatchGetItem refuses a key asked twice.
  const keys = [...new Set(ids)].map((id) => recordKey(id));
  return readItemsByKey(dynamo, tableName, keys, (record) => record.id as string, retry);
}
