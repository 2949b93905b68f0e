/**
 * The single table's physical design, read by the CDK stack, the local bootstrap and the data access code.
 * Keys are generic strings; what each index serves is documented in docs/data-model.md.
 */
export interface IndexDesign {
  readonly indexName: string;
  readonly partitionKey: string;
  readonly sortKey: string;
  readonly purpose: string;
}

/** The indexes by the access pattern they serve (docs/data-model.md). */
export const indexes = {
  byType: {
    indexName: 'gsi1',
    partitionKey: 'gsi1pk',
    sortKey: 'gsi1sk',
    purpose: 'records of one module, newest first',
  },
  byLink: {
    indexName: 'gsi2',
    partitionKey: 'gsi2pk',
    sortKey: 'gsi2sk',
    purpose: 'people and records of an organization',
  },
  byLookup: {
    indexName: 'gsi3',
    partitionKey: 'gsi3pk',
    sortKey: 'gsi3sk',
    purpose: 'people by email; records of a person',
  },
  byPortal: {
    indexName: 'gsi4',
    partitionKey: 'gsi4pk',
    sortKey: 'gsi4sk',
    purpose: 'sparse: records shown on the portal, by who may see them and module',
  },
} as const satisfies Record<string, IndexDesign>;

export const tableDesign = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Epoch seconds; DynamoDB deletes the item some time after it passes (rate-limit markers, idempotency records). */
  ttlAttribute: 'expiresAt',
  globalSecondaryIndexes: Object.values(indexes) as readonly IndexDesign[],
} as const;
