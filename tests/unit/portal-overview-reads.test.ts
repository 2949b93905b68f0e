import { DynamoDBClient, GetItemCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { linkPartition } from '../../shared/data/keys';
import { indexes } from '../../shared/data/table-design';
import { createPortalGate } from '../../shared/portal/portal-gate';
import { createPortalOverview, maxPages } from '../../shared/portal/portal-overview';

/**
 * The overview reads every component in ONE Query of the viewer's linked records, beside the access re-check
 * (shared/portal/portal-overview.ts). What the local stack cannot produce: a failed Query, and a viewer past the
 * page budget.
 */
const dynamoMock = mockClient(DynamoDBClient);
const dynamo = new DynamoDBClient({ region: 'eu-west-1' });
const tableName = 'portico';
const personId = 'con_00000000-0000-4000-8000-000000000001';
const partnerId = 'pcon_00000000-0000-4000-8000-000000000002';
const organizationId = 'porg_00000000-0000-4000-8000-000000000003';
const overview = createPortalOverview({
  dynamo,
  tableName,
  portal: createPortalGate({ dynamo, tableName, timeZone: 'UTC' }),
});

function people(components?: string[]) {
  dynamoMock.on(GetItemCommand).callsFake((input: { Key: { pk: { S: string } } }) => {
    const id = input.Key.pk.S;
    const items: Record<string, Record<string, unknown>> = {
      [personId]: {
        id: personId,
        module: 'contacts',
        email: 'pat@example.com',
        portal: { enabled: true, ...(components ? { components } : {}) },
      },
      [partnerId]: {
        id: partnerId,
        module: 'partner-contacts',
        email: 'kim@example.com',
        organizationId,
        portal: { enabled: true, components: ['deal-registrations', 'tickets'] },
      },
      [organizationId]: { id: organizationId, module: 'partner-organizations', partnerStatus: 'Active' },
    };
    return Promise.resolve(items[id] ? { Item: marshall(items[id]) } : {});
  });
}

/** A summary as the link index holds it: its sort key names the module. */
const row = (module: string, id: string, fields: Record<string, unknown> = {}) =>
  marshall({ gsi3sk: `${module}#2026-01-01T00:00:00.000Z#${id}`, gsi2sk: `${module}#2026#${id}`, id, ...fields });

const queries = () => dynamoMock.commandCalls(QueryCommand).map((call) => call.args[0].input as QueryCommandInput);

beforeEach(() => dynamoMock.reset());

describe('the overview', () => {
  it("reads a customer's every component in one Query of their links, and shows only what they see", async () => {
    people(['tickets', 'quotes', 'invoices']);
    dynamoMock.on(QueryCommand).resolves({
      Items: [
        row('tickets', 'tkt_2', { contactId: personId, title: 'Two', awaitingReply: true, status: 'Open' }),
        row('tickets', 'tkt_1', { contactId: personId, title: 'One' }),
        // Linked to the person but a partner organization's: the partner sees it, not this customer.
        row('tickets', 'tkt_3', { contactId: personId, organizationId, title: 'Theirs' }),
        row('quotes', 'quo_1', { contactId: personId, subject: 'Offer', status: 'Delivered' }),
        row('documents', 'doc_1', { contactId: personId, title: 'Not a component of theirs' }),
      ],
    });
    await expect(overview.overview(personId)).resolves.toEqual({
      components: [
        {
          module: 'tickets',
          count: 2,
          needsYou: [{ id: 'tkt_2', title: 'Two', reason: 'awaiting-your-reply' }],
        },
        { module: 'quotes', count: 1, needsYou: [{ id: 'quo_1', title: 'Offer', reason: 'awaiting-decision' }] },
        { module: 'invoices', count: 0, needsYou: [] },
      ],
    });
    expect(queries()).toEqual([
      expect.objectContaining({
        IndexName: indexes.byLookup.indexName,
        KeyConditionExpression: '#pk = :pk',
        FilterExpression: '#showOnPortal = :shown',
        ExpressionAttributeValues: { ':pk': { S: linkPartition(personId) }, ':shown': { BOOL: true } },
        ScanIndexForward: false,
      }),
    ]);
  });

  it("reads a partner contact's organization's links, once the person names it", async () => {
    people();
    dynamoMock.on(QueryCommand).resolves({
      Items: [row('deal-registrations', 'deal_1', { organizationId, companyName: 'Acme' })],
    });
    await expect(overview.overview(partnerId)).resolves.toEqual({
      components: [
        { module: 'deal-registrations', count: 1, needsYou: [] },
        { module: 'tickets', count: 0, needsYou: [] },
      ],
    });
    expect(queries()).toEqual([
      expect.objectContaining({
        IndexName: indexes.byLink.indexName,
        ExpressionAttributeValues: { ':pk': { S: linkPartition(organizationId) }, ':shown': { BOOL: true } },
      }),
    ]);
  });

  it('fails when the Query failed', async () => {
    people();
    dynamoMock.on(QueryCommand).rejects(new Error('throttled'));
    await expect(overview.overview(personId)).rejects.toThrow(/throttled/);
  });

  it('stops after its page budget, and says which counts it did not finish', async () => {
    people(['tickets', 'quotes', 'invoices', 'documents']);
    // Every page holds one quote and says there is more: the pages stop inside quotes, read newest module first.
    let page = 0;
    dynamoMock.on(QueryCommand).callsFake(() => {
      page++;
      return Promise.resolve({
        Items:
          page === 1
            ? [row('tickets', 'tkt_1', { contactId: personId })]
            : [row('quotes', `quo_${page}`, { contactId: personId })],
        LastEvaluatedKey: marshall({
          gsi3pk: 'x',
          gsi3sk: `quotes#2026-01-01T00:00:00.000Z#quo_${page}`,
          pk: 'p',
          sk: 's',
        }),
      });
    });
    const { components } = await overview.overview(personId);
    expect(queries()).toHaveLength(maxPages);
    expect(components).toEqual([
      { module: 'tickets', count: 1, needsYou: [] },
      { module: 'quotes', count: maxPages - 1, countIsLowerBound: true, needsYou: expect.any(Array) },
      { module: 'invoices', count: 0, countIsLowerBound: true, needsYou: [] },
      { module: 'documents', count: 0, countIsLowerBound: true, needsYou: [] },
    ]);
  });
});
