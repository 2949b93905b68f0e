import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { waitFor } from '../../infra/local/managed-process';
import { localCredentials, localRegion } from '../../infra/local/local-aws';
import { compareSequenceNumbers } from '../../shared/data/sequence-numbers';
import { localStackContext } from '../support/local-stack-context';
import { portalOnboarding } from '../support/portal-onboarding';
import { stackTable } from '../support/stack-table';

/**
 * A partner admin cannot escalate through a race (issue 16): while staff take a component away from the admin, the
 * admin grants that component to a colleague, concurrently, several rounds. The grant may win only if it was
 * written while the admin still held the component: its write carries the admin's rights as a condition
 * (shared/partners/colleagues.ts `requireAdminRights`). Which write came first is read from the table's stream, whose
 * sequence numbers order the writes as DynamoDB committed them (DynamoDB Local keeps one shard per table).
 */
jest.setTimeout(240_000);

type Json = Record<string, unknown>;
const local = localStackContext();
const table = stackTable();
let onboarding: ReturnType<typeof portalOnboarding>;
let streams: DynamoDBStreamsClient;
beforeAll(() => {
  onboarding = portalOnboarding(local.outputs, local.api);
  streams = new DynamoDBStreamsClient({
    endpoint: local.outputs.DynamoDbEndpoint,
    region: localRegion,
    credentials: localCredentials,
  });
});
afterAll(() => {
  onboarding.close();
  streams.destroy();
});

/** Iterators at the stream's end, on every open shard: what follows is what the round writes (and others'). */
async function streamFromNow() {
  const { Table } = await table.dynamo.send(new DescribeTableCommand({ TableName: table.tableName }));
  const StreamArn = Table!.LatestStreamArn!;
  const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn }));
  const open = (StreamDescription!.Shards ?? []).filter((shard) => !shard.SequenceNumberRange?.EndingSequenceNumber);
  const iterators = await Promise.all(
    open.map(
      async (shard) =>
        (
          await streams.send(
            new GetShardIteratorCommand({ StreamArn, ShardId: shard.ShardId!, ShardIteratorType: 'LATEST' }),
          )
        ).ShardIterator!,
    ),
  );
  const seen: _Record[] = [];
  /** Reads on until `found` holds of the records seen so far; answers them. */
  async function until(found: (records: readonly _Record[]) => boolean): Promise<readonly _Record[]> {
    await waitFor(
      async () => {
        for (const [index, iterator] of iterators.entries()) {
          if (!iterator) continue;
          const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
          seen.push(...(page.Records ?? []));
          iterators[index] = page.NextShardIterator!;
        }
        return found(seen);
      },
      30_000,
      'the round in the stream',
    );
    return seen;
  }
  return { until };
}

const componentsIn = (record: _Record) =>
  (unmarshall((record.dynamodb?.NewImage ?? {}) as never).portal as { components?: string[] } | undefined)
    ?.components ?? [];
const recordOf = (id: string, components: (list: string[]) => boolean) => (record: _Record) =>
  record.dynamodb?.Keys?.pk?.S === id && record.dynamodb.Keys.sk?.S === 'RECORD' && components(componentsIn(record));
const partnerAdminIn = (record: _Record) =>
  (unmarshall((record.dynamodb?.NewImage ?? {}) as never).portal as { partnerAdmin?: boolean } | undefined)
    ?.partnerAdmin === true;

const rounds = 8;
/** Milliseconds the removal starts later with each round. */
const stagger = 8;

