import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { localCredentials, localRegion } from '../../infra/local/local-aws';
import { findModule, type ModuleDeclaration } from '../../shared/modules/registry';
import { createRecordService } from '../../shared/records/record-service';
import { stackOutputs } from '../support/outputs';

/**
 * How many DynamoDB round trips each operation costs, counted on the real emulator: the figures
 * docs/data-model.md promises. A change that adds a read to a hot path fails here.
 */
const calls: string[] = [];
let dynamo: DynamoDBClient;
let service: ReturnType<typeof createRecordService>;

beforeAll(() => {
  const outputs = stackOutputs();
  dynamo = new DynamoDBClient({
    endpoint: outputs.DynamoDbEndpoint,
    region: localRegion,
    credentials: localCredentials,
  });
  dynamo.middlewareStack.add(
    (next, context) => async (args) => {
      calls.push(context.commandName!.replace(/Command$/, ''));
      return next(args);
    },
    { step: 'initialize', name: 'countCalls' },
  );
  service = createRecordService({ dynamo, tableName: outputs.TableName });
});
afterAll(() => dynamo.destroy());

const moduleNamed = (name: string): ModuleDeclaration => findModule(name)!;

async function counted<T>(operation: () => Promise<T>): Promise<{ result: T; calls: string[] }> {
  calls.length = 0;
  const result = await operation();
  return { result, calls: [...calls] };
}

describe('DynamoDB calls per operation', () => {
  it('a create is one write: PutItem alone, or one TransactWriteItems with its search terms, references, claims', async () => {
    const organization = await counted(() => service.create(moduleNamed('organizations'), { name: 'Calls' }, 'staff'));
    // The record and its search term item.
    expect(organization.calls).toEqual(['TransactWriteItems']);
    const contact = await counted(() =>
      service.create(
        moduleNamed('contacts'),
        {
          lastName: 'Calls',
          email: `calls.${Date.now()}@example.com`,
          organizationId: organization.result.id,
          portal: { enabled: true },
        },
        'staff',
      ),
    );
    expect(contact.calls).toEqual(['TransactWriteItems']);
  });

  it('a read is one GetItem and a list page one Query', async () => {
    const organization = await service.create(moduleNamed('organizations'), { name: 'Read' }, 'staff');
    expect((await counted(() => service.get(moduleNamed('organizations'), organization.id))).calls).toEqual([
      'GetItem',
    ]);
    expect((await counted(() => service.list(moduleNamed('organizations'), { limit: 10 }))).calls).toEqual(['Query']);
    const filtered = await counted(() =>
      service.list(moduleNamed('contacts'), { limit: 10, filter: { name: 'organizationId', value: organization.id } }),
    );
    expect(filtered.calls).toEqual(['Query']);
  });

  it('an update is one GetItem and one write', async () => {
    const organization = await service.create(moduleNamed('organizations'), { name: 'Update' }, 'staff');
    const contact = await service.create(
      moduleNamed('contacts'),
      { lastName: 'U', organizationId: organization.id },
      'staff',
    );
    expect(
      (await counted(() => service.update(moduleNamed('contacts'), contact.id, { title: 'CFO' }, 'staff'))).calls,
    ).toEqual(['GetItem', 'PutItem']);
    const moved = await counted(async () => {
      const other = await service.create(moduleNamed('organizations'), { name: 'Other' }, 'staff');
      calls.length = 0;
      return service.update(moduleNamed('contacts'), contact.id, { organizationId: other.id }, 'staff');
    });
    expect(moved.calls).toEqual(['GetItem', 'TransactWriteItems']);
  });

  it('deleting an organization or a linked person is a read and one transaction (with the search terms)', async () => {
    const organization = await service.create(moduleNamed('organizations'), { name: 'Delete' }, 'staff');
    const contact = await service.create(
      moduleNamed('contacts'),
      { lastName: 'D', organizationId: organization.id },
      'staff',
    );
    expect((await counted(() => service.remove(moduleNamed('contacts'), contact.id))).calls).toEqual([
      'GetItem',
      'TransactWriteItems',
    ]);
    expect((await counted(() => service.remove(moduleNamed('organizations'), organization.id))).calls).toEqual([
      'GetItem',
      'TransactWriteItems',
    ]);
  });
});
