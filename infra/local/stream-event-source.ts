/**
 * A local stand-in for Lambda's DynamoDB Streams event source mapping (ESM).
 *
 * It polls a stream (DynamoDB Local's, or a mock in unit tests), hands batches of records to a handler in the shape
 * Lambda gives them, and follows Lambda's rules: ReportBatchItemFailures, retries with backoff, an on-failure
 * destination (here a JSON Lines file), a persisted checkpoint per shard, and parent shards before their children.
 * Shards are read one page at a time in turn, so the records of one shard are always handled in order, one batch at
 * a time.
 */
import { mkdirSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { dirname, isAbsolute } from 'node:path';
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record,
  type DynamoDBStreamsClient,
  type Shard,
  type ShardIteratorType,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { compareSequenceNumbers } from '../../shared/data/sequence-numbers';
import { loadCheckpoint, saveCheckpoint, type Checkpoint, type ShardProgress } from './stream-checkpoint';
import { toLambdaRecord } from './stream-records';

export { compareSequenceNumbers };

export type LogFn = (message: string, attrs?: Record<string, unknown>) => void;

export interface StreamEventSourceLogger {
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}

export interface StreamEventSourceOptions {
  streams: DynamoDBStreamsClient;
  streamArn: string;
  handler: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | void>;
  /** Lambda's filter criteria: records it refuses are checkpointed without reaching the handler. */
  filter?: (record: DynamoDBRecord) => boolean;
  /** Absolute path of the JSON checkpoint (normally under .local/). */
  checkpointFile: string;
  /** Absolute path of the JSON Lines file that plays Lambda's on-failure destination. */
  failureFile: string;
  /** Records the filter accepts per handler invocation: 1 to 1000; default 100. */
  batchSize?: number;
  /** Retries of a failing record after its first attempt before it goes to the failure file; default 5. */
  maxRetryAttempts?: number;
  /** Wait between polls once every shard is caught up; default 250 ms. */
  pollIntervalMs?: number;
  /** Exponential backoff between retries (of the handler and of failed stream calls); default 200 ms to 5 s. */
  backoff?: { baseMs: number; maxMs: number };
  logger?: StreamEventSourceLogger;
  /** `awsRegion` of the records handed over; default: what GetRecords says (DynamoDB Local says `ddblocal`). */
  region?: string;
}

export interface StreamEventSource {
  /** Waits for the batch in flight (if any) to finish and be checkpointed, then stops polling. */
  stop(): Promise<void>;
  /** Resolves once every record written before the call has been handed over and checkpointed. */
  whenIdle(): Promise<void>;
}

export function startStreamEventSource(options: StreamEventSourceOptions): StreamEventSource {
  const poller = new StreamPoller(resolveSettings(options));
  return { stop: () => poller.stop(), whenIdle: () => poller.whenIdle() };
}

/** How long a shard list stays fresh. New shards only appear when one closes, which triggers a describe anyway. */
const SHARD_REFRESH_MS = 10_000;
const MAX_GET_RECORDS_LIMIT = 1000;
const silentLogger: StreamEventSourceLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

interface Settings {
  streams: DynamoDBStreamsClient;
  streamArn: string;
  handler: StreamEventSourceOptions['handler'];
  filter?: StreamEventSourceOptions['filter'];
  checkpointFile: string;
  failureFile: string;
  batchSize: number;
  maxRetryAttempts: number;
  pollIntervalMs: number;
  backoff: { baseMs: number; maxMs: number };
  logger: StreamEventSourceLogger;
  region: string | undefined;
}

function resolveSettings(options: StreamEventSourceOptions): Settings {
  const settings: Settings = {
    ...options,
    batchSize: options.batchSize ?? 100,
    maxRetryAttempts: options.maxRetryAttempts ?? 5,
    pollIntervalMs: options.pollIntervalMs ?? 250,
    backoff: options.backoff ?? { baseMs: 200, maxMs: 5000 },
    logger: options.logger ?? silentLogger,
    region: options.region,
  };
  requireAbsolutePath('checkpointFile', settings.checkpointFile);
  requireAbsolutePath('failureFile', settings.failureFile);
  requireInteger('batchSize', settings.batchSize, 1, MAX_GET_RECORDS_LIMIT);
  requireInteger('maxRetryAttempts', settings.maxRetryAttempts, 0, Number.MAX_SAFE_INTEGER);
  return settings;
}

function requireAbsolutePath(name: string, value: string): void {
  if (!isAbsolute(value)) throw new TypeError(`${name} must be an absolute path, got ${value}`);
}

function requireInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The poller

interface Page {
  records: _Record[];
  /** Absent once a closed shard has been read to its end. */
  nextIterator: string | undefined;
}

interface IdleWaiter {
  /** The pass that had started when whenIdle() was called: only a later idle pass proves the records were seen. */
  afterPass: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

class StreamPoller {
  private checkpoint: Checkpoint;
  private shards: Shard[] = [];
  private shardsStale = true;
  private shardsDescribedAt = 0;
  private readonly iterators = new Map<string, string>();
  private passesStarted = 0;
  private idleWaiters: IdleWaiter[] = [];
  private stopping = false;
  private sleepTimer: NodeJS.Timeout | undefined;
  private wakeUp: (() => void) | undefined;
  private readonly finished: Promise<void>;

  constructor(private readonly settings: Settings) {
    this.checkpoint = loadCheckpoint(settings.checkpointFile, settings.streamArn, settings.logger);
    mkdirSync(dirname(settings.checkpointFile), { recursive: true });
    mkdirSync(dirname(settings.failureFile), { recursive: true });
    this.finished = this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.interruptSleep();
    await this.finished;
  }

  whenIdle(): Promise<void> {
    if (this.stopping) return Promise.reject(new Error('The stream event source is stopped'));
    return new Promise((resolve, reject) => this.idleWaiters.push({ afterPass: this.passesStarted, resolve, reject }));
  }

  private async run(): Promise<void> {
    let consecutiveErrors = 0;
    while (!this.stopping) {
      const pass = ++this.passesStarted;
      let delayMs = this.settings.pollIntervalMs;
      try {
        const progressed = await this.runPass();
        consecutiveErrors = 0;
        if (progressed) delayMs = 0;
        else if (!this.stopping) this.resolveIdleWaiters(pass);
      } catch (error) {
        consecutiveErrors += 1;
        delayMs = backoffDelay(this.settings.backoff, consecutiveErrors);
        this.shardsStale = true;
        this.settings.logger.error('Reading the stream failed; retrying', { error: describeError(error), delayMs });
      }
      await this.sleep(delayMs);
    }
    this.rejectIdleWaiters();
  }

  /** Reads one page from every shard that may be read now; true if anything happened. */
  private async runPass(): Promise<boolean> {
    if (this.shardsStale || Date.now() - this.shardsDescribedAt >= SHARD_REFRESH_MS) await this.describeShards();
    const ready = readyShardIds(this.shards, this.checkpoint);
    // Right after a shard closes, its children may not be listed yet: look again on the next pass.
    if (ready.length === 0) this.shardsStale = true;
    let progressed = false;
    for (const shardId of ready) {
      if (this.stopping) break;
      if (await this.pollShard(shardId)) progressed = true;
    }
    return progressed;
  }

  private async describeShards(): Promise<void> {
    this.shards = await describeAllShards(this.settings.streams, this.settings.streamArn);
    this.shardsDescribedAt = Date.now();
    this.shardsStale = false;
  }

  /** Reads one page of a shard and hands it over; true if it had records or the shard turned out closed. */
  private async pollShard(shardId: string): Promise<boolean> {
    try {
      const page = await this.readPage(shardId);
      if (page.records.length > 0 && !(await this.deliver(shardId, page.records))) {
        this.iterators.delete(shardId);
        return true;
      }
      if (page.nextIterator) this.iterators.set(shardId, page.nextIterator);
      else await this.finishShard(shardId);
      return page.records.length > 0 || !page.nextIterator;
    } catch (error) {
      // Whatever failed, the next read starts again from the checkpoint, which is always safe.
      this.iterators.delete(shardId);
      throw error;
    }
  }

  private async readPage(shardId: string): Promise<Page> {
    try {
      return await this.getRecords(this.iterators.get(shardId) ?? (await this.iteratorFromCheckpoint(shardId)));
    } catch (error) {
      if (errorName(error) === 'ExpiredIteratorException') {
        this.settings.logger.info('Shard iterator expired; re-acquiring it from the checkpoint', { shardId });
        return this.getRecords(await this.iteratorFromCheckpoint(shardId));
      }
      if (errorName(error) === 'TrimmedDataAccessException') {
        this.settings.logger.error(
          'Records after the checkpoint were trimmed from the stream; restarting at TRIM_HORIZON',
          {
            shardId,
            checkpoint: this.checkpoint.shards[shardId]?.sequenceNumber,
          },
        );
        return this.getRecords(await this.getShardIterator(shardId, 'TRIM_HORIZON'));
      }
      throw error;
    }
  }

  private iteratorFromCheckpoint(shardId: string): Promise<string | undefined> {
    const lastProcessed = this.checkpoint.shards[shardId]?.sequenceNumber;
    return lastProcessed
      ? this.getShardIterator(shardId, 'AFTER_SEQUENCE_NUMBER', lastProcessed)
      : this.getShardIterator(shardId, 'TRIM_HORIZON');
  }

  private async getShardIterator(
    shardId: string,
    type: ShardIteratorType,
    sequenceNumber?: string,
  ): Promise<string | undefined> {
    const command = new GetShardIteratorCommand({
      StreamArn: this.settings.streamArn,
      ShardId: shardId,
      ShardIteratorType: type,
      SequenceNumber: sequenceNumber,
    });
    return (await this.settings.streams.send(command)).ShardIterator;
  }

  private async getRecords(iterator: string | undefined): Promise<Page> {
    // DynamoDB Streams may give no iterator for a closed shard that has nothing left to read.
    if (!iterator) return { records: [], nextIterator: undefined };
    // Pages as large as the stream gives: the batch size counts the records the filter accepts, as Lambda's does, so
    // a function that wants few of the table's writes (the import worker) no longer reads them ten at a time.
    const command = new GetRecordsCommand({ ShardIterator: iterator, Limit: MAX_GET_RECORDS_LIMIT });
    const output = await this.settings.streams.send(command);
    return { records: output.Records ?? [], nextIterator: output.NextShardIterator };
  }

  /**
   * Hands a page's records over, in batches of the accepted ones, until each has succeeded or gone to the failure
   * file, checkpointing after each batch. Returns false if stop() came first; the checkpoint then stays before the
   * first record not yet handled.
   */
  private async deliver(shardId: string, records: _Record[]): Promise<boolean> {
    const { filter, batchSize } = this.settings;
    const lastRead = records.at(-1);
    const accepted = filter ? records.filter((record) => filter(this.toLambdaRecord(record))) : records;
    for (let start = 0; start < accepted.length; start += batchSize) {
      if (this.stopping) return false;
      const batch = accepted.slice(start, start + batchSize);
      if (!(await this.deliverBatch(shardId, batch))) return false;
      if (start + batchSize < accepted.length) await this.advance(shardId, batch.at(-1));
    }
    // Everything read is handled now, the filtered-out records after the last delivered one included.
    await this.advance(shardId, lastRead);
    return true;
  }

  /** One batch, retried from its lowest failed record; false if stop() came during a retry. */
  private async deliverBatch(shardId: string, batch: _Record[]): Promise<boolean> {
    let pending = batch;
    let failingSequenceNumber: string | undefined;
    let attempts = 0;
    while (pending.length > 0) {
      const outcome = await invokeHandler(
        this.settings.handler,
        pending.map((record) => this.toLambdaRecord(record)),
      );
      if (outcome.ok) break;
      await this.advance(shardId, pending[outcome.failedIndex - 1]);
      pending = pending.slice(outcome.failedIndex);
      const head = sequenceNumberOf(pending[0]);
      attempts = head === failingSequenceNumber ? attempts + 1 : 1;
      failingSequenceNumber = head;
      if (attempts > this.settings.maxRetryAttempts) pending = await this.giveUp(shardId, pending, outcome, attempts);
      else await this.backOff(shardId, head, attempts, outcome.error);
      if (this.stopping && pending.length > 0) return false;
    }
    return true;
  }

  /** Sends the failed record (or a batch that failed as a whole, as Lambda does) to the failure file; returns the rest. */
  private async giveUp(shardId: string, pending: _Record[], failure: FailedOutcome, attempts: number) {
    const givenUp = failure.wholeBatch ? pending : pending.slice(0, 1);
    await this.sendToFailureFile(shardId, givenUp, failure.error, attempts);
    await this.advance(shardId, givenUp.at(-1));
    return pending.slice(givenUp.length);
  }

  private async backOff(shardId: string, sequenceNumber: string, attempt: number, error: unknown): Promise<void> {
    const delayMs = backoffDelay(this.settings.backoff, attempt);
    this.settings.logger.warn('Stream handler failed; retrying', {
      shardId,
      sequenceNumber,
      attempt,
      delayMs,
      error: describeError(error),
    });
    await this.sleep(delayMs);
  }

  private toLambdaRecord(record: _Record): DynamoDBRecord {
    return toLambdaRecord(record, this.settings.streamArn, this.settings.region);
  }

  private async sendToFailureFile(shardId: string, records: _Record[], error: unknown, attempts: number) {
    const failedAt = new Date().toISOString();
    const lines = records.map((record) => {
      const entry = {
        failedAt,
        streamArn: this.settings.streamArn,
        shardId,
        sequenceNumber: sequenceNumberOf(record),
        attempts,
        error: describeError(error, { withStack: true }),
        record: this.toLambdaRecord(record),
      };
      return `${JSON.stringify(entry)}\n`;
    });
    await appendFile(this.settings.failureFile, lines.join(''));
    this.settings.logger.warn('Stream records failed every attempt; written to the failure file and skipped', {
      shardId,
      sequenceNumbers: records.map(sequenceNumberOf),
      attempts,
      failureFile: this.settings.failureFile,
      error: describeError(error),
    });
  }

  private async advance(shardId: string, lastProcessed: _Record | undefined): Promise<void> {
    if (!lastProcessed) return;
    await this.saveShardProgress(shardId, { sequenceNumber: sequenceNumberOf(lastProcessed) });
  }

  private async finishShard(shardId: string): Promise<void> {
    await this.saveShardProgress(shardId, { ...this.checkpoint.shards[shardId], finished: true });
    this.iterators.delete(shardId);
    this.shardsStale = true;
    this.settings.logger.info('Stream shard closed and fully processed', { shardId });
  }

  /** The in-memory checkpoint changes only once the file has it, so a failed write leads to a re-read, not a loss. */
  private async saveShardProgress(shardId: string, progress: ShardProgress): Promise<void> {
    const next: Checkpoint = { ...this.checkpoint, shards: { ...this.checkpoint.shards, [shardId]: progress } };
    await saveCheckpoint(this.settings.checkpointFile, next);
    this.checkpoint = next;
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0 || this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      this.wakeUp = resolve;
      this.sleepTimer = setTimeout(resolve, ms);
    });
  }

  private interruptSleep(): void {
    clearTimeout(this.sleepTimer);
    this.wakeUp?.();
  }

  private resolveIdleWaiters(idlePass: number): void {
    const satisfied = this.idleWaiters.filter((waiter) => waiter.afterPass < idlePass);
    this.idleWaiters = this.idleWaiters.filter((waiter) => waiter.afterPass >= idlePass);
    for (const waiter of satisfied) waiter.resolve();
  }

  private rejectIdleWaiters(): void {
    for (const waiter of this.idleWaiters) waiter.reject(new Error('The stream event source stopped before idle'));
    this.idleWaiters = [];
  }
}

