import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { recordKey } from '../data/keys';

export type StoredPerson = Record<string, unknown> & {
  id: string;
  module: string;
  version: number;
  firstName?: string;
  lastName?: string;
  email?: string;
  organizationId?: string;
  portal?: {
    enabled?: boolean;
    username?: string;
    supportStartDate?: string;
    supportEndDate?: string;
    canESign?: boolean;
    pinReset?: boolean;
    components?: string[];
    pinHash?: string;
  };
};

/**
 * The person behind a portal token and, for a partner contact, its partner organization: strongly
 * consistent reads, so a change staff just made is what the next sign-in or request sees.
 */
export async function loadPersonWithOrganization(dynamo: DynamoDBClient, tableName: string, personId: string) {
  const read = async (id: string) => {
    const result = await dynamo.send(
      new GetItemCommand({ TableName: tableName, Key: marshall(recordKey(id)), ConsistentRead: true }),
    );
    return result.Item ? unmarshall(result.Item) : undefined;
  };
  const person = (await read(personId)) as StoredPerson | undefined;
  const organization =
    person?.module === 'partner-contacts' && typeof person.organizationId === 'string'
      ? await read(person.organizationId)
      : undefined;
  return { person, organization };
}
