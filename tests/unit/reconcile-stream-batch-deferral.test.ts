import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { reconcileStreamBatch } from '../../shared/access/reconcile-stream-batch';
import { logger } from '../../shared/observability/logger';
import { QuotaDeferred } from '../../shared/quotas/quota-deferred';

/** People waiting behind the account's quotas are handed back to the stream, never recorded as failures. */
const id = (n: number) => `con_${n.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`;
const enabled = (n: number): DynamoDBRecord => ({
  eventName: 'INSERT',
  dynamodb: {
    SequenceNumber: String(100 + n),
    Keys: marshall({ pk: id(n), sk: 'RECORD' }) as never,
    NewImage: marshall({ pk: id(n), sk: 'RECORD', id: id(n), module: 'contacts', portal: { enabled: true } }) as never,
  },
});

describe('deferral in the stream batch', () => {
  beforeAll(() => logger.setLogLevel('SILENT'));

  it('a quota deferral or throttling reports the person for a retry without recording a failure', async () => {
    const failures: string[] = [];
    const failed = await reconcileStreamBatch([enabled(1), enabled(2), enabled(3)], {
      provisioner: {
        reconcilePerson: async (personId) => {
          if (personId === id(1)) throw new QuotaDeferred('sesSend', 1);
          if (personId === id(2)) throw Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' });
          throw new Error('Cognito refused');
        },
        recordFailure: async (personId) => void failures.push(personId),
      },
      listPartnerContacts: async () => ({ ids: [] }),
      concurrency: 4,
    });
    expect(failed).toEqual(['101', '102', '103']);
    // Only the real error counts towards the person's failures.
    expect(failures).toEqual([id(3)]);
  });

  it('once out of time, nobody new is started: the rest is handed back untouched', async () => {
    const started: string[] = [];
    let outOfTime = false;
    const failed = await reconcileStreamBatch([enabled(1), enabled(2), enabled(3)], {
      provisioner: {
        reconcilePerson: async (personId) => {
          started.push(personId);
          outOfTime = true;
          return { personId, status: 'invited', verdict: { effective: true }, actions: [] } as never;
        },
        recordFailure: async () => {
          throw new Error('not a failure');
        },
      },
      listPartnerContacts: async () => ({ ids: [] }),
      concurrency: 1,
      outOfTime: () => outOfTime,
    });
    expect(started).toEqual([id(1)]);
    expect(failed).toEqual(['102', '103']);
  });
});
