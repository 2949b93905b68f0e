import { isDeepStrictEqual } from 'node:util';
import { GetItemCommand, QueryCommand } from '../aws/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '../aws/util-dynamodb';
import { emailPartition, importRowKey } from '../data/keys';
import { indexes } from '../data/table-design';
import { StaleRead, WritePlan } from '../data/write-plan';
import { NotFound, PreconditionFailed } from '../http/errors';
import type { ModuleDeclaration } from '../modules/registry';
import { applyMergePatch } from '../records/merge-patch';
import { writableFields, type StoredRecord } from '../records/public-record';
import type { createRecordService } from '../records/record-service';
import type { KeyKind } from './import-columns';

/**
 * One valid row into the CRM, through the same record service as the API (so the access stream provisions a
 * portal-enabled person exactly as it would for a staff edit). Rows upsert by key: the import key item says which
 * record an email or externalId stands for, read with one GetItem; a new record is written in one transaction with
 * that item (`attribute_not_exists`), so concurrent or replayed chunks never make two records of one key.
 *
 * The key item also remembers the last import and row that wrote through it and what happened, so a chunk replayed
 * after a crash reports the same outcome it had the first time rather than "unchanged".
 */

export type RowOutcome = 'created' | 'updated' | 'unchanged';

interface KeyItem {
  readonly recordId: string;
  readonly importId?: string;
  readonly row?: number;
  readonly outcome?: RowOutcome;
}

export interface UpsertDependencies {
  readonly dynamo: DynamoDBClient;
  readonly tableName: string;
  readonly records: ReturnType<typeof createRecordService>;
}

export interface ImportedRow {
  readonly importId: string;
  readonly row: number;
  readonly keyKind: KeyKind;
  readonly key: string;
  readonly fields: Record<string, unknown>;
  readonly externalId?: string;
}

const maxAttempts = 5;

export function createRowUpserter({ dynamo, tableName, records }: UpsertDependencies) {
  async function readKey(module: ModuleDeclaration, row: ImportedRow): Promise<KeyItem | undefined> {
    const found = await dynamo.send(
      new GetItemCommand({
        TableName: tableName,
        Key: marshall(importRowKey(module.name, row.keyKind, row.key)),
        ConsistentRead: true,
      }),
    );
    return found.Item ? (unmarshall(found.Item) as KeyItem) : undefined;
  }

  /** A person staff created through the API before any import: the email index finds them (one Query, no Scan). */
  async function existingByEmail(module: ModuleDeclaration, email: string): Promise<string | undefined> {
    const { byLookup } = indexes;
    const found = await dynamo.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: byLookup.indexName,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :module)',
        ExpressionAttributeNames: { '#pk': byLookup.partitionKey, '#sk': byLookup.sortKey },
        ExpressionAttributeValues: marshall({ ':pk': emailPartition(email), ':module': `${module.name}#` }),
        Limit: 1,
      }),
    );
    const item = found.Items?.[0];
    return item ? (unmarshall(item).id as string) : undefined;
  }

  /** Writes the key item with this row's outcome, in the record write's own transaction. */
  function recordKeyItem(
    module: ModuleDeclaration,
    row: ImportedRow,
    recordId: string,
    outcome: RowOutcome,
    previous?: KeyItem,
  ) {
    return (plan: WritePlan) => {
      plan.add(
        {
          Put: {
            TableName: tableName,
            Item: marshall({
              ...importRowKey(module.name, row.keyKind, row.key),
              recordId,
              importId: row.importId,
              row: row.row,
              outcome,
            }),
            ConditionExpression: previous ? 'recordId = :recordId' : 'attribute_not_exists(pk)',
            ...(previous ? { ExpressionAttributeValues: marshall({ ':recordId': previous.recordId }) } : {}),
          },
        },
        // Another chunk (or a replay of this one) keyed it first: read it again and go on from there.
        () => new StaleRead('import key taken'),
      );
    };
  }

  async function create(module: ModuleDeclaration, row: ImportedRow, previous?: KeyItem): Promise<RowOutcome> {
    let recordId = '';
    await records.create(module, row.fields, `import:${row.importId}`, {
      serverOwned: row.externalId !== undefined ? { externalId: row.externalId } : {},
      alsoWrite: (plan, item) => {
        recordId = item.id as string;
        recordKeyItem(module, row, recordId, 'created', previous)(plan);
      },
    });
    return 'created';
  }

  return async function upsertRow(module: ModuleDeclaration, row: ImportedRow): Promise<RowOutcome> {
    for (let attempt = 1; ; attempt++) {
      try {
        let keyed = await readKey(module, row);
        if (keyed?.importId === row.importId && keyed.row === row.row && keyed.outcome) return keyed.outcome;
        if (!keyed && row.keyKind === 'email') {
          const adopted = await existingByEmail(module, row.key);
          if (adopted) keyed = { recordId: adopted };
        }
        if (!keyed) return await create(module, row);
        let current: StoredRecord;
        try {
          current = (await records.get(module, keyed.recordId)) as StoredRecord;
        } catch (error) {
          // Staff deleted the record since: the row makes it anew, and the key follows the new record.
          if (error instanceof NotFound) return await create(module, row, keyed);
          throw error;
        }
        const before = writableFields(module, current);
        if (isDeepStrictEqual(applyMergePatch(before, row.fields), before)) {
          // A person found by email: remember the key, so the next import reads it directly.
          if (keyed.importId === undefined) await keyAdopted(module, row, keyed.recordId);
          return 'unchanged';
        }
        const key = keyed;
        await records.update(module, key.recordId, row.fields, `import:${row.importId}`, [current.version], {
          alsoWrite: recordKeyItem(module, row, key.recordId, 'updated', key.importId === undefined ? undefined : key),
        });
        return 'updated';
      } catch (error) {
        const retry = error instanceof StaleRead || error instanceof PreconditionFailed;
        if (!retry || attempt >= maxAttempts) throw error;
      }
    }
  };

  /** The first key item of a person found by email, on its own: the record itself does not change. */
  async function keyAdopted(module: ModuleDeclaration, row: ImportedRow, recordId: string): Promise<void> {
    const plan = new WritePlan(tableName);
    recordKeyItem(module, row, recordId, 'unchanged')(plan);
    await plan.commit(dynamo);
  }
}