function backoffDelay(backoff: { baseMs: number; maxMs: number }, attempt: number): number {
  return Math.min(backoff.maxMs, backoff.baseMs * 2 ** (attempt - 1));
}

// ---------------------------------------------------------------------------------------------------------------
// Shards

async function describeAllShards(streams: DynamoDBStreamsClient, streamArn: string): Promise<Shard[]> {
  const shards: Shard[] = [];
  let exclusiveStartShardId: string | undefined;
  do {
    const command = new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: exclusiveStartShardId });
    const description = (await streams.send(command)).StreamDescription;
    shards.push(...(description?.Shards ?? []));
    exclusiveStartShardId = description?.LastEvaluatedShardId;
  } while (exclusiveStartShardId);
  return shards;
}

/** Unfinished shards whose parent is finished or no longer listed (trimmed away): parents come before children. */
function readyShardIds(shards: Shard[], checkpoint: Checkpoint): string[] {
  const listed = new Set(shards.map((shard) => shard.ShardId));
  const isFinished = (shardId: string) => checkpoint.shards[shardId]?.finished === true;
  const ready: string[] = [];
  for (const { ShardId: shardId, ParentShardId: parentId } of shards) {
    if (!shardId || isFinished(shardId)) continue;
    if (!parentId || !listed.has(parentId) || isFinished(parentId)) ready.push(shardId);
  }
  return ready;
}

