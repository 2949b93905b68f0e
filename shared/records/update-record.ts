import { UpdateItemCommand } from '../aws/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '../aws/util-dynamodb';
import { recordKey } from '../data/keys';

/** What must hold for the update to apply: the record is the version the caller read, or fields have these values. */
export type UpdateCondition = { readonly version: number } | { readonly equals: Readonly<Record<string, unknown>> };

export interface RecordUpdate {
  /** Field paths (`portal.pinHash`) and their new values. */
  readonly set?: Readonly<Record<string, unknown>>;
  readonly remove?: readonly string[];
  /** The new `updatedAt`. */
  readonly at: string;
  readonly when: UpdateCondition;
}

/**
 * A change of one record outside the staff write plan (a PIN, a signature, a forgotten primary contact), made as
 * every record change is: the version moves by one, so a writer holding the old ETag cannot overwrite it, and
 * `updatedAt` with it; all under the condition, in one conditional write. Answers whether the condition held.
 */
export async function updateRecord(
  deps: { readonly dynamo: DynamoDBClient; readonly tableName: string },
  id: string,
  update: RecordUpdate,
): Promise<boolean> {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':one': 1, ':at': update.at };
  // Placeholders for every path segment and value, so no field name can collide with a DynamoDB reserved word.
  const path = (field: string) =>
    field
      .split('.')
      .map((segment) => {
        const name = `#n${Object.keys(names).length}`;
        names[name] = segment;
        return name;
      })
      .join('.');
  const value = (given: unknown) => {
    const name = `:v${Object.keys(values).length}`;
    values[name] = given;
    return name;
  };
  const sets = Object.entries(update.set ?? {}).map(([field, given]) => `${path(field)} = ${value(given)}`);
  const removes = (update.remove ?? []).map(path);
  const condition =
    'version' in update.when
      ? `${path('version')} = ${value(update.when.version)}`
      : Object.entries(update.when.equals)
          .map(([field, given]) => `${path(field)} = ${value(given)}`)
          .join(' AND ');
  const version = path('version');
  const expression =
    `SET ${[...sets, `${version} = ${version} + :one`, `${path('updatedAt')} = :at`].join(', ')}` +
    (removes.length ? ` REMOVE ${removes.join(', ')}` : '');
  try {
    await deps.dynamo.send(
      new UpdateItemCommand({
        TableName: deps.tableName,
        Key: marshall(recordKey(id)),
        UpdateExpression: expression,
        ConditionExpression: condition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: marshall(values),
      }),
    );
    return true;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}
