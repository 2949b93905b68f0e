import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';

/** Probe: what `@aws-sdk/util-dynamodb` (marshall/unmarshall) adds to a bundle. */
export const handler = async (event: Record<string, unknown>) => ({
  statusCode: 200,
  body: JSON.stringify(unmarshall(marshall(event))),
});
