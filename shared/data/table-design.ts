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

export const tableDesign = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Epoch seconds; DynamoDB deletes the item some time after it passes (rate-limit markers, idempotency records). */
  ttlAttribute: 'expiresAt',
  globalSecondaryIndexes: [
    { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk', purpose: 'items of one type, newest first' },
    { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk', purpose: 'items linked to a parent record' },
    { indexName: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk', purpose: 'sparse lookups (email, portal)' },
  ] satisfies readonly IndexDesign[],
} as const;

/** Key of the item the health check reads: it never exists, so reading it proves reachability and nothing else. */
export const healthProbeKey = { [tableDesign.partitionKey]: 'HEALTH', [tableDesign.sortKey]: 'PROBE' } as const;
