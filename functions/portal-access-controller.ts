import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { eachConcurrently } from '../shared/access/each-concurrently';
import { provisionerFromEnvironment } from '../shared/access/provisioner-config';
import { InvitationInProgress } from '../shared/access/provisioning';
import { compareSequenceNumbers } from '../shared/data/sequence-numbers';
import { planStreamWork } from '../shared/access/stream-changes';
import { findModule } from '../shared/modules/registry';
import { logger } from '../shared/observability/logger';
import { createRecordService } from '../shared/records/record-service';

const { config, dynamo, provisioner } = provisionerFromEnvironment();
const records = createRecordService({ dynamo, tableName: config.TABLE_NAME });
const partnerContacts = findModule('partner-contacts')!;

/** People reconciled at once; the creation rate limiter, not this, keeps Cognito under its quota. */
const concurrency = 16;

async function partnerContactsOf(organizationId: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await records.list(partnerContacts, {
      limit: 100,
      cursor,
      filter: { name: 'organizationId', value: organizationId },
    });
    ids.push(...page.items.map((item) => item.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return ids;
}

/**
 * The table's stream → portal logins. Each person touched by the batch is reconciled once (the controller
 * reads current state, so several records of one person collapse into one run); a person that fails is
 * reported by its first record, so Lambda retries from there and never past it.
 */
export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const work = planStreamWork(event.Records);
  const failed: string[] = [];
  for (const [organizationId, sequence] of work.organizations) {
    try {
      for (const personId of await partnerContactsOf(organizationId)) {
        const seen = work.people.get(personId);
        if (!seen || compareSequenceNumbers(sequence, seen) < 0) work.people.set(personId, sequence);
      }
    } catch (error) {
      logger.error('Could not list the partner contacts of an organization', { organizationId, error: error as Error });
      failed.push(sequence);
    }
  }
  await eachConcurrently([...work.people], concurrency, async ([personId, sequence]) => {
    try {
      const outcome = await provisioner.reconcilePerson(personId);
      if (outcome.actions.length) logger.info('Reconciled portal access', { ...outcome });
    } catch (error) {
      failed.push(sequence);
      // Another worker is sending this person's invitation: retry later, but it is no failure of theirs.
      if (error instanceof InvitationInProgress) return logger.info('Invitation in progress elsewhere', { personId });
      logger.error('Portal access reconciliation failed', { personId, error: error as Error });
      await provisioner
        .recordFailure(personId, error)
        .catch((recordError: unknown) =>
          logger.error('Could not record the failure', { personId, error: recordError as Error }),
        );
    }
  });
  logger.info('Stream batch done', {
    records: event.Records.length,
    people: work.people.size,
    ignored: work.ignored,
    failed: failed.length,
  });
  return { batchItemFailures: failed.sort(compareSequenceNumbers).map((itemIdentifier) => ({ itemIdentifier })) };
};
