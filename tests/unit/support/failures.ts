import {
  BatchWriteItemCommand,
  DeleteItemCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { ValidationFailed } from '../../../shared/http/errors';

/** The error `promise` rejects with; fails the test when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

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
