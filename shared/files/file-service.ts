import {
  GetItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  TransactionCanceledException,
  UpdateItemCommand,
} from '../aws/client-dynamodb';
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '../aws/util-dynamodb';
import { fileKey, filePrefix, isRecordIdOf, portalPartition, recordKey } from '../data/keys';
import { indexes, tableDesign } from '../data/table-design';
import { Conflict, NotFound } from '../http/errors';
import { findModule } from '../modules/registry';
import { decodeCursor, encodeCursor } from '../records/cursor';
import { isFileId, newFileId, objectKeyOf, type FileModule, type FileObject } from './file-objects';
import { pendingFileSeconds, type UploadRequest } from './file-rules';
import type { FileStore, PresignedDownload, PresignedUpload } from './file-store';
import { readRecord } from '../data/read-records';

/**
 * Files of records: a ticket's attachments and a document's file. Main course: someone who may see the record asks
 * to upload → a pending file item and a presigned upload URL (one transaction with a check that the record is
 * still there, and still visible to that viewer) → the browser puts the bytes in the bucket → the bucket's
 * ObjectCreated event marks the item uploaded (`markUploaded`, after checking the stored size and type) → lists
 * show it as uploaded and a download URL can be had, re-checked at every request. A pending file whose upload
 * never happened expires (TTL) and is hidden from lists once its hour is over.
 */

export type FileStatus = 'pending' | 'uploaded';

/** A file as the API shows it. */
export interface FileView {
  readonly id: string;
  readonly fileName: string;
  readonly contentType: string;
  readonly size: number;
  readonly status: FileStatus;
  readonly createdAt: string;
  readonly uploadedAt: string | null;
}

/** Who may act on the record: staff (any record), or a portal viewer (records shown to them on the portal). */
export type FileActor =
  | { readonly kind: 'staff'; readonly sub: string }
  | { readonly kind: 'portal'; readonly personId: string; readonly viewer: string };

export interface FileTarget {
  readonly module: FileModule;
  readonly recordId: string;
}

export interface FileServiceDependencies {
  readonly dynamo: DynamoDBClient;
  readonly tableName: string;
  readonly store: FileStore;
  readonly now?: () => Date;
}

interface StoredFile extends FileView {
  readonly recordId: string;
  readonly module: FileModule;
  readonly createdBy: string;
  readonly expiresAt?: number;
}

const view = (file: StoredFile): FileView => ({
  id: file.id,
  fileName: file.fileName,
  contentType: file.contentType,
  size: file.size,
  status: file.status,
  createdAt: file.createdAt,
  uploadedAt: file.uploadedAt ?? null,
});

/** Staff also see who started the upload: `staff:<sub>` or `portal:<personId>`. */
export const staffFileView = (file: FileView & { createdBy?: string }) => ({
  ...view(file as StoredFile),
  createdBy: file.createdBy ?? null,
});

