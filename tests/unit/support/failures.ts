import {
  BatchWriteItemCommand,
  DeleteItemCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { ValidationFailed } from '../../../shared/http/errors';

// One definition for unit and integration tests alike.
export { rejectionOf } from '../../support/rejection-of';

/** The field errors `run` throws as ValidationFailed; fails the test when it throws anything else or nothing. */
export function errorsOf(run: () => unknown): { path: string; message: string }[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationFailed) return error.extensions.errors as { path: string; message: string }[];
    throw error;
  }
  throw new Error('expected a ValidationFailed, but the call succeeded');
}

const writeCommands = [
  PutItemCommand,
  UpdateItemCommand,
  DeleteItemCommand,
  TransactWriteItemsCommand,
  BatchWriteItemCommand,
];

/** How many DynamoDB writes a mocked client was sent (any kind). */
export const writesSentBy = (dynamo: { calls(): { args: readonly unknown[] }[] }) =>
  dynamo.calls().filter((call) => writeCommands.some((command) => call.args[0] instanceof command)).length;
