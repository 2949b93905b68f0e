import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { tableDesign } from '../../shared/data/table-design';

/** The single table, built from `tableDesign` so the cloud, the local bootstrap and the data code agree. */
export class PorticoData extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: tableDesign.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: tableDesign.sortKey, type: dynamodb.AttributeType.STRING },
      // Portal traffic is spiky and mostly idle; on-demand costs nothing at rest and needs no capacity tuning.
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      // The table is the system of record: restorable to any second of the last 35 days, undeletable by a
      // stray API call, and kept if the stack is ever deleted.
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      // Both images, so later stream consumers (audit trail, notifications) can see what changed.
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
      timeToLiveAttribute: tableDesign.ttlAttribute,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
    });
    // Pinned so that reorganising constructs can never change the logical id, which would make
    // CloudFormation create a second, empty table (the retained one would be orphaned, not migrated).
    (this.table.node.defaultChild as dynamodb.CfnTable).overrideLogicalId('Table');

    // CloudFormation creates or deletes at most one GSI per table update: when this list grows on an
    // existing table, deploy one new index at a time.
    for (const index of tableDesign.globalSecondaryIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING },
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
  }
}