export function createFileService(deps: FileServiceDependencies) {
  const { dynamo, tableName, store } = deps;
  const now = deps.now ?? (() => new Date());
  const { partitionKey: pk, sortKey: sk, ttlAttribute } = tableDesign;
  const label = (target: FileTarget) => findModule(target.module)?.label ?? target.module;
  const notFound = (target: FileTarget) => new NotFound(`There is no ${label(target)} ${target.recordId}.`);

  /** The condition under which `actor` may touch the record now: it exists, and for a portal viewer is shown to them. */
  function recordCondition(
    target: FileTarget,
    actor: FileActor,
  ): { expression: string; names: Record<string, string>; values?: Record<string, AttributeValue> } {
    if (actor.kind === 'staff') return { expression: 'attribute_exists(#pk)', names: { '#pk': pk } };
    return {
      expression: '#portal = :portal',
      names: { '#portal': indexes.byPortal.partitionKey },
      values: marshall({ ':portal': portalPartition(actor.viewer, target.module) }),
    };
  }

  /** Staff reach a record's files only while the record exists: a 404 otherwise, as for the record itself. */
  async function assertRecord(target: FileTarget): Promise<void> {
    if (!isRecordIdOf(findModule(target.module)!, target.recordId)) throw notFound(target);
    if (!(await readRecord({ dynamo, tableName }, target.recordId))) throw notFound(target);
  }

  /** A pending file item and the presigned upload for it; refused (404) if the record is gone or no longer visible. */
  async function requestUpload(
    target: FileTarget,
    file: UploadRequest,
    actor: FileActor,
  ): Promise<{
    attachment: Pick<FileView, 'id' | 'fileName' | 'contentType' | 'size' | 'status'>;
    upload: PresignedUpload;
  }> {
    if (!isRecordIdOf(findModule(target.module)!, target.recordId)) throw notFound(target);
    const at = now();
    const fileId = newFileId(at);
    const objectKey = objectKeyOf({ ...target, fileId });
    const item: StoredFile & { objectKey: string } = {
      id: fileId,
      recordId: target.recordId,
      module: target.module,
      fileName: file.fileName,
      contentType: file.contentType,
      size: file.size,
      status: 'pending',
      createdAt: at.toISOString(),
      uploadedAt: null,
      createdBy: actor.kind === 'staff' ? `staff:${actor.sub}` : `portal:${actor.personId}`,
      objectKey,
      // Gone on its own if the upload never happens.
      [ttlAttribute]: Math.floor(at.getTime() / 1000) + pendingFileSeconds,
    };
    const condition = recordCondition(target, actor);
    try {
      await dynamo.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              ConditionCheck: {
                TableName: tableName,
                Key: marshall(recordKey(target.recordId)),
                ConditionExpression: condition.expression,
                ExpressionAttributeNames: condition.names,
                ExpressionAttributeValues: condition.values,
              },
            },
            {
              Put: {
                TableName: tableName,
                Item: marshall({ ...fileKey(target.recordId, fileId), ...item }, { removeUndefinedValues: true }),
                ConditionExpression: 'attribute_not_exists(#pk)',
                ExpressionAttributeNames: { '#pk': pk },
              },
            },
          ],
        }),
      );
    } catch (error) {
      const reasons = error instanceof TransactionCanceledException ? error.CancellationReasons : undefined;
      if (reasons?.[0]?.Code === 'ConditionalCheckFailed') throw notFound(target);
      throw error;
    }
    const upload = await store.presignUpload(objectKey, file);
    const { id, fileName, contentType, size, status } = item;
    return { attachment: { id, fileName, contentType, size, status }, upload };
  }

  /** One page of the record's files, oldest first: uploaded ones, and pending ones still within their hour. */
  async function list(target: FileTarget, page: { limit: number; cursor?: string }) {
    const partition = target.recordId;
    const result = await dynamo.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :files)',
        FilterExpression: '#status = :uploaded OR #expires > :now',
        ExpressionAttributeNames: { '#pk': pk, '#sk': sk, '#status': 'status', '#expires': ttlAttribute },
        ExpressionAttributeValues: marshall({
          ':pk': partition,
          ':files': filePrefix,
          ':uploaded': 'uploaded',
          ':now': Math.floor(now().getTime() / 1000),
        }),
        Limit: page.limit,
        ConsistentRead: true,
        ExclusiveStartKey: page.cursor
          ? decodeCursor(page.cursor, { attributes: [pk, sk], partitionKey: pk, partitionValue: partition })
          : undefined,
      }),
    );
    return {
      items: (result.Items ?? []).map((item) => unmarshall(item) as StoredFile),
      nextCursor: encodeCursor(result.LastEvaluatedKey),
    };
  }

  async function storedFile(target: FileTarget, fileId: string): Promise<StoredFile> {
    const missing = new NotFound(`There is no file ${fileId} on this ${label(target)}.`);
    if (!isFileId(fileId)) throw missing;
    const result = await dynamo.send(
      new GetItemCommand({
        TableName: tableName,
        Key: marshall(fileKey(target.recordId, fileId)),
        ConsistentRead: true,
      }),
    );
    if (!result.Item) throw missing;
    return unmarshall(result.Item) as StoredFile;
  }

  async function downloadOf(
    file: StoredFile,
  ): Promise<PresignedDownload & Pick<FileView, 'fileName' | 'contentType' | 'size'>> {
    if (file.status !== 'uploaded') throw new Conflict('This file has not finished uploading yet.');
    const url = await store.presignDownload(
      objectKeyOf({ module: file.module, recordId: file.recordId, fileId: file.id }),
      file,
    );
    return { ...url, fileName: file.fileName, contentType: file.contentType, size: file.size };
  }

  /** A short-lived download URL for one file of the record. */
  async function download(target: FileTarget, fileId: string) {
    return downloadOf(await storedFile(target, fileId));
  }

  /** The record's newest uploaded file (a document's file: each upload replaces the one before it). */
  async function latestUploaded(target: FileTarget) {
    let start: Record<string, AttributeValue> | undefined;
    do {
      const result = await dynamo.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :files)',
          FilterExpression: '#status = :uploaded',
          ExpressionAttributeNames: { '#pk': pk, '#sk': sk, '#status': 'status' },
          ExpressionAttributeValues: marshall({
            ':pk': target.recordId,
            ':files': filePrefix,
            ':uploaded': 'uploaded',
          }),
          ScanIndexForward: false,
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      const [newest] = result.Items ?? [];
      if (newest) return downloadOf(unmarshall(newest) as StoredFile);
      start = result.LastEvaluatedKey;
    } while (start);
    throw new NotFound(`This ${label(target)} has no file.`);
  }

  /**
   * The bucket's ObjectCreated event for `object`: the file item becomes uploaded if the stored object has the size
   * and type the upload was issued for (the signature makes any other impossible, but the bucket is what counts).
   * Idempotent: a repeated event changes nothing more. Answers what happened, for the log.
   */
  async function markUploaded(object: FileObject): Promise<'uploaded' | 'no-object' | 'no-matching-file'> {
    const stored = await store.head(objectKeyOf(object));
    if (!stored) return 'no-object';
    try {
      await dynamo.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: marshall(fileKey(object.recordId, object.fileId)),
          UpdateExpression: 'SET #status = :uploaded, #uploadedAt = if_not_exists(#uploadedAt, :at) REMOVE #expires',
          ConditionExpression: 'attribute_exists(#pk) AND #size = :size AND #type = :type',
          ExpressionAttributeNames: {
            '#pk': pk,
            '#status': 'status',
            '#uploadedAt': 'uploadedAt',
            '#expires': ttlAttribute,
            '#size': 'size',
            '#type': 'contentType',
          },
          ExpressionAttributeValues: marshall({
            ':uploaded': 'uploaded',
            ':at': now().toISOString(),
            ':size': stored.size,
            ':type': stored.contentType,
          }),
        }),
      );
      return 'uploaded';
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return 'no-matching-file';
      throw error;
    }
  }

  return { assertRecord, requestUpload, list, download, latestUploaded, markUploaded };
}

export type FileService = ReturnType<typeof createFileService>;
export { view as fileView };
