import { GetObjectCommand, PutObjectCommand } from '../aws/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { createFileStore, type FileStore } from '../files/file-store';
import { importObjectPrefix } from './import-declarations';

/**
 * An import's objects in the files bucket, under their own prefix (IAM grants the import functions that prefix
 * only): the uploaded CSV and the error reports, every key made by the server from the import's id.
 */

export type ImportPhase = 'dryRun' | 'commit';

export const sourceObjectKey = (importId: string) => `${importObjectPrefix}${importId}/source.csv`;
export const reportObjectKey = (importId: string, phase: ImportPhase) =>
  `${importObjectPrefix}${importId}/${phase === 'dryRun' ? 'dry-run-errors' : 'errors'}.csv`;

export interface ImportObjects extends FileStore {
  /** The whole object as a stream of bytes. */
  read(key: string): Promise<AsyncIterable<Uint8Array>>;
  /** Bytes `start` to `end` (exclusive): a chunk reads only its own rows. */
  readRange(key: string, start: number, end: number): Promise<Uint8Array>;
  write(key: string, body: string, contentType: string): Promise<void>;
}

export function createImportObjects(deps: { s3: S3Client; bucket: string; now?: () => Date }): ImportObjects {
  const { s3, bucket } = deps;
  return {
    ...createFileStore(deps),
    async read(key) {
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return object.Body as AsyncIterable<Uint8Array>;
    },
    async readRange(key, start, end) {
      if (end <= start) return new Uint8Array();
      const object = await s3.send(
        new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=${start}-${end - 1}` }),
      );
      const bytes = await object.Body!.transformToByteArray();
      if (bytes.length !== end - start) {
        throw new Error(`Read ${bytes.length} bytes of ${key} where ${end - start} were asked for`);
      }
      return bytes;
    },
    async write(key, body, contentType) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
    },
  };
}
