import { DynamoDBClient } from '../shared/aws/client-dynamodb';
import * as v from 'valibot';
import { readConfig } from '../shared/config/read-config';
import { checkHealth } from '../shared/health/check-health';
import { httpHandler, json } from '../shared/http/http-handler';

const config = readConfig(v.object({ TABLE_NAME: v.pipe(v.string(), v.minLength(1)) }));
// One attempt: a health check reports the state now; retries would only hide it and delay the answer.
const dynamo = new DynamoDBClient({ maxAttempts: 1 });

export const handler = httpHandler(async () => {
  const report = await checkHealth({ dynamo, tableName: config.TABLE_NAME, timeoutMs: 2000 });
  return json(report.status === 'ok' ? 200 : 503, report, { 'cache-control': 'no-store' });
});
