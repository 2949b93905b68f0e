import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { tableDesign } from '../../shared/data/table-design';
import type { StreamInterest } from '../../shared/data/stream-interest';
import type { FunctionDeclaration, TableStreamSubscription } from '../../shared/declarations/functions';

/** An event source mapping's filters: each is one pattern, a record reaches the function if any pattern matches. */
export type StreamFilters = readonly Record<string, unknown>[];

/**
 * Lambda filter criteria for a subscription's declared interest (shared/data/stream-interest.ts): inserts and
 * updates are matched on the new image, a removal on the old one. Everything else is dropped by Lambda before
 * it costs an invocation; the local event source drops the same records with `matchesInterest`.
 */
export function filtersFor(interest: StreamInterest): StreamFilters {
  const keys = { [tableDesign.sortKey]: { S: [interest.sortKey] } };
  const names = [...interest.modules];
  return [
    lambda.FilterCriteria.filter({
      eventName: ['INSERT', 'MODIFY'],
      dynamodb: { Keys: keys, NewImage: { module: { S: names } } },
    }),
    lambda.FilterCriteria.filter({
      eventName: ['REMOVE'],
      dynamodb: { Keys: keys, OldImage: { module: { S: names } } },
    }),
    ...(interest.insertsUnderPrefixes ?? []).map((prefix) =>
      lambda.FilterCriteria.filter({
        eventName: ['INSERT'],
        dynamodb: { Keys: { [tableDesign.sortKey]: { S: lambda.FilterRule.beginsWith(prefix) } } },
      }),
    ),
  ];
}

export interface TableStreamSourceProps {
  readonly declaration: FunctionDeclaration & { readonly tableStream: TableStreamSubscription };
  readonly fn: lambda.Function;
  readonly table: dynamodb.ITable;
}

/** The event source mapping from the table's stream to one function, and the queue its failed batches land in. */
export class TableStreamSource extends Construct {
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: TableStreamSourceProps) {
    super(scope, id);
    const { declaration, fn, table } = props;
    // What Lambda sends here is where the failed batch sits in the stream (shard, sequence numbers), not the
    // records: replay them from the stream within its 24 hours, or reconcile the people again.
    this.deadLetterQueue = new sqs.Queue(this, 'Failures', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    fn.addEventSource(
      new DynamoEventSource(table, {
        // From the oldest record still in the stream, so nothing written before the mapping existed is skipped.
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: declaration.tableStream.batchSize,
        retryAttempts: declaration.tableStream.maxRetryAttempts,
        // The handler names the first record it could not process, so a retry resumes there; a batch that fails
        // as a whole is halved until the failing record is isolated.
        reportBatchItemFailures: true,
        bisectBatchOnError: true,
        // The stream keeps records for 24 hours; stop retrying before they vanish, and say so in the queue.
        maxRecordAge: Duration.days(1),
        // One batch per shard at a time: each instance's token bucket (COGNITO_CREATE_RATE) keeps AdminCreateUser
        // under Cognito's quota only while batches of a shard do not run side by side. It also keeps a person's
        // changes in order.
        parallelizationFactor: 1,
        onFailure: new SqsDlq(this.deadLetterQueue),
        filters: [...filtersFor(declaration.tableStream.interest)],
      }),
    );
  }
}
