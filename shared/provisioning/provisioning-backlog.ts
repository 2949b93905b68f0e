import { QueryCommand } from '../aws/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '../aws/util-dynamodb';
import { indexes } from '../data/table-design';
import { accessStatusPartition } from '../access/access-state';
import { quotaNames, type QuotaName, type QuotaRates } from '../quotas/quota-rates';
import type { HttpMethod } from '../http/routes';

/**
 * `GET /provisioning/backlog`: how many people wait for a login and invitation (recorded status `pending`), the
 * account-wide rates provisioning is paced at, and how long the backlog takes to drain at the binding one. The count
 * is a `Select: COUNT` Query of gsi2 `ACCESS#pending` (the index the access machine sets in each status write), page
 * by page: no Scan, and no item leaves DynamoDB.
 */

export const provisioningBacklogRoutes = [
  { method: 'GET', path: '/provisioning/backlog' },
] as const satisfies readonly {
  readonly method: HttpMethod;
  readonly path: string;
}[];

/** Pages counted at most (1 MB each, so millions of pending people) before the count says it is a lower bound. */
export const maxCountPages = 50;

/** Provisioning a pending person takes one Cognito creation and one SES send: the slower of the two binds. */
const provisioningQuotas: readonly QuotaName[] = ['cognitoCreate', 'sesSend'];

export interface ProvisioningBacklog {
  readonly pending: number;
  /** False when counting stopped at `maxCountPages`: `pending` is then a lower bound. */
  readonly exact: boolean;
  /** Permits per second of each quota; `null` for an unlimited one. */
  readonly rates: Record<QuotaName, number | null>;
  readonly bindingQuota: QuotaName | null;
  /** `pending` ÷ the binding rate, rounded up; `null` when no quota binds. */
  readonly estimatedDrainSeconds: number | null;
}

export async function provisioningBacklog(deps: {
  readonly dynamo: DynamoDBClient;
  readonly tableName: string;
  readonly rates: QuotaRates;
}): Promise<ProvisioningBacklog> {
  const index = indexes.byLink;
  let pending = 0;
  let startKey: Record<string, unknown> | undefined;
  let pages = 0;
  do {
    const page = await deps.dynamo.send(
      new QueryCommand({
        TableName: deps.tableName,
        IndexName: index.indexName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': index.partitionKey },
        ExpressionAttributeValues: marshall({ ':pk': accessStatusPartition('pending') }),
        Select: 'COUNT',
        ExclusiveStartKey: startKey as never,
      }),
    );
    pending += page.Count ?? 0;
    startKey = page.LastEvaluatedKey;
    pages += 1;
  } while (startKey && pages < maxCountPages);
  const bindingQuota = provisioningQuotas
    .filter((name) => Number.isFinite(deps.rates[name]))
    .reduce<QuotaName | null>(
      (slowest, name) => (slowest === null || deps.rates[name] < deps.rates[slowest] ? name : slowest),
      null,
    );
  return {
    pending,
    exact: startKey === undefined,
    rates: Object.fromEntries(
      quotaNames.map((name) => [name, Number.isFinite(deps.rates[name]) ? deps.rates[name] : null]),
    ) as Record<QuotaName, number | null>,
    bindingQuota,
    estimatedDrainSeconds: bindingQuota === null ? null : Math.ceil(pending / deps.rates[bindingQuota]),
  };
}
