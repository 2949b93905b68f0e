import { DynamoDBClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { maxCountPages, provisioningBacklog } from '../../shared/provisioning/provisioning-backlog';
import { quotaRatesFrom } from '../../shared/quotas/quota-rates';

/**
 * The provisioning backlog's count and arithmetic: a COUNT Query of `ACCESS#pending`, page by page and bounded, and the
 * drain time at the slower of the quotas a pending person needs (a Cognito creation and an SES send).
 */

function tableWith(pageCounts: number[]) {
  const dynamo = new DynamoDBClient({ region: 'us-east-1' });
  const mock = mockClient(dynamo);
  const inputs: QueryCommandInput[] = [];
  mock.on(QueryCommand).callsFake((input: QueryCommandInput) => {
    inputs.push(input);
    const page = inputs.length - 1;
    const more = page + 1 < pageCounts.length;
    return { Count: pageCounts[page] ?? 0, ...(more ? { LastEvaluatedKey: { pk: { S: `page${page}` } } } : {}) };
  });
  return { dynamo, inputs };
}

describe('provisioningBacklog', () => {
  it('sums the COUNT of every page of the pending index partition, never reading items', async () => {
    const { dynamo, inputs } = tableWith([1000, 1000, 7]);
    const rates = quotaRatesFrom({ COGNITO_CREATE_RATE: '40', SES_SEND_RATE: '13', COGNITO_UPDATE_RATE: '22' });
    const view = await provisioningBacklog({ dynamo, tableName: 'T', rates });
    expect(view).toEqual({
      pending: 2007,
      exact: true,
      rates: { cognitoCreate: 40, cognitoUpdate: 22, sesSend: 13 },
      bindingQuota: 'sesSend',
      estimatedDrainSeconds: Math.ceil(2007 / 13),
    });
    expect(inputs).toHaveLength(3);
    for (const input of inputs) {
      expect(input).toMatchObject({ IndexName: 'gsi2', Select: 'COUNT' });
      expect(input.ExpressionAttributeValues?.[':pk']).toEqual({ S: 'ACCESS#pending' });
    }
    expect(inputs.map((input) => input.ExclusiveStartKey?.pk?.S)).toEqual([undefined, 'page0', 'page1']);
  });

  it('stops at its page bound and says the count is a lower bound', async () => {
    const { dynamo, inputs } = tableWith(Array.from({ length: maxCountPages + 5 }, () => 10));
    const view = await provisioningBacklog({ dynamo, tableName: 'T', rates: quotaRatesFrom({}) });
    expect(inputs).toHaveLength(maxCountPages);
    expect(view).toMatchObject({ pending: 10 * maxCountPages, exact: false });
  });

  it('binds on Cognito creations when they are slower, and on nothing when both are unlimited', async () => {
    const slowCognito = await provisioningBacklog({
      ...tableWith([30]),
      tableName: 'T',
      rates: quotaRatesFrom({ COGNITO_CREATE_RATE: '4', SES_SEND_RATE: '14' }),
    });
    expect(slowCognito).toMatchObject({ bindingQuota: 'cognitoCreate', estimatedDrainSeconds: 8 });
    const unlimited = await provisioningBacklog({
      ...tableWith([30]),
      tableName: 'T',
      rates: quotaRatesFrom({ COGNITO_CREATE_RATE: 'unlimited', SES_SEND_RATE: 'unlimited' }),
    });
    expect(unlimited).toMatchObject({
      pending: 30,
      bindingQuota: null,
      estimatedDrainSeconds: null,
      rates: { cognitoCreate: null, sesSend: null },
    });
  });
});
