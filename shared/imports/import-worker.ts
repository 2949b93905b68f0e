import { randomUUID } from 'node:crypto';
import {
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  TransactionCanceledException,
  UpdateItemCommand,
} from '../aws/client-dynamodb';
import type { AttributeValue as DynamoAttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '../aws/util-dynamodb';
import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';
import { stringify } from 'csv-stringify/sync';
import {
  importChunkKey,
  importChunkPrefix,
  importItemModule,
  importKey,
  importPartition,
  importSortKey,
} from '../data/keys';
import { compareSequenceNumbers } from '../data/sequence-numbers';
import { tableDesign } from '../data/table-design';
import { eachConcurrently } from '../access/each-concurrently';
import { DomainError } from '../http/errors';
import { findModule, type ModuleDeclaration } from '../modules/registry';
import type { createRecordService } from '../records/record-service';
import { logger } from '../observability/logger';
import { planHeader, readRow, type RowError } from './import-columns';
import { planImportFile, readChunkCells, type ChunkPlan } from './import-plan';
import { reportObjectKey, sourceObjectKey, type ImportObjects, type ImportPhase } from './import-objects';
import { errorSampleSize } from './import-request';
import type { StoredImport } from './import-service';
import { createRowUpserter, type RowOutcome } from './import-upsert';

/**
 * The import engine, driven by the table's stream (an event source mapping in the cloud, the local runtime's poller
 * locally). Main course of one phase (dry run, then commit):
 *
 * 1. The import's status becomes `validating` → plan: one pass over the file writes a chunk item per ~100 rows
 *    (its byte range and the rows repeating an earlier key), then the chunk count on the import. `committing` →
 *    the dry run's chunks are written again for the commit phase.
 * 2. Each chunk item's INSERT → claim it (a conditional write: pending, or a lease run out), read its byte range,
 *    validate each row with the module's schema, and in the commit phase upsert it (import-upsert.ts) → one
 *    transaction marks the chunk done and adds its counts to the import, conditioned on still holding the claim,
 *    so a count is added once however often a chunk is replayed.
 * 3. The import's MODIFY that brings the done chunks to the chunk count → finish: the error report (CSV) goes to
 *    the bucket and the status moves on (`validated`, `completed`).
 *
 * Every step is idempotent and keyed by the stream record that caused it: a crash anywhere is a retry of that
 * record, which finds the work done, or continues it. Chunks of a batch run side by side, and shards scale out.
 */

/** How long a claim on a chunk holds: a chunk takes seconds; a crashed worker's chunk is free again after this. */
export const chunkLeaseSeconds = 20;
/** Rows of one chunk written side by side. */
const rowConcurrency = 8;

/** Another worker holds the chunk's claim; the stream retries the record after a backoff. */
export class ChunkBusy extends Error {}

interface StoredChunk extends ChunkPlan {
  readonly importId: string;
  readonly phase: ImportPhase;
  readonly status: 'pending' | 'running' | 'done';
  readonly leaseUntil?: number;
  readonly claimedBy?: string;
  readonly errors?: readonly RowError[];
}

export interface ImportWorkerDependencies {
  readonly dynamo: DynamoDBClient;
  readonly tableName: string;
  readonly objects: ImportObjects;
  readonly records: ReturnType<typeof createRecordService>;
  readonly now?: () => Date;
  readonly chunkRows?: number;
}

const phaseOf = (status: StoredImport['status']): ImportPhase | undefined =>
  status === 'validating' ? 'dryRun' : status === 'committing' ? 'commit' : undefined;

export function createImportWorker(deps: ImportWorkerDependencies) {
  const { dynamo, tableName, objects, records } = deps;
  const now = deps.now ?? (() => new Date());
  const workerId = randomUUID();
  const upsertRow = createRowUpserter({ dynamo, tableName, records });

  async function readImport(id: string): Promise<StoredImport | undefined> {
    const found = await dynamo.send(
      new GetItemCommand({ TableName: tableName, Key: marshall(importKey(id)), ConsistentRead: true }),
    );
    return found.Item ? (unmarshall(found.Item) as StoredImport) : undefined;
  }

  async function chunksOf(id: string, phase: ImportPhase): Promise<StoredChunk[]> {
    const chunks: StoredChunk[] = [];
    let start: Record<string, DynamoAttributeValue> | undefined;
    do {
      const page = await dynamo.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
          ExpressionAttributeNames: { '#pk': tableDesign.partitionKey, '#sk': tableDesign.sortKey },
          ExpressionAttributeValues: marshall({
            ':pk': importPartition(id),
            ':prefix': `${importChunkPrefix}${phase}#`,
          }),
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      chunks.push(...(page.Items ?? []).map((item) => unmarshall(item) as StoredChunk));
      start = page.LastEvaluatedKey;
    } while (start);
    return chunks;
  }

  /** Puts a chunk unless it exists: a replayed plan never resets a chunk that has run. */
  async function putChunk(chunk: StoredChunk): Promise<void> {
    try {
      await dynamo.send(
        new PutItemCommand({
          TableName: tableName,
          // The key last: a chunk copied from the dry run carries that chunk's own keys.
          Item: marshall({ ...chunk, ...importChunkKey(chunk.importId, chunk.phase, chunk.index) }),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async function update(id: string, expression: string, condition: string, values: Record<string, unknown>) {
    try {
      await dynamo.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: marshall(importKey(id)),
          UpdateExpression: expression,
          ConditionExpression: condition,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: marshall(values, { removeUndefinedValues: true }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async function planDryRun(item: StoredImport): Promise<void> {
    const module = findModule(item.targetModule)!;
    const plan = await planImportFile(
      await objects.read(sourceObjectKey(item.id)),
      module,
      item.mapping,
      deps.chunkRows,
    );
    const at = now().toISOString();
    if (!plan.ok) {
      await update(item.id, 'SET #status = :refused, problems = :problems, updatedAt = :at', '#status = :validating', {
        ':refused': 'refused',
        ':problems': plan.problems,
        ':at': at,
        ':validating': 'validating',
      });
      return;
    }
    await eachConcurrently(plan.chunks, 8, (chunk) =>
      putChunk({ ...chunk, importId: item.id, phase: 'dryRun', status: 'pending' }),
    );
    await update(
      item.id,
      'SET chunkCount = :chunks, rowCount = :rows, headers = :headers, updatedAt = :at, dryRunRead = if_not_exists(dryRunRead, :zero), dryRunFailed = if_not_exists(dryRunFailed, :zero), dryRunChunksDone = if_not_exists(dryRunChunksDone, :zero)',
      '#status = :validating AND attribute_not_exists(chunkCount)',
      {
        ':chunks': plan.chunks.length,
        ':rows': plan.rowCount,
        ':headers': plan.headers,
        ':at': at,
        ':zero': 0,
        ':validating': 'validating',
      },
    );
  }

  async function planCommit(item: StoredImport): Promise<void> {
    const chunks = await chunksOf(item.id, 'dryRun');
    await eachConcurrently(chunks, 8, ({ status: _s, leaseUntil: _l, claimedBy: _c, errors: _e, ...chunk }) =>
      putChunk({ ...chunk, phase: 'commit', status: 'pending' }),
    );
    const zero = [
      'commitRead',
      'commitCreated',
      'commitUpdated',
      'commitUnchanged',
      'commitFailed',
      'commitChunksDone',
    ];
    await update(
      item.id,
      `SET commitChunksWritten = :true, updatedAt = :at, ${zero.map((name) => `${name} = if_not_exists(${name}, :zero)`).join(', ')}`,
      '#status = :committing',
      { ':true': true, ':at': now().toISOString(), ':zero': 0, ':committing': 'committing' },
    );
  }

  async function finish(item: StoredImport, phase: ImportPhase): Promise<void> {
    const errors = (await chunksOf(item.id, phase))
      .flatMap((chunk) => chunk.errors ?? [])
      .sort((a, b) => a.row - b.row || a.field.localeCompare(b.field));
    const report = stringify(
      errors.map((error) => [error.row, error.field, error.reason]),
      { header: true, columns: ['row', 'field', 'reason'] },
    );
    await objects.write(reportObjectKey(item.id, phase), report, 'text/csv; charset=utf-8');
    const [from, to, sample] =
      phase === 'dryRun' ? ['validating', 'validated', 'dryRunErrors'] : ['committing', 'completed', 'commitErrors'];
    await update(item.id, `SET #status = :to, ${sample} = :sample, updatedAt = :at`, '#status = :from', {
      ':to': to,
      ':from': from,
      ':sample': errors.slice(0, errorSampleSize),
      ':at': now().toISOString(),
    });
  }

  /** What the import's new image asks for: a plan, the commit's chunks, or the end of a phase. */
  async function onImportChange(importId: string): Promise<void> {
    // The item as it is now, not as the record's image was: a replay acts on the present state.
    const item = await readImport(importId);
    if (!item) return;
    const phase = phaseOf(item.status);
    if (!phase) return;
    if (phase === 'dryRun' && item.chunkCount === undefined) return planDryRun(item);
    if (phase === 'commit' && !item.commitChunksWritten) return planCommit(item);
    const done = phase === 'dryRun' ? item.dryRunChunksDone : item.commitChunksDone;
    if (item.chunkCount !== undefined && done !== undefined && done >= item.chunkCount) return finish(item, phase);
  }

  /** Claims the chunk: pending, or held by a claim that ran out. False when it is done already. */
  async function claim(chunk: StoredChunk): Promise<boolean> {
    const at = now().getTime();
    try {
      await dynamo.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: marshall(importChunkKey(chunk.importId, chunk.phase, chunk.index)),
          UpdateExpression: 'SET #status = :running, leaseUntil = :until, claimedBy = :me',
          ConditionExpression: '#status = :pending OR (#status = :running AND leaseUntil < :now)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: marshall({
            ':running': 'running',
            ':pending': 'pending',
            ':until': at + chunkLeaseSeconds * 1000,
            ':now': at,
            ':me': workerId,
          }),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return true;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const old = error.Item ? (unmarshall(error.Item) as StoredChunk) : undefined;
      if (!old || old.status === 'done') return false;
      throw new ChunkBusy(`Chunk ${chunk.index} of import ${chunk.importId} is being processed by another worker`);
    }
  }

  async function runRows(item: StoredImport, module: ModuleDeclaration, chunk: StoredChunk) {
    const header = planHeader(module, item.headers ?? [], item.mapping);
    const bytes = await objects.readRange(sourceObjectKey(item.id), chunk.startByte, chunk.endByte);
    const cells = readChunkCells(bytes);
    if (cells.length !== chunk.rowCount) {
      throw new Error(
        `Chunk ${chunk.index} of import ${item.id} has ${cells.length} rows where ${chunk.rowCount} were planned`,
      );
    }
    const duplicates = new Map(chunk.duplicates.map((duplicate) => [duplicate.row, duplicate.firstRow]));
    const errors: RowError[] = [];
    const outcomes: Record<RowOutcome, number> = { created: 0, updated: 0, unchanged: 0 };
    await eachConcurrently(
      cells.map((rowCells, i) => ({ rowCells, row: chunk.firstRow + i })),
      rowConcurrency,
      async ({ rowCells, row }) => {
        const first = duplicates.get(row);
        if (first !== undefined) {
          errors.push({ row, field: header.keyKind, reason: `repeats the ${header.keyKind} of row ${first}` });
          return;
        }
        const read = readRow(module, header, rowCells, row);
        if (!read.ok) {
          errors.push(...read.errors);
          return;
        }
        if (chunk.phase === 'dryRun') return;
        try {
          const outcome = await upsertRow(module, {
            importId: item.id,
            row,
            keyKind: header.keyKind,
            key: read.key,
            fields: read.fields,
            ...(read.externalId !== undefined ? { externalId: read.externalId } : {}),
          });
          outcomes[outcome]++;
        } catch (error) {
          // A refusal of the write itself (a reference to no organization, a portal email another person holds).
          if (!(error instanceof DomainError)) throw error;
          const field = (error.extensions.errors as { path: string }[] | undefined)?.[0]?.path
            .slice(1)
            .replace(/\//g, '.');
          errors.push({ row, field: field ?? '', reason: error.message });
        }
      },
    );
    const failedRows = new Set(errors.map((error) => error.row)).size;
    return { errors: errors.sort((a, b) => a.row - b.row), failedRows, outcomes };
  }

  async function readChunk(key: Record<string, AttributeValue>): Promise<StoredChunk | undefined> {
    const found = await dynamo.send(
      new GetItemCommand({
        TableName: tableName,
        Key: key as Record<string, DynamoAttributeValue>,
        ConsistentRead: true,
      }),
    );
    return found.Item ? (unmarshall(found.Item) as StoredChunk) : undefined;
  }

  async function onChunkInserted(key: Record<string, AttributeValue>): Promise<void> {
    const chunk = await readChunk(key);
    if (!chunk || chunk.status === 'done' || !(await claim(chunk))) return;
    const item = await readImport(chunk.importId);
    const module = item && findModule(item.targetModule);
    if (!item || !module) throw new Error(`Chunk of an unknown import ${chunk.importId}`);
    const { errors, failedRows, outcomes } = await runRows(item, module, chunk);
    const counts =
      chunk.phase === 'dryRun'
        ? { dryRunRead: chunk.rowCount, dryRunFailed: failedRows, dryRunChunksDone: 1 }
        : {
            commitRead: chunk.rowCount,
            commitCreated: outcomes.created,
            commitUpdated: outcomes.updated,
            commitUnchanged: outcomes.unchanged,
            commitFailed: failedRows,
            commitChunksDone: 1,
          };
    const names = Object.keys(counts);
    try {
      await dynamo.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              Update: {
                TableName: tableName,
                Key: marshall(importChunkKey(chunk.importId, chunk.phase, chunk.index)),
                UpdateExpression: 'SET #status = :done, errors = :errors REMOVE leaseUntil',
                ConditionExpression: '#status = :running AND claimedBy = :me',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: marshall({
                  ':done': 'done',
                  ':errors': errors,
                  ':running': 'running',
                  ':me': workerId,
                }),
              },
            },
            {
              Update: {
                TableName: tableName,
                Key: marshall(importKey(chunk.importId)),
                UpdateExpression: `ADD ${names.map((name) => `${name} :${name}`).join(', ')} SET updatedAt = :at`,
                ExpressionAttributeValues: marshall({
                  ...Object.fromEntries(names.map((name) => [`:${name}`, counts[name as keyof typeof counts]])),
                  ':at': now().toISOString(),
                }),
              },
            },
          ],
        }),
      );
    } catch (error) {
      // Another worker took the chunk over after our claim ran out, and counts it itself.
      if (!(error instanceof TransactionCanceledException)) throw error;
      if (error.CancellationReasons?.[0]?.Code !== 'ConditionalCheckFailed') throw error;
      logger.warn('Import chunk was taken over; its counts are left to the other worker', {
        importId: chunk.importId,
        chunk: chunk.index,
      });
    }
  }

  /** One stream record: what it asks for, done idempotently. Unknown records are not ours and pass. */
  async function handleRecord(record: DynamoDBRecord): Promise<void> {
    const image = record.dynamodb?.NewImage as Record<string, AttributeValue> | undefined;
    const keys = record.dynamodb?.Keys as Record<string, AttributeValue> | undefined;
    const sortKey = keys?.[tableDesign.sortKey]?.S;
    if (!image || !keys || !sortKey) return;
    const importId = image.id?.S;
    if (sortKey === importSortKey && image.module?.S === importItemModule && importId) return onImportChange(importId);
    if (record.eventName === 'INSERT' && sortKey.startsWith(importChunkPrefix)) return onChunkInserted(keys);
  }

  /**
   * A batch of stream records, side by side; answers the sequence numbers that failed, in order, so the event source
   * retries from the first of them (every step is idempotent, so what follows it may run again safely).
   */
  async function handleBatch(batch: readonly DynamoDBRecord[], concurrency = 8): Promise<string[]> {
    const failed: string[] = [];
    await eachConcurrently(batch, concurrency, async (record) => {
      try {
        await handleRecord(record);
      } catch (error) {
        const sequence = record.dynamodb?.SequenceNumber ?? '';
        failed.push(sequence);
        if (error instanceof ChunkBusy) logger.info('Import chunk busy; retrying later', { sequence });
        else logger.error('Import step failed', { sequence, error: error as Error });
      }
    });
    return failed.sort(compareSequenceNumbers);
  }

  return { handleRecord, handleBatch };
}

export type ImportWorker = ReturnType<typeof createImportWorker>;
