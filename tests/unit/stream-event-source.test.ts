import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeStreamCommand,
  type DescribeStreamCommandInput,
  type DescribeStreamCommandOutput,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  type GetRecordsCommandInput,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type GetShardIteratorCommandInput,
  type GetShardIteratorCommandOutput,
  type _Record,
  TrimmedDataAccessException,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import {
  startStreamEventSource,
  type StreamEventSource,
  type StreamEventSourceOptions,
} from '../../infra/local/stream-event-source';

const STREAM_ARN = 'arn:aws:dynamodb:eu-west-1:123456789012:table/portico/stream/2026-11-01T00:00:00.000';

// Real sequence numbers exceed 2^53 and their length varies; these make a string or float comparison go wrong.
const SEQ = ['99999999999999999998', '99999999999999999999', '100000000000000000000', '100000000000000000001'] as const;
const seq = (n: number) => (100000000000000000000n + BigInt(n)).toString();

interface FakeShard {
  shardId: string;
  parentShardId?: string;
  records: _Record[];
  closed: boolean;
}

/**
 * An in-memory DynamoDB stream behind the mocked client: iterators are `shardId#position`, GetRecords honours Limit
 * and drops NextShardIterator at the end of a closed shard, DescribeStream pages through shards.
 */
class FakeStream {
  readonly shards: FakeShard[] = [];
  describePageSize = 100;
  readonly expiredIterators = new Set<string>();
  trimmedBelow: string | undefined;

  addShard(shardId: string, parentShardId?: string): FakeShard {
    const shard: FakeShard = { shardId, parentShardId, records: [], closed: false };
    this.shards.push(shard);
    return shard;
  }

  describe(input: DescribeStreamCommandInput): DescribeStreamCommandOutput {
    const start = input.ExclusiveStartShardId
      ? this.shards.findIndex((s) => s.shardId === input.ExclusiveStartShardId) + 1
      : 0;
    const page = this.shards.slice(start, start + this.describePageSize);
    const more = start + page.length < this.shards.length;
    return {
      $metadata: {},
      StreamDescription: {
        StreamArn: STREAM_ARN,
        Shards: page.map((s) => ({ ShardId: s.shardId, ParentShardId: s.parentShardId })),
        LastEvaluatedShardId: more ? page.at(-1)?.shardId : undefined,
      },
    };
  }

  iterator(input: GetShardIteratorCommandInput): GetShardIteratorCommandOutput {
    const shard = this.shard(input.ShardId);
    const position = (sequenceNumber: string | undefined) =>
      shard.records.findIndex((r) => r.dynamodb?.SequenceNumber === sequenceNumber);
    if (input.SequenceNumber && this.trimmedBelow && BigInt(input.SequenceNumber) < BigInt(this.trimmedBelow)) {
      throw new TrimmedDataAccessException({ message: 'trimmed', $metadata: {} });
    }
    const index =
      input.ShardIteratorType === 'TRIM_HORIZON'
        ? this.firstUntrimmed(shard)
        : input.ShardIteratorType === 'AFTER_SEQUENCE_NUMBER'
          ? position(input.SequenceNumber) + 1
          : position(input.SequenceNumber);
    return { $metadata: {}, ShardIterator: `${shard.shardId}#${index}` };
  }

  getRecords(input: GetRecordsCommandInput): GetRecordsCommandOutput {
    const iterator = input.ShardIterator ?? '';
    if (this.expiredIterators.delete(iterator)) {
      throw new ExpiredIteratorException({ message: 'Iterator expired', $metadata: {} });
    }
    const [shardId, position] = iterator.split('#');
    const shard = this.shard(shardId);
    const start = Number(position);
    const records = shard.records.slice(start, start + (input.Limit ?? 1000));
    const end = start + records.length;
    const exhausted = shard.closed && end >= shard.records.length;
    return { $metadata: {}, Records: records, NextShardIterator: exhausted ? undefined : `${shard.shardId}#${end}` };
  }