describe('a partner admin racing staff', () => {
  it('never grants a colleague a component staff are taking from the admin at the same time', async () => {
    const organizationId = (
      await local.api.create('partner-organizations', { name: 'Racing Partner', partnerStatus: 'Active' })
    ).id;
    const admin = await onboarding.onboard({
      organizationId,
      portal: { partnerAdmin: true, components: ['tickets', 'documents'] },
    });
    const colleagueId = (
      await admin.call('POST', '/portal/colleagues', {
        lastName: 'Racer',
        email: `racer.${Date.now()}@example.com`,
        components: ['tickets'],
      })
    ).body.id as string;
    expect(colleagueId).toMatch(/^pcon_/);

    for (let round = 0; round < rounds; round++) {
      // Staff reset the stage: the admin holds documents, the colleague does not.
      for (const [id, components] of [
        [admin.person.id, ['tickets', 'documents']],
        [colleagueId, ['tickets']],
      ] as const) {
        expect((await local.api.call('PATCH', `/partner-contacts/${id}`, { portal: { components } })).status).toBe(200);
      }
      const stream = await streamFromNow();
      // The removal starts a little later each round, so the rounds sweep the grant's span from its read of the
      // admin to its write (a stagger, not a wait for anything).
      const [grant, removal] = await Promise.all([
        admin.call<Json>('PATCH', `/portal/colleagues/${colleagueId}`, { components: ['tickets', 'documents'] }),
        new Promise((resolve) => setTimeout(resolve, round * stagger)).then(() =>
          local.api.call('PATCH', `/partner-contacts/${admin.person.id}`, { portal: { components: ['tickets'] } }),
        ),
      ]);
      expect(removal.status).toBe(200);
      expect([200, 403]).toContain(grant.status);

      const colleague = (await local.api.call('GET', `/partner-contacts/${colleagueId}`)).body;
      const colleagueComponents = (colleague.portal as { components: string[] }).components;
      if (grant.status === 403) {
        // Refused by the admin's rights as read at the start, or by the write's own condition on them.
        expect(grant.body.detail).toMatch(/only what your own portal includes|rights changed meanwhile/);
        expect(colleagueComponents).toEqual(['tickets']);
        continue;
      }
      expect(colleagueComponents).toEqual(['tickets', 'documents']);
      // The grant won: it must have been written before the removal was.
      const adminLost = recordOf(admin.person.id, (list) => !list.includes('documents'));
      const colleagueGained = recordOf(colleagueId, (list) => list.includes('documents'));
      const records = await stream.until((seen) => seen.some(adminLost) && seen.some(colleagueGained));
      const sequenceOf = (match: (record: _Record) => boolean) => records.find(match)!.dynamodb!.SequenceNumber!;
      expect(compareSequenceNumbers(sequenceOf(colleagueGained), sequenceOf(adminLost))).toBeLessThan(0);
    }
    // Afterwards (a positive control of the rule itself): the admin without documents cannot give it.
    await local.api.call('PATCH', `/partner-contacts/${colleagueId}`, { portal: { components: ['tickets'] } });
    const after = await admin.call('PATCH', `/portal/colleagues/${colleagueId}`, { components: ['documents'] });
    expect(after.status).toBe(403);
  });

  it('never invites a colleague after staff took the partner admin flag away at the same time', async () => {
    const organizationId = (
      await local.api.create('partner-organizations', { name: 'Racing Partner', partnerStatus: 'Active' })
    ).id;
    const admin = await onboarding.onboard({ organizationId, portal: { partnerAdmin: true, components: ['tickets'] } });
    for (let round = 0; round < rounds; round++) {
      const flag = await local.api.call('PATCH', `/partner-contacts/${admin.person.id}`, {
        portal: { partnerAdmin: true },
      });
      expect(flag.status).toBe(200);
      const email = `invitee.${round}.${Date.now()}@example.com`;
      const stream = await streamFromNow();
      const [invite, revocation] = await Promise.all([
        admin.call<Json>('POST', '/portal/colleagues', { lastName: 'Invitee', email, components: ['tickets'] }),
        new Promise((resolve) => setTimeout(resolve, round * stagger)).then(() =>
          local.api.call('PATCH', `/partner-contacts/${admin.person.id}`, { portal: { partnerAdmin: false } }),
        ),
      ]);
      expect(revocation.status).toBe(200);
      expect([201, 403]).toContain(invite.status);
      const people = (await local.api.call('GET', `/partner-contacts?email=${encodeURIComponent(email)}`)).body
        .items as Json[];
      if (invite.status === 403) {
        expect(people).toEqual([]);
        continue;
      }
      const inviteeId = String(invite.body.id);
      expect(people.map((person) => person.id)).toEqual([inviteeId]);
      // The invitation won: it must have been written while the admin still was one.
      const created = (record: _Record) => record.eventName === 'INSERT' && recordOf(inviteeId, () => true)(record);
      const demoted = (record: _Record) => recordOf(admin.person.id, () => true)(record) && !partnerAdminIn(record);
      const records = await stream.until((seen) => seen.some(created) && seen.some(demoted));
      const sequenceOf = (match: (record: _Record) => boolean) => records.find(match)!.dynamodb!.SequenceNumber!;
      expect(compareSequenceNumbers(sequenceOf(created), sequenceOf(demoted))).toBeLessThan(0);
    }
  });
});