// ---------------------------------------------------------------------------------------------------------------
// The handler and its response

interface FailedOutcome {
  ok: false;
  /** Index in the batch of the lowest failed record; 0 when the whole batch failed. */
  failedIndex: number;
  wholeBatch: boolean;
  error: unknown;
}
type Outcome = { ok: true } | FailedOutcome;

async function invokeHandler(handler: Settings['handler'], records: DynamoDBRecord[]): Promise<Outcome> {
  let response: DynamoDBBatchResponse | void;
  try {
    response = await handler({ Records: records });
  } catch (error) {
    return { ok: false, failedIndex: 0, wholeBatch: true, error };
  }
  return interpretResponse(response, records);
}

/** ReportBatchItemFailures as Lambda reads it: an identifier that is empty or not in the batch fails the whole batch. */
function interpretResponse(response: DynamoDBBatchResponse | void, records: DynamoDBRecord[]): Outcome {
  const failures: unknown = response ? response.batchItemFailures : undefined;
  if (failures == null || (Array.isArray(failures) && failures.length === 0)) return { ok: true };
  const batchSequenceNumbers = records.map((record) => record.dynamodb?.SequenceNumber);
  const identifiers = Array.isArray(failures) ? failures.map(itemIdentifierOf) : [];
  const valid = identifiers.length > 0 && identifiers.every((id) => id && batchSequenceNumbers.includes(id));
  if (!valid) {
    const error = new Error(
      `batchItemFailures has an identifier that is empty or not in the batch: ${JSON.stringify(failures)}`,
    );
    return { ok: false, failedIndex: 0, wholeBatch: true, error };
  }
  const lowest = (identifiers as string[]).reduce((low, id) => (compareSequenceNumbers(id, low) < 0 ? id : low));
  const error = new Error(`The handler reported ${lowest} in batchItemFailures`);
  return { ok: false, failedIndex: batchSequenceNumbers.indexOf(lowest), wholeBatch: false, error };
}

function itemIdentifierOf(failure: unknown): string | undefined {
  const id: unknown = typeof failure === 'object' && failure ? Reflect.get(failure, 'itemIdentifier') : undefined;
  return typeof id === 'string' ? id : undefined;
}

/** Sequence numbers are decimal strings beyond 2^53 and of varying length: compare them as BigInts. */

function sequenceNumberOf(record: _Record | undefined): string {
  const sequenceNumber = record?.dynamodb?.SequenceNumber;
  if (!sequenceNumber) throw new Error(`Stream record without a SequenceNumber: ${JSON.stringify(record)}`);
  return sequenceNumber;
}

// ---------------------------------------------------------------------------------------------------------------
// Errors

function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

function describeError(error: unknown, { withStack = false } = {}): Record<string, string | undefined> {
  if (!(error instanceof Error)) return { message: String(error) };
  return { name: error.name, message: error.message, ...(withStack && { stack: error.stack }) };
}
