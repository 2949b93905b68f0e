import { DynamoDBClient, GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { portalPartition } from '../../shared/data/keys';
import { createPortalGate } from '../../shared/portal/portal-gate';
import { createPortalOverview } from '../../shared/portal/portal-overview';

/**
 * The overview starts the default components' Queries beside the access re-check (shared/portal/portal-overview.ts).
 * Faults the local stack cannot produce: a Query that fails for a component the person does not have, or for one
 * they do.
 */
const dynamoMock = mockClient(DynamoDBClient);
const dynamo = new DynamoDBClient({ region: 'eu-west-1' });
const tableName = 'portico';
const personId = 'con_00000000-0000-4000-8000-000000000001';
const overview = createPortalOverview({
  dynamo,
  tableName,
  portal: createPortalGate({ dynamo, tableName, timeZone: 'UTC' }),
});

function personWith(components: string[]) {
  dynamoMock.on(GetItemCommand).resolves({
    Item: marshall({
      id: personId,
      module: 'contacts',
      email: 'pat@example.com',
      portal: { enabled: true, components },
    }),
  });
}

/** A ticket for the tickets partition; the others fail as `failing` says. */
function partitions(failing: (partition: string) => boolean) {
  dynamoMock.on(QueryCommand).callsFake((input: { ExpressionAttributeValues: { ':pk': { S: string } } }) => {
    const partition = input.ExpressionAttributeValues[':pk'].S;
    if (failing(partition)) return Promise.reject(new Error(`throttled on ${partition}`));
    const items = partition === portalPartition(personId, 'tickets') ? [marshall({ id: 'tkt_1', title: 'One' })] : [];
    return Promise.resolve({ Items: items });
  });
}

beforeEach(() => dynamoMock.reset());

describe('the overview beside the access re-check', () => {
  it('answers for the components the person has when a Query for one they do not have failed', async () => {
    personWith(['tickets']);
    partitions((partition) => partition === portalPartition(personId, 'invoices'));
    await expect(overview.overview(personId)).resolves.toEqual({
      components: [{ module: 'tickets', count: 1, needsYou: [] }],
    });
  });

  it('fails when a Query for a component the person has failed', async () => {
    personWith(['invoices', 'tickets']);
    partitions((partition) => partition === portalPartition(personId, 'invoices'));
    await expect(overview.overview(personId)).rejects.toThrow(/throttled/);
  });

  it('reads a component beyond the defaults after the check, and a failure there is the answer too', async () => {
    personWith(['deal-registrations', 'tickets']);
    partitions((partition) => partition === portalPartition(personId, 'deal-registrations'));
    await expect(overview.overview(personId)).rejects.toThrow(/throttled on PORTAL#.*#deal-registrations/);
  });
});
