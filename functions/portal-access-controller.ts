import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { provisionerFromEnvironment } from '../shared/access/provisioner-config';
import {
  answerMarginMs,
  reconcileStreamBatch,
  type ListPartnerContacts,
} from '../shared/access/reconcile-stream-batch';
import { findModule } from '../shared/modules/registry';
import { createRecordService } from '../shared/records/record-service';

/** When this invocation must stop waiting for permits (one invocation at a time per instance, so one value). */
let waitUntil = 0;

const { config, dynamo, provisioner } = provisionerFromEnvironment(process.env, () => waitUntil);
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

/**
 * The table's stream → portal logins (shared/access/reconcile-stream-batch.ts); failures name their records. People
 * waiting behind the account's quotas are waited for until shortly before the invocation ends, then deferred to
 * Lambda's retry, never counted as failures.
 */
export const handler = async (event: DynamoDBStreamEvent, context?: Context): Promise<DynamoDBBatchResponse> => {
  const remaining = context?.getRemainingTimeInMillis?.() ?? 60_000;
  waitUntil = Date.now() + Math.max(1_000, remaining - answerMarginMs);
  const failed = await reconcileStreamBatch(event.Records, {
    provisioner,
    listPartnerContacts,
    concurrency: 16,
    outOfTime: () => Date.now() >= waitUntil,
  });
  return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
};
