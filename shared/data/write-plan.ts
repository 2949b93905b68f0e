import {
  DeleteItemCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
  TransactionCanceledException,
  ConditionalCheckFailedException,
} from '../aws/client-dynamodb';
import type { AttributeValue, DynamoDBClient, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '../aws/util-dynamodb';
import { Conflict, type DomainError } from '../http/errors';
import { claimKey, recordKey, searchTermKey, type ClaimKind } from './keys';

/**
 * One request's write, as a list of conditional actions committed atomically: a single PutItem/DeleteItem
 * when it stands alone, a TransactWriteItems otherwise. Each action knows the domain error its failed
 * condition means, so a cancelled transaction becomes a precise 4xx.
 */

/** The record's own condition failed: someone else wrote it since we read it. Callers re-read and retry. */
export class StaleRead extends Error {}

type Explain = (old: Record<string, unknown> | undefined) => DomainError | StaleRead;

export interface PlannedAction {
  readonly item: TransactWriteItem;
  readonly explain: Explain;
}

export class WritePlan {
  readonly actions: PlannedAction[] = [];

  constructor(private readonly tableName: string) {}

  putRecord(
    item: Record<string, unknown>,
    condition: { expression: string; values?: Record<string, unknown> },
    explain: Explain,
  ) {
    this.actions.push({
      item: {
        Put: {
          TableName: this.tableName,
          Item: marshall(item, { removeUndefinedValues: true }),
          ConditionExpression: condition.expression,
          ...(condition.values ? { ExpressionAttributeValues: marshall(condition.values) } : {}),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      explain,
    });
    return this;
  }

  deleteRecord(id: string, version: number, explain: Explain) {
    this.actions.push({
      item: {
        Delete: {
          TableName: this.tableName,
          Key: marshall(recordKey(id)),
          ConditionExpression: 'version = :version',
          ExpressionAttributeValues: marshall({ ':version': version }),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      explain,
    });
    return this;
  }

  /** Moves an organization's link counter; the condition proves the organization exists. */
  countLink(organizationId: string, delta: 1 | -1, explain: Explain) {
    this.actions.push({
      item: {
        Update: {
          TableName: this.tableName,
          Key: marshall(recordKey(organizationId)),
          UpdateExpression: 'ADD linkCount :delta',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: marshall({ ':delta': delta }),
        },
      },
      explain,
    });
    return this;
  }

  /** The referenced record exists (and, with `organizationId`, belongs to that organization). */
  checkExists(id: string, explain: Explain, organizationId?: string) {
    this.actions.push({
      item: {
        ConditionCheck: {
          TableName: this.tableName,
          Key: marshall(recordKey(id)),
          ConditionExpression: organizationId
            ? 'attribute_exists(pk) AND organizationId = :org'
            : 'attribute_exists(pk)',
          ...(organizationId ? { ExpressionAttributeValues: marshall({ ':org': organizationId }) } : {}),
          // Tells "does not exist" from "belongs elsewhere" when the check fails.
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      explain,
    });
    return this;
  }

  /** Takes a uniqueness claim for `holderId`; holding it already is fine (replays converge). */
  takeClaim(kind: ClaimKind, value: string, holderId: string, explain: Explain) {
    this.actions.push({
      item: {
        Put: {
          TableName: this.tableName,
          Item: marshall({ ...claimKey(kind, value), kind, value: value.toLowerCase(), holderId }),
          ConditionExpression: 'attribute_not_exists(pk) OR holderId = :holder',
          ExpressionAttributeValues: marshall({ ':holder': holderId }),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      explain,
    });
    return this;
  }

  /** Releases a claim only if `holderId` holds it. */
  releaseClaim(kind: ClaimKind, value: string, holderId: string) {
    this.actions.push({
      item: {
        Delete: {
          TableName: this.tableName,
          Key: marshall(claimKey(kind, value)),
          ConditionExpression: 'attribute_not_exists(pk) OR holderId = :holder',
          ExpressionAttributeValues: marshall({ ':holder': holderId }),
        },
      },
      // Only a claim someone else took over can fail here; there is nothing of ours to release then.
      explain: () => new Conflict(`The portal ${kind} ${value} is held by another person.`),
    });
    return this;
  }

  /**
   * Records that `recordId` is found by `term` (shared/records/search-terms.ts). Unconditional: the record's own
   * action in the same transaction carries the condition, so the term exists exactly when the record says so.
   */
  putSearchTerm(moduleName: string, term: string, recordId: string) {
    this.actions.push({
      item: {
        Put: { TableName: this.tableName, Item: marshall({ ...searchTermKey(moduleName, term, recordId), recordId }) },
      },
      explain: () => new Conflict('A search term changed meanwhile; try again.'),
    });
    return this;
  }

  deleteSearchTerm(moduleName: string, term: string, recordId: string) {
    this.actions.push({
      item: { Delete: { TableName: this.tableName, Key: marshall(searchTermKey(moduleName, term, recordId)) } },
      explain: () => new Conflict('A search term changed meanwhile; try again.'),
    });
    return this;
  }

  /** Any other action of the same write (the access state an enablement sets, a history entry). */
  add(item: TransactWriteItem, explain: Explain = () => new Conflict('A related item changed meanwhile; try again.')) {
    this.actions.push({ item, explain });
    return this;
  }

  /**
   * A condition on an item this write may also change (a partner organization that must be Active while its link
   * counter moves). A transaction touches an item at most once, so the condition joins this plan's action on that
   * item when there is one, else it is a ConditionCheck of its own. Joined, a failure on an item that exists is
   * this condition's (`explain` sees the item); on one that is missing, the action's own.
   */
  require(
    key: Record<string, string>,
    condition: { expression: string; names?: Record<string, string>; values: Record<string, unknown> },
    explain: Explain,
  ) {
    const same = (item: Record<string, AttributeValue> | undefined) =>
      !!item && Object.entries(key).every(([name, value]) => item[name]?.S === value);
    const joined = this.actions.findIndex(({ item }) =>
      same(item.Put?.Item ?? item.Update?.Key ?? item.Delete?.Key ?? item.ConditionCheck?.Key),
    );
    const action = joined >= 0 ? this.actions[joined]! : undefined;
    const operation = action?.item.Update ?? action?.item.Delete ?? action?.item.ConditionCheck ?? action?.item.Put;
    if (!action || !operation) {
      this.actions.push({
        item: {
          ConditionCheck: {
            TableName: this.tableName,
            Key: marshall(key),
            ConditionExpression: condition.expression,
            ...(condition.names ? { ExpressionAttributeNames: condition.names } : {}),
            ExpressionAttributeValues: marshall(condition.values),
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
        explain,
      });
      return this;
    }
    const own = operation.ConditionExpression;
    const names = { ...operation.ExpressionAttributeNames, ...condition.names };
    Object.assign(operation, {
      ConditionExpression: own ? `(${own}) AND (${condition.expression})` : condition.expression,
      // DynamoDB refuses an empty map.
      ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
      ExpressionAttributeValues: { ...operation.ExpressionAttributeValues, ...marshall(condition.values) },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    this.actions[joined] = { item: action.item, explain: (old) => (old ? explain(old) : action.explain(old)) };
    return this;
  }

  async commit(dynamo: DynamoDBClient): Promise<void> {
    const [only] = this.actions;
    if (this.actions.length === 1 && only && (only.item.Put || only.item.Delete)) {
      return this.commitSingle(dynamo, only);
    }
    try {
      await dynamo.send(new TransactWriteItemsCommand({ TransactItems: this.actions.map((a) => a.item) }));
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      const failed = reasons.findIndex((reason) => reason.Code === 'ConditionalCheckFailed');
      if (failed >= 0) {
        const old = reasons[failed]?.Item ? unmarshall(reasons[failed].Item) : undefined;
        throw this.actions[failed]!.explain(old);
      }
      // TransactionConflict: another transaction touched the same items; the caller re-reads and retries.
      if (reasons.some((reason) => reason.Code === 'TransactionConflict')) throw new StaleRead('transaction conflict');
      throw error;
    }
  }

  private async commitSingle(dynamo: DynamoDBClient, action: PlannedAction) {
    try {
      if (action.item.Put) await dynamo.send(new PutItemCommand(action.item.Put));
      else await dynamo.send(new DeleteItemCommand(action.item.Delete!));
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      throw action.explain(error.Item ? unmarshall(error.Item) : undefined);
    }
  }
}
