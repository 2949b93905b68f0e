import { DynamoDBClient, GetItemCommand, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { Context } from 'aws-lambda';
import { checkHealth } from '../../shared/health/check-health';

const dynamoMock = mockClient(DynamoDBClient);
beforeEach(() => dynamoMock.reset());

const deps = () => ({ dynamo: new DynamoDBClient({ region: 'eu-west-1' }), tableName: 'portico', timeoutMs: 100 });

describe('checkHealth', () => {
  it('is ok when the probe read succeeds, and reads only the probe key', async () => {
    dynamoMock.on(GetItemCommand).resolves({});
    const report = await checkHealth(deps());
    expect(report).toMatchObject({ status: 'ok', checks: { table: { status: 'ok' } } });
    expect(dynamoMock.commandCalls(GetItemCommand)[0]!.args[0].input).toEqual({
      TableName: 'portico',
      Key: { pk: { S: 'HEALTH' }, sk: { S: 'PROBE' } },
    });
  });

  it('fails with a safe reason when the table is missing', async () => {
    dynamoMock.on(GetItemCommand).rejects(new ResourceNotFoundException({ message: 'arn:secret', $metadata: {} }));
    const report = await checkHealth(deps());
    expect(report.checks.table).toMatchObject({ status: 'fail', reason: 'table not found' });
    expect(JSON.stringify(report)).not.toContain('arn:secret');
  });

  it('fails when DynamoDB does not answer in time', async () => {
    dynamoMock.on(GetItemCommand).callsFake(
      (_input, getClient) =>
        new Promise((_, reject) => {
          // The mock ignores the abort signal, so reject as the SDK does when the signal fires.
          void getClient;
          setTimeout(() => reject(Object.assign(new Error('aborted'), { name: 'AbortError' })), 150);
        }),
    );
    const report = await checkHealth(deps());
    expect(report.checks.table).toMatchObject({ status: 'fail', reason: 'no answer within 100 ms' });
  });

  it('fails on any other error without repeating it', async () => {
    dynamoMock.on(GetItemCommand).rejects(new Error('connect ECONNREFUSED 10.1.2.3:8000'));
    const report = await checkHealth(deps());
    expect(report.checks.table).toEqual(expect.objectContaining({ status: 'fail', reason: 'unreachable' }));
  });
});

describe('the health handler', () => {
  const context = { awsRequestId: 'req-1', functionName: 'health' } as Context;
  const event = { requestContext: { requestId: 'corr-1' } };

  beforeAll(() => {
    process.env.TABLE_NAME = 'portico';
    process.env.AWS_REGION = 'eu-west-1';
  });

  it('answers 503 with the failing check when the table is unreachable', async () => {
    dynamoMock.on(GetItemCommand).rejects(new Error('socket hang up'));
    const { handler } = await import('../../functions/health');
    const response = await handler(event as never, context);
    expect(response.statusCode).toBe(503);
    expect(JSON.parse(response.body!)).toMatchObject({ status: 'fail', checks: { table: { status: 'fail' } } });
    expect(response.headers).toMatchObject({ 'x-correlation-id': 'corr-1' });
  });

  it('answers 200 when it is reachable', async () => {
    dynamoMock.on(GetItemCommand).resolves({});
    const { handler } = await import('../../functions/health');
    expect((await handler(event as never, context)).statusCode).toBe(200);
  });
});
