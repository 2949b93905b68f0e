import {
  ConditionalCheckFailedException,
  TransactWriteItemsCommand,
  TransactionCanceledException,
  UpdateItemCommand,
} from '../aws/client-dynamodb';
import type { DynamoDBClient, TransactWriteItem, Update } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '../aws/util-dynamodb';
import {
  accessKey,
  accessListAttributes,
  accessStatusAttributes,
  accessTransitions,
  historyItem,
  type AccessState,
  type AccessStatus,
  type AccessTransitionName,
  type HistoryEntry,
} from './access-state';

/**
 * How the access machine (access-machine.ts) writes: its private helper, imported by no other module
 * (tests/unit/architecture-access-owner.test.ts). One conditional update of the ACCESS item, guarded by the
 * transition's declared starting statuses, with its history entry in the same transaction.
 */

export type AccessWriteOutcome =
  | { readonly applied: true; readonly item?: AccessState & Record<string, unknown> }
  | { readonly applied: false; readonly current?: AccessState & Record<string, unknown> };

export interface AccessWrite {
  readonly transition: AccessTransitionName;
  readonly update: string;
  readonly condition?: string;
  readonly names?: Record<string, string>;
  readonly values?: Record<string, unknown>;
  readonly history?: HistoryEntry;
  /** Answer the item as written (single UpdateItem only, never with a history entry). */
  readonly returnNew?: boolean;
}

/** The transition's declared starting statuses as a condition (`none`: no status recorded yet). */
function statusGuard(transition: AccessTransitionName): { condition?: string; values: Record<string, unknown> } {
  const from: 'any' | readonly AccessStatus[] = accessTransitions[transition].from;
  if (from === 'any') return { values: {} };
  const statuses = from.filter((status) => status !== 'none');
  const values = Object.fromEntries(statuses.map((status, i) => [`:from${i}`, status]));
  const listed = `#status IN (${Object.keys(values).join(', ')})`;
  return { condition: from.includes('none') ? `(attribute_not_exists(#status) OR ${listed})` : listed, values };
}

/** `#a0`/`:v0`, `#a1`/`:v1`…, made once: a fresh string as a property name costs a hash each time. */
const placeholders: { readonly name: string; readonly value: string }[] = [];
const placeholder = (i: number) => (placeholders[i] ??= { name: `#a${i}`, value: `:v${i}` });

/**
 * `SET` of every attribute in `set` (plus the index and bookkeeping attributes: a status set also moves the item to
 * that status's list), `REMOVE` of `remove`. Every transition writes through here, so it is built in one pass.
 */
export function setExpression(personId: string, set: Record<string, unknown>, remove: readonly string[], at: string) {
  const statusList = typeof set.status === 'string' ? accessStatusAttributes(personId, set.status, at) : {};
  const attributes = { ...set, ...accessListAttributes(personId), ...statusList, personId, updatedAt: at };
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const aliases = new Map<string, string>();
  const assignments: string[] = [];
  let i = 0;
  for (const [name, value] of Object.entries(attributes)) {
    const { name: alias, value: valueName } = placeholder(i++);
    names[alias] = name;
    values[valueName] = value;
    aliases.set(name, alias);
    assignments.push(`${alias} = ${valueName}`);
  }
  const removed = remove.map((name) => {
    const alias = placeholder(i++).name;
    names[alias] = name;
    if (!aliases.has(name)) aliases.set(name, alias);
    return aliases.get(name)!;
  });
  return {
    update: `SET ${assignments.join(', ')}` + (removed.length ? ` REMOVE ${removed.join(', ')}` : ''),
    names,
    values,
  };
}

/** `SET` assignments (and their names and values) that move an item to `status`'s list, for hand-written updates. */
export function statusListAssignments(personId: string, status: AccessStatus, at: string) {
  const attributes = Object.entries(accessStatusAttributes(personId, status, at));
  return {
    assignments: attributes.map((_, i) => `#list${i} = :list${i}`).join(', '),
    names: Object.fromEntries(attributes.map(([name], i) => [`#list${i}`, name])),
    values: Object.fromEntries(attributes.map(([, value], i) => [`:list${i}`, value])),
  };
}

/** The Update (and history Put) a write makes; also what a staff write's transaction carries (markPending). */
export function accessWriteItems(tableName: string, personId: string, write: AccessWrite): TransactWriteItem[] {
  const guard = statusGuard(write.transition);
  const condition = [guard.condition, write.condition].filter(Boolean).join(' AND ');
  const names = { ...write.names, ...(guard.condition ? { '#status': 'status' } : {}) };
  const values = { ...write.values, ...guard.values };
  const update: Update = {
    TableName: tableName,
    Key: marshall(accessKey(personId)),
    UpdateExpression: write.update,
    ...(condition ? { ConditionExpression: condition, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } : {}),
    ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
    ...(Object.keys(values).length
      ? { ExpressionAttributeValues: marshall(values, { removeUndefinedValues: true }) }
      : {}),
  };
  const history = write.history
    ? [
        {
          Put: {
            TableName: tableName,
            Item: marshall(historyItem(personId, write.history), { removeUndefinedValues: true }),
          },
        },
      ]
    : [];
  return [{ Update: update }, ...history];
}

/** A history entry on its own (no change of state): one Put. */
export function historyWriteItem(tableName: string, personId: string, entry: HistoryEntry): TransactWriteItem {
  return {
    Put: { TableName: tableName, Item: marshall(historyItem(personId, entry), { removeUndefinedValues: true }) },
  };
}

/** The one conditional-update helper every transition goes through. */
export async function conditionalWrite(
  deps: { readonly dynamo: DynamoDBClient; readonly tableName: string },
  personId: string,
  change: AccessWrite,
): Promise<AccessWriteOutcome> {
  const { dynamo } = deps;
  const [update, ...rest] = accessWriteItems(deps.tableName, personId, change);
  try {
    if (rest.length) {
      await dynamo.send(new TransactWriteItemsCommand({ TransactItems: [update!, ...rest] }));
      return { applied: true };
    }
    const result = await dynamo.send(
      new UpdateItemCommand({ ...update!.Update!, ...(change.returnNew ? { ReturnValues: 'ALL_NEW' } : {}) }),
    );
    return { applied: true, item: result.Attributes ? (unmarshall(result.Attributes) as never) : undefined };
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) {
      return { applied: false, current: error.Item ? (unmarshall(error.Item) as never) : undefined };
    }
    const reason = error instanceof TransactionCanceledException ? error.CancellationReasons?.[0] : undefined;
    if (reason?.Code !== 'ConditionalCheckFailed') throw error;
    return { applied: false, current: reason.Item ? (unmarshall(reason.Item) as never) : undefined };
  }
}
