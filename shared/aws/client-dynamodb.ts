/**
 * The values Portico uses from `@aws-sdk/client-dynamodb`, imported from here only (the lint rule in eslint.config.mjs): the package is CommonJS, and
 * a bundle copies a CommonJS package's every export once per module that imports it, at cold start.
 */
export {
  BatchGetItemCommand,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ResourceNotFoundException,
  TransactWriteItemsCommand,
  TransactionCanceledException,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
