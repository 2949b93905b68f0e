import { DynamoDBClient } from '../shared/aws/client-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import * as v from 'valibot';
import { readConfig } from '../shared/config/read-config';
import { createS3Client } from '../shared/files/file-store';
import { createImportObjects } from '../shared/imports/import-objects';
import { createImportWorker } from '../shared/imports/import-worker';
import { createRecordService } from '../shared/records/record-service';

const config = readConfig(
  v.object({ TABLE_NAME: v.pipe(v.string(), v.minLength(1)), FILES_BUCKET_NAME: v.pipe(v.string(), v.minLength(1)) }),
);
const dynamo = new DynamoDBClient({});
const worker = createImportWorker({
  dynamo,
  tableName: config.TABLE_NAME,
  objects: createImportObjects({ s3: createS3Client(), bucket: config.FILES_BUCKET_NAME }),
  records: createRecordService({ dynamo, tableName: config.TABLE_NAME }),
});

/** The table's stream → CSV import steps (shared/imports/import-worker.ts); failures name their records. */
export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const failed = await worker.handleBatch(event.Records);
  return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
};
