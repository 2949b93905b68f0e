import { DynamoDBClient, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { planAccessChange } from '../../shared/access/enablement';
import { findModule } from '../../shared/modules/registry';
import { createRecordCreator } from '../../shared/records/record-create';

/**
 * The creator without the access machine's writes (what the portal's tickets and deal registrations bundle): it
 * creates records, and refuses to create a person, whose portal flag the access machine must see in the same
 * transaction.
 */

const dynamo = mockClient(DynamoDBClient);
beforeEach(() => {
  dynamo.reset();
  dynamo.on(TransactWriteItemsCommand).resolves({});
});

const creator = (withAccess: boolean) =>
  createRecordCreator({
    dynamo: new DynamoDBClient({ region: 'eu-west-1' }),
    tableName: 'portico',
    now: () => new Date('2025-06-01T12:00:00.000Z'),
    ...(withAccess ? { planAccessChange } : {}),
  });

describe('createRecordCreator', () => {
  it('creates a record without the access machine', async () => {
    const input = { title: 'Printer jam', organizationId: 'org_aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa' };
    const ticket = await creator(false).create(findModule('tickets')!, input, 'staff:1');
    expect(ticket).toMatchObject({ title: 'Printer jam', version: 1 });
    expect(dynamo.commandCalls(TransactWriteItemsCommand)).toHaveLength(1);
  });

  it('refuses to create a person without it, writing nothing', async () => {
    const contacts = findModule('contacts')!;
    const input = { lastName: 'Doe', email: 'doe@example.com', portal: { enabled: true } };
    await expect(creator(false).create(contacts, input, 'staff:1')).rejects.toThrow(/planAccessChange/);
    expect(dynamo.commandCalls(TransactWriteItemsCommand)).toHaveLength(0);
  });

  it("with it, a new person's portal flag goes into the same transaction", async () => {
    const contacts = findModule('contacts')!;
    const input = { lastName: 'Doe', email: 'doe@example.com', portal: { enabled: true } };
    const person = await creator(true).create(contacts, input, 'staff:1');
    const items = dynamo.commandCalls(TransactWriteItemsCommand)[0]!.args[0].input.TransactItems!;
    const keys = items.map((item) => JSON.stringify(item.Put?.Item ?? item.Update?.Key ?? {}));
    expect(keys.some((key) => key.includes(person.id) && key.includes('ACCESS'))).toBe(true);
  });
});
