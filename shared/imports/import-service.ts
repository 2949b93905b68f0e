import { randomUUID } from 'node:crypto';
import {
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '../aws/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '../aws/util-dynamodb';
import { importItemModule, importKey } from '../data/keys';
import { Conflict, NotFound } from '../http/errors';
import { findModule } from '../modules/registry';
import type { PresignedDownload, PresignedUpload } from '../files/file-store';
import type { ColumnMapping, FileProblem, RowError } from './import-columns';
import type { ImportRequest } from './import-request';
import { reportObjectKey, sourceObjectKey, type ImportObjects } from './import-objects';

/**
 * A CSV import, as staff drive it. Main course: `create` (an import awaiting its file, and a presigned upload to the
 * files bucket: the file never passes through the API) → the client uploads → `startDryRun` (the worker plans the
 * file into chunks and validates every row with the module's own schema, writing nothing) → `commit` (the worker
 * upserts the valid rows, chunk by chunk) → `get` at any time shows progress and, once a phase has finished, its
 * error report as a download. Each step is one conditional write on the import's status, so a step asked twice,
 * or out of order, is a 409 and changes nothing.
 */

export type ImportStatus = 'awaitingUpload' | 'validating' | 'validated' | 'refused' | 'committing' | 'completed';

export { importRequest, maxImportBytes, errorSampleSize, type ImportRequest } from './import-request';

/** The import item as stored (keys aside). Counters are per phase; they only ever grow, by whole chunks. */
export interface StoredImport {
  readonly id: string;
  readonly module: typeof importItemModule;
  readonly targetModule: ImportRequest['module'];
  readonly fileName: string;
  readonly size: number;
  readonly mapping: ColumnMapping;
  readonly status: ImportStatus;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly updatedAt: string;
  readonly headers?: readonly string[];
  readonly rowCount?: number;
  readonly chunkCount?: number;
  readonly problems?: readonly FileProblem[];
  readonly commitChunksWritten?: boolean;
  readonly dryRunRead?: number;
  readonly dryRunFailed?: number;
  readonly dryRunChunksDone?: number;
  readonly dryRunErrors?: readonly RowError[];
  readonly commitRead?: number;
  readonly commitCreated?: number;
  readonly commitUpdated?: number;
  readonly commitUnchanged?: number;
  readonly commitFailed?: number;
  readonly commitChunksDone?: number;
  readonly commitErrors?: readonly RowError[];
}

export interface ImportView {
  readonly id: string;
  readonly module: string;
  readonly fileName: string;
  readonly size: number;
  readonly status: ImportStatus;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly updatedAt: string;
  readonly rows: number | null;
  readonly problems: readonly FileProblem[];
  readonly dryRun: { rowsRead: number; valid: number; failed: number; errors: readonly RowError[] } | null;
  readonly progress: {
    rowsRead: number;
    created: number;
    updated: number;
    unchanged: number;
    failed: number;
    errors: readonly RowError[];
  } | null;
  readonly errorReport: (PresignedDownload & { phase: 'dryRun' | 'commit' }) | null;
}

export interface ImportServiceDependencies {
  readonly dynamo: DynamoDBClient;
  readonly tableName: string;
  readonly objects: ImportObjects;
  readonly now?: () => Date;
  readonly newId?: () => string;
}

const notFound = (id: string) => new NotFound(`There is no import with id ${id}.`);
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function createImportService({
  dynamo,
  tableName,
  objects,
  now = () => new Date(),
  newId = randomUUID,
}: ImportServiceDependencies) {
  async function read(id: string): Promise<StoredImport> {
    if (!uuidPattern.test(id)) throw notFound(id);
    const found = await dynamo.send(
      new GetItemCommand({ TableName: tableName, Key: marshall(importKey(id)), ConsistentRead: true }),
    );
    if (!found.Item) throw notFound(id);
    return unmarshall(found.Item) as StoredImport;
  }

  /** Moves the import from `from` to `to`, or explains with `refusal` why it cannot (its status is another). */
  async function transition(
    id: string,
    from: ImportStatus,
    to: ImportStatus,
    refusal: (current: StoredImport) => string,
  ) {
    try {
      await dynamo.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: marshall(importKey(id)),
          UpdateExpression: 'SET #status = :to, updatedAt = :at',
          ConditionExpression: '#status = :from',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: marshall({ ':to': to, ':from': from, ':at': now().toISOString() }),
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      throw new Conflict(refusal(await read(id)));
    }
  }

  async function view(item: StoredImport): Promise<ImportView> {
    const reportPhase =
      item.status === 'completed'
        ? 'commit'
        : item.status === 'validated' || item.status === 'committing'
          ? 'dryRun'
          : undefined;
    const reportName = `${item.fileName.replace(/\.csv$/i, '')}-${reportPhase === 'commit' ? 'errors' : 'dry-run-errors'}.csv`;
    const report = reportPhase
      ? await objects.presignDownload(reportObjectKey(item.id, reportPhase), {
          fileName: reportName,
          contentType: 'text/csv',
        })
      : undefined;
    const dryRunDone = item.dryRunChunksDone !== undefined && item.chunkCount !== undefined;
    return {
      id: item.id,
      module: item.targetModule,
      fileName: item.fileName,
      size: item.size,
      status: item.status,
      createdAt: item.createdAt,
      createdBy: item.createdBy,
      updatedAt: item.updatedAt,
      rows: item.rowCount ?? null,
      problems: item.problems ?? [],
      dryRun: dryRunDone
        ? {
            rowsRead: item.dryRunRead ?? 0,
            valid: (item.dryRunRead ?? 0) - (item.dryRunFailed ?? 0),
            failed: item.dryRunFailed ?? 0,
            errors: item.dryRunErrors ?? [],
          }
        : null,
      progress:
        item.status === 'committing' || item.status === 'completed'
          ? {
              rowsRead: item.commitRead ?? 0,
              created: item.commitCreated ?? 0,
              updated: item.commitUpdated ?? 0,
              unchanged: item.commitUnchanged ?? 0,
              failed: item.commitFailed ?? 0,
              errors: item.commitErrors ?? [],
            }
          : null,
      errorReport: report && reportPhase ? { ...report, phase: reportPhase } : null,
    };
  }

  return {
    async create(request: ImportRequest, actor: string): Promise<{ import: ImportView; upload: PresignedUpload }> {
      if (!findModule(request.module)) throw new NotFound(`There is no module ${request.module}.`);
      const id = newId();
      const at = now().toISOString();
      const item: StoredImport = {
        id,
        module: importItemModule,
        targetModule: request.module,
        fileName: request.fileName,
        size: request.size,
        mapping: request.mapping ?? {},
        status: 'awaitingUpload',
        createdAt: at,
        createdBy: actor,
        updatedAt: at,
      };
      await dynamo.send(
        new PutItemCommand({
          TableName: tableName,
          Item: marshall({ ...importKey(id), ...item }),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      const upload = await objects.presignUpload(sourceObjectKey(id), { contentType: 'text/csv', size: request.size });
      return { import: await view(item), upload };
    },

    async get(id: string): Promise<ImportView> {
      return view(await read(id));
    },

    /** The file must be in the bucket, at the size declared; then the worker validates it (stream of the import). */
    async startDryRun(id: string): Promise<ImportView> {
      const item = await read(id);
      if (item.status !== 'awaitingUpload')
        throw new Conflict(`The import is ${item.status}: its dry run has started already.`);
      const stored = await objects.head(sourceObjectKey(id));
      if (!stored)
        throw new Conflict(
          'The file has not been uploaded yet: upload it with the URL the import gave, then ask again.',
        );
      await transition(
        id,
        'awaitingUpload',
        'validating',
        (current) => `The import is ${current.status}: its dry run has started already.`,
      );
      return view(await read(id));
    },

    async commit(id: string): Promise<ImportView> {
      await transition(id, 'validated', 'committing', (current) =>
        current.status === 'refused'
          ? 'The file was refused (see problems); fix it and start a new import.'
          : current.status === 'committing' || current.status === 'completed'
            ? `The import is ${current.status} already.`
            : `The import is ${current.status}: it can be committed once its dry run has finished.`,
      );
      return view(await read(id));
    },
  };
}

export type ImportService = ReturnType<typeof createImportService>;
