import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { provisionerFromEnvironment } from '../shared/access/provisioner-config';
import { reconcileStreamBatch, type ListPartnerContacts } from '../shared/access/reconcile-stream-batch';
import { findModule } from '../shared/modules/registry';
import { createRecordService } from '../shared/records/record-service';

const { config, dynamo, provisioner } = provisionerFromEnvironment();
const records = createRecordService({ dynamo, tableName: config.TABLE_NAME });
const partnerContacts = findModule('partner-contacts')!;

const listPartnerContacts: ListPartnerContacts = async (organizationId, cursor) => {
  const page = await records.list(partnerContacts, {
    limit: 100,
    cursor,
    filter: { name: 'organizationId', value: organizationId },
  });
  return { ids: page.items.map((item) => item.id), nextCursor: page.nextCursor };
};

/** The table's stream → portal logins (shared/access/reconcile-stream-batch.ts); failures name their records. */
export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const failed = await reconcileStreamBatch(event.Records, { provisioner, listPartnerContacts, concurrency: 16 });
  return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
};
