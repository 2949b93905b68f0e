import { GetItemCommand, QueryCommand } from '../aws/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '../aws/util-dynamodb';
import { readItemsByKey } from '../data/read-records';
import { indexes, tableDesign } from '../data/table-design';
import { recordSortKey } from '../data/keys';
import { accessKey, accessListName, accessSortKey, historyPrefix, type AccessState } from './access-state';

/** A history entry as staff see it: without the table's keys. */
function withoutKeys(item: Record<string, unknown>): Record<string, unknown> {
  const { [tableDesign.partitionKey]: _pk, [tableDesign.sortKey]: _sk, ...entry } = item;
  return entry;
}

/** Reads of the ACCESS item and its history (the access machine, access-machine.ts, owns every write of them). */
export function createAccessReads(deps: { readonly dynamo: DynamoDBClient; readonly tableName: string }) {
  const { dynamo, tableName } = deps;

  /** The ACCESS item as it is now (strongly consistent), or undefined before the first write. */
  async function read(personId: string): Promise<AccessState | undefined> {
    const { Item: item } = await dynamo.send(
      new GetItemCommand({ TableName: tableName, Key: marshall(accessKey(personId)), ConsistentRead: true }),
    );
    return item ? ({ ...unmarshall(item), personId } as AccessState) : undefined;
  }

  /** The ACCESS items of many people (a page of them) in one batched read, by person id; one without is absent. */
  const readMany = (personIds: readonly string[]) =>
    readItemsByKey(
      dynamo,
      tableName,
      [...new Set(personIds)].map(accessKey),
      (item) => item[tableDesign.partitionKey] as string,
    );

  /**
   * A person's record, ACCESS item and newest `limit` history entries, which all live in the person's partition: one
   * strongly consistent Query of it, newest first from the record down (`RECORD`, `PIN_ATTEMPTS`, `NOTIFICATION#…`,
   * `HISTORY#…`, `ACCESS`), ends at the ACCESS item for anyone with at most `limit` entries. When the page stops
   * before it, the ACCESS item and (if the page held fewer than `limit`) the history are read apart, side by side.
   * Staff's status view asks this, where three reads side by side would open three connections.
   */
  async function personWithAccess(personId: string, limit: number) {
    // The record, the PIN attempts, `limit` entries and the ACCESS item.
    const result = await newestFirst(personId, '#sk <= :record', { ':record': recordSortKey }, limit + 3, true);
    let person: Record<string, unknown> | undefined;
    let access: AccessState | undefined;
    const entries: Record<string, unknown>[] = [];
    for (const item of result.Items ?? []) {
      const value = unmarshall(item);
      const sortKey = String(value[tableDesign.sortKey]);
      if (sortKey === recordSortKey) person = value;
      else if (sortKey === accessSortKey) access = { ...value, personId } as AccessState;
      else if (sortKey.startsWith(historyPrefix) && entries.length < limit) entries.push(withoutKeys(value));
    }
    if (!result.LastEvaluatedKey) return { person, access, history: entries };
    const [accessItem, newest] = await Promise.all([
      access ?? read(personId),
      entries.length < limit ? history(personId, limit) : entries,
    ]);
    return { person, access: accessItem, history: newest };
  }

  /** The newest history entries first. */
  async function history(personId: string, limit: number): Promise<Record<string, unknown>[]> {
    const result = await newestFirst(personId, 'begins_with(#sk, :history)', { ':history': historyPrefix }, limit);
    return (result.Items ?? []).map((item) => withoutKeys(unmarshall(item)));
  }

  /** The person's partition newest first: the items whose sort key (`#sk`) meets `condition`. */
  function newestFirst(
    personId: string,
    condition: string,
    values: Record<string, string>,
    limit: number,
    consistent?: true,
  ) {
    return dynamo.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: `#pk = :pk AND ${condition}`,
        ExpressionAttributeNames: { '#pk': tableDesign.partitionKey, '#sk': tableDesign.sortKey },
        ExpressionAttributeValues: marshall({ ':pk': personId, ...values }),
        ScanIndexForward: false,
        ...(consistent ? { ConsistentRead: true } : {}),
        Limit: limit,
      }),
    );
  }

  /** One page of every ACCESS item (the access index, never a Scan), for the daily check and `reconcile --all`. */
  async function listPage(startKey: Record<string, unknown> | undefined, limit = 100) {
    const page = await dynamo.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: indexes.byType.indexName,
        KeyConditionExpression: '#pk = :list',
        ExpressionAttributeNames: { '#pk': indexes.byType.partitionKey },
        ExpressionAttributeValues: marshall({ ':list': accessListName }),
        ExclusiveStartKey: startKey as never,
        Limit: limit,
      }),
    );
    const items = (page.Items ?? []).map((item) => unmarshall(item) as AccessState & Record<string, unknown>);
    return { items, next: page.LastEvaluatedKey as Record<string, unknown> | undefined };
  }

  return { read, readMany, personWithAccess, history, listPage };
}
