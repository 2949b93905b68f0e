import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { localCredentials, localRegion } from '../../infra/local/local-aws';
import { stackOutputs } from './outputs';

/** The local stack's table, reached directly. */
export interface StackTable {
  dynamo: DynamoDBClient;
  tableName: string;
}

/**
 * A DynamoDB Local client and the table's name, made in a `beforeAll` and destroyed in an `afterAll` it registers;
 * read the fields inside tests and hooks (they are filled when the stack is up, not at import).
 */
export function stackTable(): StackTable {
  const table = {} as StackTable;
  beforeAll(() => {
    const outputs = stackOutputs();
    table.tableName = outputs.TableName;
    table.dynamo = new DynamoDBClient({
      endpoint: outputs.DynamoDbEndpoint,
      region: localRegion,
      credentials: localCredentials,
    });
  });
  afterAll(() => table.dynamo?.destroy());
  return table;
}
