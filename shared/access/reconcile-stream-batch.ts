import type { DynamoDBRecord } from 'aws-lambda';
import { compareSequenceNumbers } from '../data/sequence-numbers';
import { logger } from '../observability/logger';
import { isDeferral } from '../quotas/quota-deferred';
import { eachConcurrently } from './each-concurrently';
import { InvitationInProgress, type Provisioner } from './provisioning';
import { planStreamWork, type StreamWork } from './stream-changes';

/** One page of a partner organization's partner contacts (the record service's listing, injected). */
export type ListPartnerContacts = (
  organizationId: string,
  cursor: string | undefined,
) => Promise<{ readonly ids: readonly string[]; readonly nextCursor?: string | null }>;

/**
 * A partner organization's status decides its partner contacts' access: a change of it reconciles every contact,
 * each under the organization record's sequence number unless the batch names the person earlier. Answers the
 * sequence numbers of organizations whose contacts could not be listed (Lambda retries from there).
 */
export async function fanOutOrganizations(work: StreamWork, listPartnerContacts: ListPartnerContacts) {
  const failed: string[] = [];
  for (const [organizationId, sequence] of work.organizations) {
    try {
      let cursor: string | undefined;
      do {
        const page = await listPartnerContacts(organizationId, cursor);
        for (const personId of page.ids) {
          const seen = work.people.get(personId);
          if (!seen || compareSequenceNumbers(sequence, seen) < 0) work.people.set(personId, sequence);
        }
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
    } catch (error) {
      logger.error('Could not list the partner contacts of an organization', { organizationId, error: error as Error });
      failed.push(sequence);
    }
  }
  return failed;
}

/**
 * Time a controller invocation keeps back at its end: waits for quota permits stop there, and the batch answers
 * (deferring who is left) before Lambda's timeout.
 */
export const answerMarginMs = 15_000;

/**
 * The table's stream → portal logins. Each person touched by the batch is reconciled once (the controller reads
 * current state, so several records of one person collapse into one run); a person that fails is reported by its
 * first record, so Lambda retries from there and never past it. Answers the failed sequence numbers, in order.
 */
export async function reconcileStreamBatch(
  records: readonly DynamoDBRecord[],
  deps: {
    readonly provisioner: Pick<Provisioner, 'reconcilePerson' | 'recordFailure'>;
    readonly listPartnerContacts: ListPartnerContacts;
    /** People reconciled at once; the account quotas (paced clients), not this, keep Cognito and SES in bounds. */
    readonly concurrency: number;
    /** True once the invocation should start nobody new: the rest is deferred to Lambda's retry. */
    readonly outOfTime?: () => boolean;
  },
): Promise<string[]> {
  const { provisioner } = deps;
  const work = planStreamWork(records);
  const failed = await fanOutOrganizations(work, deps.listPartnerContacts);
  let deferred = 0;
  await eachConcurrently([...work.people], deps.concurrency, async ([personId, sequence]) => {
    if (deps.outOfTime?.()) {
      deferred++;
      return void failed.push(sequence);
    }
    try {
      const outcome = await provisioner.reconcilePerson(personId);
      if (outcome.actions.length) logger.info('Reconciled portal access', { ...outcome });
    } catch (error) {
      failed.push(sequence);
      // Another worker is sending this person's invitation: retry later, but it is no failure of theirs.
      if (error instanceof InvitationInProgress) return logger.info('Invitation in progress elsewhere', { personId });
      // A backlog behind the account's quotas, or AWS throttling: the person waits (stays pending), never fails.
      if (isDeferral(error)) {
        deferred++;
        return;
      }
      logger.error('Portal access reconciliation failed', { personId, error: error as Error });
      await provisioner
        .recordFailure(personId, error)
        .catch((recordError: unknown) =>
          logger.error('Could not record the failure', { personId, error: recordError as Error }),
        );
    }
  });
  logger.info('Stream batch done', {
    records: records.length,
    people: work.people.size,
    ignored: work.ignored,
    failed: failed.length,
    deferred,
  });
  return failed.sort(compareSequenceNumbers);
}
