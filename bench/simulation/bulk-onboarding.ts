import { PutItemCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { portalFlagItems } from '../../shared/access/access-machine';
import { createProvisioner } from '../../shared/access/provisioning';
import { answerMarginMs, reconcileStreamBatch } from '../../shared/access/reconcile-stream-batch';
import { accessStreamInterest } from '../../shared/access/stream-changes';
import { matchesInterest } from '../../shared/data/stream-interest';
import { recordKey } from '../../shared/data/keys';
import { functions } from '../../shared/declarations/functions';
import { logger } from '../../shared/observability/logger';
import { createAccountQuota } from '../../shared/quotas/account-quota';
import { paced } from '../../shared/quotas/paced-clients';
import { quotas, type QuotaRates } from '../../shared/quotas/quota-rates';
import { toAttributes } from './attribute-values';
import { SimulatedClock } from './simulated-clock';
import { SimulatedDynamoDb, type TableChange } from './simulated-dynamodb';
import { SimulatedCognito, SimulatedSes, type ServiceEnvironment } from './simulated-services';

/**
 * 100,000 people imported and enabled at once, provisioned by the REAL controller code (reconcileStreamBatch, the
 * provisioner, the access machine, the account-wide pacing) against simulated DynamoDB, Cognito and SES with AWS's
 * published quotas, fed by a simulated DynamoDB stream with several shards and Lambda's event-source behaviour, on
 * a simulated clock. README "Bulk onboarding at scale" lists the model's assumptions.
 */
export interface SimulationOptions {
  readonly people: number;
  /** Stream shards (about one per table partition): one concurrent controller each (parallelization factor 1). */
  readonly shards: number;
  /** Rows an import writes per second (the record and its pending access, one transaction each). */
  readonly importRowsPerSecond: number;
  /** Share of Cognito and SES requests throttled even under the published rate. */
  readonly injectedThrottling: number;
  /** The rates the deployment paces itself to (shared/quotas/quota-rates.ts defaults unless given). */
  readonly rates?: QuotaRates;
  /** SES's sending rate for the account (14/s is a common production start). */
  readonly sesSendingRate?: number;
  readonly seed?: number;
}

export interface SimulationReport {
  readonly people: number;
  readonly shards: number;
  readonly configuredSendRate: number;
  readonly bindingQuota: { readonly name: string; readonly perSecond: number };
  readonly invitationsPerSecond: number;
  /** The most SES permits any one window of the account-wide quota handed out (the table's counters). */
  readonly maxSesPermitsInAWindow: number;
  readonly throughputOfBindingQuota: number;
  readonly timeToLastInvitationSeconds: number;
  readonly duplicates: number;
  readonly lost: number;
  readonly failedByWaiting: number;
  readonly failedStatus: number;
  readonly maxIteratorAgeSeconds: number;
  readonly maxRetriesOfOneRecord: number;
  readonly maxRetryAttempts: number;
  readonly invocations: number;
  readonly timeouts: number;
  readonly throttled: { readonly cognitoCreate: number; readonly cognitoUpdate: number; readonly ses: number };
  readonly dynamoRequests: number;
  readonly wallSeconds: number;
  readonly pass: boolean;
}

const retentionMs = 24 * 3600 * 1000;
const start = Date.parse('2026-03-02T08:00:00.000Z');

/** A seeded generator (Park–Miller): the same run every time. */
function seeded(seed: number) {
  let state = seed % 2147483647 || 1;
  return () => (state = (state * 48271) % 2147483647) / 2147483647;
}

const personId = (n: number) => `con_${n.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`;

interface ShardRecord {
  readonly record: DynamoDBRecord;
  readonly createdAt: number;
  retries: number;
}

export async function simulateBulkOnboarding(options: SimulationOptions): Promise<SimulationReport> {
  const previousLogLevel = logger.getLevelName();
  const previousStackTraceLimit = Error.stackTraceLimit;
  logger.setLogLevel('SILENT');
  // The services answer hundreds of thousands of expected errors (a user not found yet, a full quota window,
  // throttling) whose stacks nobody reads: capturing them cost a tenth of the run.
  Error.stackTraceLimit = 0;
  try {
    return await simulate(options);
  } finally {
    logger.setLogLevel(previousLogLevel as never);
    Error.stackTraceLimit = previousStackTraceLimit;
  }
}

async function simulate(options: SimulationOptions): Promise<SimulationReport> {
  const wallStart = performance.now();
  const clock = new SimulatedClock(start);
  const random = seeded(options.seed ?? 20261203);
  const environment: ServiceEnvironment = { now: clock.now, sleep: clock.sleep, random };
  const controller = functions.find((fn) => fn.name === 'portal-access-controller')!;
  const { batchSize, maxRetryAttempts } = controller.tableStream!;
  const timeoutMs = controller.timeoutSeconds * 1000;
  const rates: QuotaRates = options.rates ?? {
    cognitoCreate: quotas.cognitoCreate.defaultRate,
    cognitoUpdate: quotas.cognitoUpdate.defaultRate,
    sesSend: quotas.sesSend.defaultRate,
  };
  const sesSendingRate = options.sesSendingRate ?? quotas.sesSend.awsDefault;

  // The stream: every write of a person's record, on the shard of its partition, filtered as Lambda's criteria do.
  const shards: ShardRecord[][] = Array.from({ length: options.shards }, () => []);
  let sequence = 0;
  const shardOf = (pk: string) => {
    let hash = 0;
    for (let i = 0; i < pk.length; i++) hash = (hash * 31 + pk.charCodeAt(i)) >>> 0;
    return hash % options.shards;
  };
  const onChange = (change: TableChange) => {
    // Only the CRM records themselves can match the controller's interest: skip marshalling the rest.
    if (change.keys.sk !== accessStreamInterest.sortKey) return;
    const record: DynamoDBRecord = {
      eventName: !change.oldImage ? 'INSERT' : !change.newImage ? 'REMOVE' : 'MODIFY',
      eventSource: 'aws:dynamodb',
      dynamodb: {
        Keys: toAttributes(change.keys) as never,
        ...(change.newImage ? { NewImage: toAttributes(change.newImage) as never } : {}),
        ...(change.oldImage ? { OldImage: toAttributes(change.oldImage) as never } : {}),
        SequenceNumber: String(++sequence).padStart(21, '0'),
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    };
    if (!matchesInterest(record, accessStreamInterest)) return;
    shards[shardOf(change.keys.pk)]!.push({ record, createdAt: clock.now(), retries: 0 });
  };
  const table = new SimulatedDynamoDb({ sleep: clock.sleep, latencyMs: () => 4 + Math.floor(random() * 7), onChange });
  const cognito = new SimulatedCognito(environment, { injectedThrottling: options.injectedThrottling });
  const ses = new SimulatedSes(environment, {
    sendingRate: sesSendingRate,
    injectedThrottling: options.injectedThrottling,
  });

  // One controller instance per shard, built as functions/portal-access-controller.ts builds it.
  const instances = shards.map(() => {
    let waitUntil = 0;
    const permits = createAccountQuota({
      dynamo: table,
      tableName: 'portico',
      rates,
      now: clock.now,
      sleep: clock.sleep,
      random,
    });
    const provisioner = createProvisioner({
      dynamo: table as never,
      tableName: 'portico',
      timeZone: 'UTC',
      cognito: paced({ send: cognito.send }, permits, () => waitUntil) as never,
      userPoolId: 'eu-west-1_simulated',
      ses: paced({ send: ses.send }, permits, () => waitUntil) as never,
      senderEmail: 'portal@example.com',
      signInUrl: 'https://portal.example.com/',
      temporaryPasswordValidityDays: 7,
      maxFailures: maxRetryAttempts,
      now: clock.date,
      sleep: clock.sleep,
      newPassword: () => `Temporary-${Math.floor(random() * 1e9)}`,
    });
    return {
      permits,
      invoke: async (records: DynamoDBRecord[]) => {
        waitUntil = clock.now() + Math.max(1_000, timeoutMs - answerMarginMs);
        return reconcileStreamBatch(records, {
          provisioner,
          listPartnerContacts: async () => ({ ids: [] }),
          concurrency: 16,
          outOfTime: () => clock.now() >= waitUntil,
        });
      },
    };
  });

  // The import: each row writes the person's record and, in the same transaction, their pending access.
  let imported = 0;
  const importDone = (async () => {
    const interval = 1000 / options.importRowsPerSecond;
    for (let n = 0; n < options.people; n++) {
      const id = personId(n);
      const at = new Date(clock.now()).toISOString();
      const person = {
        ...recordKey(id),
        id,
        module: 'contacts',
        firstName: 'Person',
        lastName: String(n),
        email: `person${n}@example.com`,
        portal: { enabled: true },
        version: 1,
        createdAt: at,
        updatedAt: at,
      };
      void table
        .send(
          new TransactWriteItemsCommand({
            TransactItems: [
              { Put: new PutItemCommand({ TableName: 'portico', Item: toAttributes(person) }).input as never },
              ...portalFlagItems('portico', { personId: id, enabled: true, actor: 'import', at }),
            ],
          }),
        )
        .then(() => imported++);
      await clock.sleep(interval);
    }
  })();

  // Lambda's event source mapping, per shard: poll, batch, invoke, checkpoint, retry from the first failure.
  let invocations = 0;
  let timeouts = 0;
  let maxIteratorAge = 0;
  let maxRetries = 0;
  const deadLettered = new Set<string>();
  let stopped = false;
  const pollers = shards.map(async (records, shard) => {
    let checkpoint = 0;
    let cold = true;
    while (!stopped) {
      // Lambda is done with the records before the checkpoint: let them go (a run holds one shard's backlog at most).
      if (checkpoint >= 1_000) {
        records.splice(0, checkpoint);
        checkpoint = 0;
      }
      // Records past their 24 h in the stream are gone: Lambda sends their place to the failure destination.
      while (checkpoint < records.length && clock.now() - records[checkpoint]!.createdAt > retentionMs) {
        deadLettered.add(records[checkpoint++]!.record.dynamodb!.SequenceNumber!);
      }
      if (checkpoint >= records.length) {
        await clock.sleep(250);
        continue;
      }
      const batch = records.slice(checkpoint, checkpoint + batchSize);
      maxIteratorAge = Math.max(maxIteratorAge, clock.now() - batch[0]!.createdAt);
      await clock.sleep(cold ? 600 : 15);
      cold = false;
      invocations++;
      const began = clock.now();
      const failed = await instances[shard]!.invoke(batch.map((entry) => entry.record));
      if (clock.now() - began > timeoutMs) timeouts++;
      if (failed.length === 0) {
        checkpoint += batch.length;
        continue;
      }
      const first = batch.findIndex((entry) => entry.record.dynamodb!.SequenceNumber === failed[0]);
      checkpoint += Math.max(0, first);
      const head = records[checkpoint]!;
      head.retries++;
      maxRetries = Math.max(maxRetries, head.retries);
      if (head.retries > maxRetryAttempts) {
        // Lambda gives up on the batch: its records' place goes to the failure queue.
        for (const entry of records.slice(checkpoint, checkpoint + batchSize)) {
          deadLettered.add(entry.record.dynamodb!.SequenceNumber!);
        }
        checkpoint += batch.length - Math.max(0, first);
      }
    }
  });

  await clock.run(
    () => imported === options.people && (ses.invitations.size === options.people || deadLettered.size > 0),
    start + 2 * retentionMs,
  );
  // Let the pollers see every record checkpointed before the run ends (the last batch answers).
  stopped = true;
  await clock.run(() => true);
  void importDone;
  void pollers;

  let duplicates = 0;
  for (const times of ses.invitations.values()) duplicates += times.length - 1;
  let failedStatus = 0;
  for (let n = 0; n < options.people; n++) {
    if (table.get(personId(n), 'ACCESS')?.status === 'failed') failedStatus++;
  }
  const lost = options.people - ses.invitations.size;
  const span = ((ses.lastAt ?? start) - (ses.firstAt ?? start)) / 1000;
  const invitationsPerSecond = span > 0 ? (ses.invitations.size - 1) / span : 0;
  // Each person needs one creation (50/s) and one email (the SES rate): the lower of the two binds.
  const binding =
    sesSendingRate <= quotas.cognitoCreate.awsDefault
      ? { name: 'SES sending rate', perSecond: sesSendingRate }
      : { name: 'Cognito UserCreation', perSecond: quotas.cognitoCreate.awsDefault };
  const throughput = invitationsPerSecond / binding.perSecond;
  let maxSesPermits = 0;
  for (const item of table.itemsUnder('QUOTA#sesSend#'))
    maxSesPermits = Math.max(maxSesPermits, item.permits as number);
  const report = {
    people: options.people,
    shards: options.shards,
    configuredSendRate: rates.sesSend,
    bindingQuota: binding,
    invitationsPerSecond,
    maxSesPermitsInAWindow: maxSesPermits,
    throughputOfBindingQuota: throughput,
    timeToLastInvitationSeconds: ((ses.lastAt ?? start) - start) / 1000,
    duplicates,
    lost,
    failedByWaiting: deadLettered.size,
    failedStatus,
    maxIteratorAgeSeconds: maxIteratorAge / 1000,
    maxRetriesOfOneRecord: maxRetries,
    maxRetryAttempts,
    invocations,
    timeouts,
    throttled: {
      cognitoCreate: cognito.quotas.cognitoCreate.throttled,
      cognitoUpdate: cognito.quotas.cognitoUpdate.throttled,
      ses: ses.quota.throttled,
    },
    dynamoRequests: Object.values(table.requests).reduce((sum, n) => sum + n, 0),
    wallSeconds: (performance.now() - wallStart) / 1000,
  };
  return {
    ...report,
    pass:
      throughput >= 0.9 &&
      duplicates === 0 &&
      lost === 0 &&
      deadLettered.size === 0 &&
      failedStatus === 0 &&
      timeouts === 0 &&
      maxIteratorAge < retentionMs,
  };
}
