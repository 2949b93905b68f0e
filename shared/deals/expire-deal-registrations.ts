import { QueryCommand } from '../aws/client-dynamodb';
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '../aws/util-dynamodb';
import { todayIn } from '../access/evaluate-access';
import { indexes } from '../data/table-design';
import { findModule } from '../modules/registry';
import { createRecordService } from '../records/record-service';
import { submittedRegistrationDays } from './deal-limits';
import { expiresToday } from './deal-review';
import { dealCompanionWrites } from './deal-writes';

/**
 * The daily run's part for deal registrations (functions/portal-access-daily.ts). Main course: walk the
 * registrations through the module index (gsi1, one Query per page, never a Scan; only open ones come back), and
 * expire each whose protection ended or which waited for review too long, through the record service like a staff
 * edit (conditional on the version read; its prospect keys follow, so an expired registration conflicts with
 * nobody). A registration that fails is reported, and the others still run.
 */

export const dailyActor = 'system:daily';

export function createDealExpiry(deps: {
  readonly dynamo: DynamoDBClient;
  readonly tableName: string;
  readonly timeZone: string;
  readonly protectionDays: number;
  readonly now?: () => Date;
}) {
  const { dynamo, tableName } = deps;
  const now = deps.now ?? (() => new Date());
  const module = findModule('deal-registrations')!;
  const records = createRecordService({
    dynamo,
    tableName,
    now,
    companionWrites: dealCompanionWrites({ dynamo, timeZone: deps.timeZone, protectionDays: deps.protectionDays }),
  });

  async function run(): Promise<{ checked: number; expired: number; failed: string[] }> {
    const today = todayIn(deps.timeZone, now());
    const index = indexes.byType;
    let start: Record<string, AttributeValue> | undefined;
    let checked = 0;
    let expired = 0;
    const failed: string[] = [];
    do {
      const page = await dynamo.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: index.indexName,
          KeyConditionExpression: '#pk = :module',
          FilterExpression: '#status IN (:submitted, :approved)',
          ExpressionAttributeNames: { '#pk': index.partitionKey, '#status': 'status' },
          ExpressionAttributeValues: marshall({
            ':module': module.name,
            ':submitted': 'submitted',
            ':approved': 'approved',
          }),
          ExclusiveStartKey: start,
        }),
      );
      for (const registration of (page.Items ?? []).map((item) => unmarshall(item))) {
        checked++;
        if (!expiresToday(registration, today, submittedRegistrationDays)) continue;
        try {
          await records.update(module, String(registration.id), { status: 'expired' }, dailyActor, [
            registration.version as number,
          ]);
          expired++;
        } catch (error) {
          failed.push(`${String(registration.id)}: ${(error as Error).message}`);
        }
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return { checked, expired, failed };
  }

  return { run };
}
