import { DynamoDBClient } from '../shared/aws/client-dynamodb';
import type { S3Event } from 'aws-lambda';
import * as v from 'valibot';
import { readConfig } from '../shared/config/read-config';
import { fileObjectOf } from '../shared/files/file-objects';
import { createFileService } from '../shared/files/file-service';
import { createFileStore, createS3Client } from '../shared/files/file-store';
import { logger } from '../shared/observability/logger';

const config = readConfig(
  v.object({ TABLE_NAME: v.pipe(v.string(), v.minLength(1)), FILES_BUCKET_NAME: v.pipe(v.string(), v.minLength(1)) }),
);
const files = createFileService({
  dynamo: new DynamoDBClient({}),
  tableName: config.TABLE_NAME,
  store: createFileStore({ s3: createS3Client(), bucket: config.FILES_BUCKET_NAME }),
});

/**
 * The files bucket's ObjectCreated events (S3 notifications in the cloud, the local S3 stand-in's events locally):
 * each uploaded object marks its file uploaded. A failure throws, so the invocation is retried and then lands in
 * the failure queue, which is alarmed.
 */
export const handler = async (event: S3Event): Promise<void> => {
  for (const record of event.Records ?? []) {
    if (record.s3.bucket.name !== config.FILES_BUCKET_NAME) continue;
    // S3 sends the key form-encoded (spaces as `+`); ours are ids and never need it, but decode as S3 encodes.
    const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
    const object = fileObjectOf(key);
    if (!object) {
      logger.warn('Object not made by the file routes', { key });
      continue;
    }
    const outcome = await files.markUploaded(object);
    if (outcome !== 'uploaded') logger.warn('Uploaded object has no matching file', { key, outcome });
  }
};