  private firstUntrimmed(shard: FakeShard): number {
    const trimmedBelow = this.trimmedBelow;
    if (!trimmedBelow) return 0;
    return shard.records.findIndex((r) => BigInt(r.dynamodb?.SequenceNumber ?? 0) >= BigInt(trimmedBelow));
  }

  private shard(shardId: string | undefined): FakeShard {
    const shard = this.shards.find((s) => s.shardId === shardId);
    if (!shard) throw new Error(`no shard ${shardId}`);
    return shard;
  }
}

function streamRecord(sequenceNumber: string, pk = `item-${sequenceNumber}`): _Record {
  return {
    eventID: `event-${sequenceNumber}`,
    eventName: 'INSERT',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'ddblocal',
    dynamodb: {
      ApproximateCreationDateTime: new Date('2026-11-20T10:15:00.000Z'),
      Keys: { pk: { S: pk } },
      NewImage: { pk: { S: pk } },
      SequenceNumber: sequenceNumber,
      SizeBytes: 20,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
}

type Handler = StreamEventSourceOptions['handler'];

const streamsMock = mockClient(DynamoDBStreamsClient);
let fake: FakeStream;
let dir: string;
let sources: StreamEventSource[];
let logs: { level: string; message: string; attrs?: Record<string, unknown> }[];

beforeEach(() => {
  streamsMock.reset();
  fake = new FakeStream();
  streamsMock.on(DescribeStreamCommand).callsFake((input: DescribeStreamCommandInput) => fake.describe(input));
  streamsMock.on(GetShardIteratorCommand).callsFake((input: GetShardIteratorCommandInput) => fake.iterator(input));
  streamsMock.on(GetRecordsCommand).callsFake((input: GetRecordsCommandInput) => fake.getRecords(input));
  dir = mkdtempSync(join(tmpdir(), 'stream-event-source-'));
  sources = [];
  logs = [];
});

afterEach(async () => {
  await Promise.all(sources.map((source) => source.stop()));
  rmSync(dir, { recursive: true, force: true });
});

afterAll(() => streamsMock.restore());

function start(handler: Handler, overrides: Partial<StreamEventSourceOptions> = {}): StreamEventSource {
  const log = (level: string) => (message: string, attrs?: Record<string, unknown>) =>
    logs.push({ level, message, attrs });
  const source = startStreamEventSource({
    streams: new DynamoDBStreamsClient({ region: 'eu-west-1' }),
    streamArn: STREAM_ARN,
    handler,
    checkpointFile: join(dir, 'checkpoint.json'),
    failureFile: join(dir, 'failures.jsonl'),
    pollIntervalMs: 2,
    backoff: { baseMs: 1, maxMs: 4 },
    logger: { info: log('info'), warn: log('warn'), error: log('error') },
    ...overrides,
  });
  sources.push(source);
  return source;
}

/** A handler that records the sequence numbers of each batch and answers with `respond` (default: success). */
function recordingHandler(respond: (batch: string[], call: number) => DynamoDBBatchResponse | void = () => undefined) {
  const batches: string[][] = [];
  const handler: Handler = async (event: DynamoDBStreamEvent) => {
    const batch = event.Records.map((r) => r.dynamodb?.SequenceNumber ?? '');
    batches.push(batch);
    return respond(batch, batches.length);
  };
  return { handler, batches };
}

function readCheckpoint(): {
  streamArn: string;
  shards: Record<string, { sequenceNumber?: string; finished?: boolean }>;
} {
  return JSON.parse(readFileSync(join(dir, 'checkpoint.json'), 'utf8'));
}

function readFailures(): Record<string, unknown>[] {
  return readFileSync(join(dir, 'failures.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
}

function iteratorRequests(): GetShardIteratorCommandInput[] {
  return streamsMock.commandCalls(GetShardIteratorCommand).map((call) => call.args[0].input);
}

function getRecordsShardIds(): string[] {
  return streamsMock
    .commandCalls(GetRecordsCommand)
    .map((call) => (call.args[0].input.ShardIterator ?? '').split('#')[0] ?? '');
}

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

describe('stream event source', () => {
  it('hands over records in the shape Lambda gives them', async () => {
    const record = streamRecord(SEQ[2]);
    record.eventName = 'MODIFY';
    record.userIdentity = { Type: 'Service', PrincipalId: 'dynamodb.amazonaws.com' };
    record.dynamodb = {
      ...record.dynamodb,
      ApproximateCreationDateTime: new Date('2026-11-20T10:15:42.000Z'),
      NewImage: {
        pk: { S: 'CUSTOMER#1' },
        logo: { B: Uint8Array.from([104, 105]) },
        tags: { BS: [Uint8Array.from([1]), Uint8Array.from([2])] },
        address: { M: { city: { S: 'Lyon' }, zip: { N: '69001' } } },
        history: { L: [{ S: 'a' }, { NULL: true }, { BOOL: false }, { SS: ['x'] }, { NS: ['1'] }] },
      },
      OldImage: { pk: { S: 'CUSTOMER#1' } },
    };
    fake.addShard('shard-1').records.push(record);
    const events: DynamoDBStreamEvent[] = [];
    const source = start(async (event) => void events.push(event), { region: 'eu-west-1' });
    await source.whenIdle();

    expect(events).toEqual([
      {
        Records: [
          {
            eventID: `event-${SEQ[2]}`,
            eventName: 'MODIFY',
            eventVersion: '1.1',
            eventSource: 'aws:dynamodb',
            awsRegion: 'eu-west-1',
            dynamodb: {
              ApproximateCreationDateTime: 1795169742,
              Keys: { pk: { S: `item-${SEQ[2]}` } },
              NewImage: {
                pk: { S: 'CUSTOMER#1' },
                logo: { B: 'aGk=' },
                tags: { BS: ['AQ==', 'Ag=='] },
                address: { M: { city: { S: 'Lyon' }, zip: { N: '69001' } } },
                history: { L: [{ S: 'a' }, { NULL: true }, { BOOL: false }, { SS: ['x'] }, { NS: ['1'] }] },
              },
              OldImage: { pk: { S: 'CUSTOMER#1' } },
              SequenceNumber: SEQ[2],
              SizeBytes: 20,
              StreamViewType: 'NEW_AND_OLD_IMAGES',
            },
            eventSourceARN: STREAM_ARN,
            userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' },
          },
        ],
      },
    ]);
  });

  it('leaves out absent images and takes awsRegion from the stream when no region is given', async () => {
    const removal = streamRecord(seq(1));
    removal.eventName = 'REMOVE';
    removal.dynamodb = { ...removal.dynamodb, NewImage: undefined, OldImage: { pk: { S: 'gone' } } };
    fake.addShard('shard-1').records.push(removal);
    const events: DynamoDBStreamEvent[] = [];
    await start(async (event) => void events.push(event)).whenIdle();

    const delivered = events[0]?.Records[0];
    expect(delivered?.awsRegion).toBe('ddblocal');
    expect(delivered?.dynamodb).not.toHaveProperty('NewImage');
    expect(delivered).not.toHaveProperty('userIdentity');
    expect(delivered?.dynamodb?.OldImage).toEqual({ pk: { S: 'gone' } });
  });

  it('retries from the lowest failed record named in batchItemFailures, and checkpoints just before it', async () => {
    fake.addShard('shard-1').records.push(...SEQ.map((s) => streamRecord(s)));
    const checkpointsSeenOnRetry: unknown[] = [];
    const { handler, batches } = recordingHandler((_batch, call) => {
      if (call === 2) checkpointsSeenOnRetry.push(readCheckpoint().shards['shard-1']?.sequenceNumber);
      // Named out of order: by string order SEQ[3] would look lowest, by number it is SEQ[1].
      return call === 1 ? { batchItemFailures: [{ itemIdentifier: SEQ[3] }, { itemIdentifier: SEQ[1] }] } : undefined;
    });
    await start(handler).whenIdle();

    expect(batches).toEqual([SEQ, SEQ.slice(1)]);
    expect(checkpointsSeenOnRetry).toEqual([SEQ[0]]);
    expect(readCheckpoint().shards['shard-1']).toEqual({ sequenceNumber: SEQ[3] });
  });

  it('treats an empty batchItemFailures as success', async () => {
    fake.addShard('shard-1').records.push(...SEQ.map((s) => streamRecord(s)));
    const { handler, batches } = recordingHandler(() => ({ batchItemFailures: [] }));
    await start(handler).whenIdle();

    expect(batches).toEqual([SEQ]);
    expect(readCheckpoint().shards['shard-1']).toEqual({ sequenceNumber: SEQ[3] });
  });

  it.each([
    ['an empty identifier', ''],
    ['an identifier not in the batch', '42'],
  ])('retries the whole batch when batchItemFailures has %s', async (_name, itemIdentifier) => {
    fake.addShard('shard-1').records.push(...SEQ.map((s) => streamRecord(s)));
    const { handler, batches } = recordingHandler((_batch, call) =>
      call === 1 ? { batchItemFailures: [{ itemIdentifier: SEQ[2] }, { itemIdentifier }] } : undefined,
    );
    await start(handler).whenIdle();

    expect(batches).toEqual([SEQ, SEQ]);
  });

  it('retries the whole batch when the handler throws', async () => {
    fake.addShard('shard-1').records.push(...SEQ.map((s) => streamRecord(s)));
    let calls = 0;
    const batches: string[][] = [];
    await start(async (event) => {
      batches.push(event.Records.map((r) => r.dynamodb?.SequenceNumber ?? ''));
      calls += 1;
      if (calls === 1) throw new Error('database unavailable');
    }).whenIdle();

    expect(batches).toEqual([SEQ, SEQ]);
    expect(readCheckpoint().shards['shard-1']).toEqual({ sequenceNumber: SEQ[3] });
    expect(logs).toContainEqual(expect.objectContaining({ level: 'warn', message: 'Stream handler failed; retrying' }));
  });

  it('after maxRetryAttempts sends the failing record to the failure file and goes on with the rest', async () => {
    const records = [seq(1), seq(2), seq(3)].map((s) => streamRecord(s));
    fake.addShard('shard-1').records.push(...records);
    const { handler, batches } = recordingHandler((batch) =>
      batch.includes(seq(2)) ? { batchItemFailures: [{ itemIdentifier: seq(2) }] } : undefined,
    );
    await start(handler, { maxRetryAttempts: 2 }).whenIdle();

    expect(batches).toEqual([[seq(1), seq(2), seq(3)], [seq(2), seq(3)], [seq(2), seq(3)], [seq(3)]]);
    const failures = readFailures();
    expect(failures).toEqual([
      expect.objectContaining({
        streamArn: STREAM_ARN,
        shardId: 'shard-1',
        sequenceNumber: seq(2),
        attempts: 3,
        error: expect.objectContaining({ message: `The handler reported ${seq(2)} in batchItemFailures` }),
        record: expect.objectContaining({ eventID: `event-${seq(2)}`, eventSourceARN: STREAM_ARN }),
      }),
    ]);
    expect(failures[0]?.record).toMatchObject({ dynamodb: { ApproximateCreationDateTime: 1795169700 } });
    expect(readCheckpoint().shards['shard-1']).toEqual({ sequenceNumber: seq(3) });
    expect(logs).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        message: 'Stream records failed every attempt; written to the failure file and skipped',
      }),
    );
  });

  it('gives up a batch that keeps throwing as a whole, one failure line per record, and reads on', async () => {
    const shard = fake.addShard('shard-1');
    shard.records.push(streamRecord(seq(1)), streamRecord(seq(2)));
    const delivered: string[][] = [];
    const source = start(
      async (event) => {
        const batch = event.Records.map((r) => r.dynamodb?.SequenceNumber ?? '');
        delivered.push(batch);
        if (batch.includes(seq(1))) throw new TypeError('bug');
      },
      { maxRetryAttempts: 1 },
    );
    await source.whenIdle();
    shard.records.push(streamRecord(seq(3)));
    await source.whenIdle();

    expect(delivered).toEqual([[seq(1), seq(2)], [seq(1), seq(2)], [seq(3)]]);
    expect(readFailures().map((f) => [f.sequenceNumber, f.attempts, (f.error as { name: string }).name])).toEqual([
      [seq(1), 2, 'TypeError'],
      [seq(2), 2, 'TypeError'],
    ]);
    expect(readCheckpoint().shards['shard-1']).toEqual({ sequenceNumber: seq(3) });
  });

  it('persists the checkpoint and resumes after it on restart, without replay', async () => {
    const shard = fake.addShard('shard-1');
    shard.records.push(...[1, 2, 3].map((n) => streamRecord(seq(n))));
    const first = recordingHandler();
    const source = start(first.handler, { batchSize: 2 });
    await source.whenIdle();
    await source.stop();
    expect(first.batches).toEqual([[seq(1), seq(2)], [seq(3)]]);
    expect(readCheckpoint()).toEqual({ streamArn: STREAM_ARN, shards: { 'shard-1': { sequenceNumber: seq(3) } } });

    shard.records.push(streamRecord(seq(4)), streamRecord(seq(5)));
    streamsMock.resetHistory();
    const second = recordingHandler();
    await start(second.handler).whenIdle();

    expect(second.batches).toEqual([[seq(4), seq(5)]]);
    expect(iteratorRequests()).toEqual([
      expect.objectContaining({
        ShardId: 'shard-1',
        ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
        SequenceNumber: seq(3),
      }),
    ]);
  });

  it('starts from TRIM_HORIZON when the checkpoint belongs to another stream', async () => {
    writeFileSync(
      join(dir, 'checkpoint.json'),
      JSON.stringify({ streamArn: `${STREAM_ARN}-old`, shards: { 'shard-1': { sequenceNumber: seq(2) } } }),
    );
    fake.addShard('shard-1').records.push(...[1, 2, 3].map((n) => streamRecord(seq(n))));
    const { handler, batches } = recordingHandler();
    await start(handler).whenIdle();

    expect(batches).toEqual([[seq(1), seq(2), seq(3)]]);
    expect(iteratorRequests()[0]).toMatchObject({ ShardIteratorType: 'TRIM_HORIZON' });
    expect(readCheckpoint().streamArn).toBe(STREAM_ARN);
    expect(logs).toContainEqual(
      expect.objectContaining({ level: 'info', message: expect.stringContaining('another stream') }),
    );
  });

  it('refuses to start on a damaged checkpoint rather than replaying the stream', () => {
    writeFileSync(join(dir, 'checkpoint.json'), '{"streamArn": ');
    expect(() => start(async () => undefined)).toThrow(/not a stream checkpoint/);
  });

  it('reads a parent shard to its end before its child, and does not read the parent again', async () => {
    fake.describePageSize = 1; // forces ExclusiveStartShardId paging
    const parent = fake.addShard('shard-parent');
    parent.records.push(streamRecord(seq(1)), streamRecord(seq(2)));
    const { handler, batches } = recordingHandler();
    const source = start(handler);
    await source.whenIdle();

    // Rollover: the parent gets a last record and closes; the child appears, listed before its parent.
    parent.records.push(streamRecord(seq(3)));
    parent.closed = true;
    fake.shards.unshift({ shardId: 'shard-child', parentShardId: 'shard-parent', records: [], closed: false });
    fake.shards[0]?.records.push(streamRecord(seq(4)), streamRecord(seq(5)));
    await source.whenIdle();
    const readsAfterRollover = getRecordsShardIds().length;
    await source.whenIdle();

    expect(batches).toEqual([[seq(1), seq(2)], [seq(3)], [seq(4), seq(5)]]);
    expect(readCheckpoint().shards).toEqual({
      'shard-parent': { sequenceNumber: seq(3), finished: true },
      'shard-child': { sequenceNumber: seq(5) },
    });
    expect(getRecordsShardIds().slice(readsAfterRollover)).not.toContain('shard-parent');
    expect(streamsMock.commandCalls(DescribeStreamCommand).some((c) => c.args[0].input.ExclusiveStartShardId)).toBe(
      true,
    );
  });

  it('processes an already closed parent before its child on a fresh start, and skips it after restart', async () => {
    fake.addShard('shard-child', 'shard-parent').records.push(streamRecord(seq(3)));
    const parent = fake.addShard('shard-parent');
    parent.records.push(streamRecord(seq(1)), streamRecord(seq(2)));
    parent.closed = true;
    const first = recordingHandler();
    const source = start(first.handler);
    await source.whenIdle();
    await source.stop();
    expect(first.batches).toEqual([[seq(1), seq(2)], [seq(3)]]);

    streamsMock.resetHistory();
    const second = recordingHandler();
    await start(second.handler).whenIdle();
    expect(second.batches).toEqual([]);
    expect(iteratorRequests().map((r) => r.ShardId)).toEqual(['shard-child']);
  });

  it('re-acquires an expired iterator from the checkpoint without losing or replaying records', async () => {
    const shard = fake.addShard('shard-1');
    shard.records.push(streamRecord(seq(1)), streamRecord(seq(2)));
    const { handler, batches } = recordingHandler();
    const source = start(handler);
    await source.whenIdle();

    shard.records.push(streamRecord(seq(3)));
    fake.expiredIterators.add('shard-1#2'); // the iterator the source holds now
    await source.whenIdle();

    expect(batches).toEqual([[seq(1), seq(2)], [seq(3)]]);
    expect(iteratorRequests().at(-1)).toMatchObject({
      ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
      SequenceNumber: seq(2),
    });
    expect(fake.expiredIterators.size).toBe(0);
  });

  it('restarts a shard at TRIM_HORIZON when the records after the checkpoint were trimmed', async () => {
    writeFileSync(
      join(dir, 'checkpoint.json'),
      JSON.stringify({ streamArn: STREAM_ARN, shards: { 'shard-1': { sequenceNumber: seq(1) } } }),
    );
    fake.addShard('shard-1').records.push(...[1, 2, 3, 4].map((n) => streamRecord(seq(n))));
    fake.trimmedBelow = seq(3);
    const { handler, batches } = recordingHandler();
    await start(handler).whenIdle();

    expect(batches).toEqual([[seq(3), seq(4)]]);
    expect(logs).toContainEqual(
      expect.objectContaining({ level: 'error', message: expect.stringContaining('trimmed') }),
    );
  });

  it('keeps polling after a stream call fails', async () => {
    fake.addShard('shard-1').records.push(streamRecord(seq(1)));
    streamsMock
      .on(DescribeStreamCommand)
      .rejectsOnce(new Error('connection refused'))
      .callsFake((input: DescribeStreamCommandInput) => fake.describe(input));
    const { handler, batches } = recordingHandler();
    await start(handler).whenIdle();

    expect(batches).toEqual([[seq(1)]]);
    expect(logs).toContainEqual(
      expect.objectContaining({ level: 'error', message: 'Reading the stream failed; retrying' }),
    );
  });

  it('whenIdle() called during a pass waits for a later pass to see the records written before the call', async () => {
    const shard = fake.addShard('shard-1');
    const { handler, batches } = recordingHandler();
    const source = start(handler);
    await source.whenIdle();

    // A write lands just after the poller read the shard empty, and whenIdle() is called while that pass runs.
    let idleAfterWrite: Promise<void> | undefined;
    streamsMock.on(GetRecordsCommand).callsFake((input: GetRecordsCommandInput) => {
      const page = fake.getRecords(input);
      if (!idleAfterWrite) {
        shard.records.push(streamRecord(seq(1)));
        idleAfterWrite = source.whenIdle();
      }
      return page;
    });
    await waitFor(() => idleAfterWrite !== undefined);
    await idleAfterWrite;

    expect(batches).toEqual([[seq(1)]]);
  });

  it('stop() waits for the batch in flight and checkpoints it', async () => {
    fake.addShard('shard-1').records.push(streamRecord(seq(1)));
    let release: () => void = () => undefined;
    let started = false;
    const source = start(async () => {
      started = true;
      await new Promise<void>((resolve) => (release = resolve));
    });
    await waitFor(() => started);

    let stopped = false;
    const stopping = source.stop().then(() => (stopped = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    release();
    await stopping;

    expect(readCheckpoint().shards['shard-1']).toEqual({ sequenceNumber: seq(1) });
    await expect(source.whenIdle()).rejects.toThrow(/stopped/);
  });

  it('stop() during a retry backoff leaves the failed record for the next run', async () => {
    fake.addShard('shard-1').records.push(streamRecord(seq(1)), streamRecord(seq(2)));
    const { handler, batches } = recordingHandler(() => ({ batchItemFailures: [{ itemIdentifier: seq(2) }] }));
    const source = start(handler, { backoff: { baseMs: 60_000, maxMs: 60_000 } });
    await waitFor(() => batches.length === 1);
    await source.stop();

    expect(readCheckpoint().shards['shard-1']).toEqual({ sequenceNumber: seq(1) });
    const next = recordingHandler();
    await start(next.handler).whenIdle();
    expect(next.batches).toEqual([[seq(2)]]);
  });
});

describe('filter criteria', () => {
  const even = (record: DynamoDBRecord) => BigInt(record.dynamodb?.SequenceNumber ?? '1') % 2n === 0n;

  it('hands over only the records the filter accepts, and checkpoints past the ones it refuses', async () => {
    fake.addShard('shard-1').records.push(...[1, 2, 3, 4, 5].map((n) => streamRecord(seq(n))));
    const { handler, batches } = recordingHandler();
    await start(handler, { filter: even }).whenIdle();
    expect(batches.flat()).toEqual([seq(2), seq(4)]);
    expect(readCheckpoint().shards['shard-1']).toEqual({ sequenceNumber: seq(5) });
  });

  it('does not invoke the handler for a batch it refuses whole', async () => {
    fake.addShard('shard-1').records.push(...[1, 3].map((n) => streamRecord(seq(n))));
    const { handler, batches } = recordingHandler();
    await start(handler, { filter: even }).whenIdle();
    expect(batches).toEqual([]);
    expect(readCheckpoint().shards['shard-1']).toEqual({ sequenceNumber: seq(3) });
  });

  it('counts the batch size in accepted records, as Lambda does, reading the refused ones in large pages', async () => {
    fake.addShard('shard-1').records.push(...Array.from({ length: 40 }, (_, i) => streamRecord(seq(i + 1))));
    const { handler, batches } = recordingHandler();
    await start(handler, {
      filter: (record) => record.dynamodb?.SequenceNumber !== seq(4) && even(record),
      batchSize: 5,
    }).whenIdle();
    expect(batches.map((batch) => batch.length)).toEqual([5, 5, 5, 4]);
    expect(batches[0]).toEqual([seq(2), seq(6), seq(8), seq(10), seq(12)]);
    // One page held all 40 records: the 21 refused ones cost no reads of their own.
    expect(getRecordsShardIds().length).toBeLessThanOrEqual(2);
    expect(readCheckpoint().shards['shard-1']).toEqual({ sequenceNumber: seq(40) });
  });

  it('retries a failed record among filtered ones without re-delivering records it already refused', async () => {
    fake.addShard('shard-1').records.push(...[1, 2, 3, 4].map((n) => streamRecord(seq(n))));
    const { handler, batches } = recordingHandler((_batch, call) =>
      call === 1 ? { batchItemFailures: [{ itemIdentifier: seq(4) }] } : undefined,
    );
    await start(handler, { filter: even }).whenIdle();
    expect(batches).toEqual([[seq(2), seq(4)], [seq(4)]]);
    expect(readCheckpoint().shards['shard-1']).toEqual({ sequenceNumber: seq(4) });
  });
});
