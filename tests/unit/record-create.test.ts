import { DynamoDBClient, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { planAccessChange } from '../../shared/access/enablement';
import { findModule } from '../../shared/modules/registry';
import { createRecordCreator } from '../../shared/records/record-create';
import { createWithInline } from '../../shared/records/record-create-inline';

/**
 * The creator without the access machine's writes or the inline create (what the portal's tickets and deal
 * registrations bundle): it creates records, and refuses to create a person, whose portal flag the access machine
 * must see in the same transaction, or a record together with the one it creates inline.
 */

const dynamo = mockClient(DynamoDBClient);
beforeEach(() => {
  dynamo.reset();
  dynamo.on(TransactWriteItemsCommand).resolves({});
});

const creator = (withAccess: boolean, withInline = false) =>
  createRecordCreator({
    dynamo: new DynamoDBClient({ region: 'eu-west-1' }),
    tableName: 'portico',
    now: () => new Date('2025-06-01T12:00:00.000Z'),
    ...(withAccess ? { planAccessChange } : {}),
    ...(withInline ? { createWithInline } : {}),
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

  const partnerWithContact = {
    name: 'Acme Partners',
    primaryContact: { lastName: 'Doe', email: 'doe@example.com' },
  };

  it('refuses to create a record with the one it creates inline without createWithInline, writing nothing', async () => {
    const partners = findModule('partner-organizations')!;
    await expect(creator(true).create(partners, partnerWithContact, 'staff:1')).rejects.toThrow(/createWithInline/);
    expect(dynamo.commandCalls(TransactWriteItemsCommand)).toHaveLength(0);
  });

  it('with it, the organization and its new primary contact are written in one transaction, each naming the other', async () => {
    const partners = findModule('partner-organizations')!;
    const organization = await creator(true, true).create(partners, partnerWithContact, 'staff:1');
    const calls = dynamo.commandCalls(TransactWriteItemsCommand);
    expect(calls).toHaveLength(1);
    const puts = calls[0]!.args[0].input.TransactItems!.flatMap((item) => (item.Put ? [item.Put.Item!] : []));
    const contact = puts.find((item) => item.id?.S === organization.primaryContactId);
    expect(contact).toMatchObject({ module: { S: 'partner-contacts' }, organizationId: { S: organization.id } });
  });
});
