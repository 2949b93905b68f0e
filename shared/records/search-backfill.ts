import { QueryCommand } from '../aws/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '../aws/util-dynamodb';
import { eachConcurrently } from '../access/each-concurrently';
import { recordKey } from '../data/keys';
import { indexes } from '../data/table-design';
import { StaleRead, WritePlan } from '../data/write-plan';
import type { ModuleDeclaration } from '../modules/registry';
import { searchTermsOf } from './search-terms';
import { readRecord } from '../data/read-records';

/**
 * Writes the search term items of records stored before search existed (`npm run ops:backfill`). Walks each
 * module's list index (never a Scan) and, per record, puts its terms in one transaction with a check that the
 * record is still the version read: a record renamed meanwhile is read again, so a stale term is never written.
 * Idempotent: running it twice changes nothing.
 */

export interface BackfillReport {
  readonly records: number;
  readonly terms: number;
}

const maxAttempts = 4;

export async function backfillSearchTerms(
  deps: { readonly dynamo: DynamoDBClient; readonly tableName: string },
  modules: readonly ModuleDeclaration[],
  options: { readonly concurrency?: number; readonly onModule?: (module: string, report: BackfillReport) => void } = {},
): Promise<BackfillReport> {
  const { dynamo, tableName } = deps;
  let total = { records: 0, terms: 0 };

  const read = (id: string) => readRecord({ dynamo, tableName }, id);

  async function backfillRecord(module: ModuleDeclaration, listed: Record<string, unknown>): Promise<number> {
    let record: Record<string, unknown> | undefined = listed;
    for (let attempt = 1; record; attempt++) {
      const terms = searchTermsOf(module, record);
      if (!terms.length) return 0;
      const id = record.id as string;
      const plan = new WritePlan(tableName).add(
        {
          ConditionCheck: {
            TableName: tableName,
            Key: marshall(recordKey(id)),
            ConditionExpression: 'version = :version',
            ExpressionAttributeValues: marshall({ ':version': record.version }),
          },
        },
        () => new StaleRead(),
      );
      for (const term of terms) plan.putSearchTerm(module.name, term, id);
      try {
        await plan.commit(dynamo);
        return terms.length;
      } catch (error) {
        if (!(error instanceof StaleRead) || attempt >= maxAttempts) throw error;
        // The index is eventually consistent and the record may have changed since: read it as it is now.
        record = await read(id);
      }
    }
    return 0;
  }

  for (const module of modules) {
    const report = { records: 0, terms: 0 };
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await dynamo.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: indexes.byType.indexName,
          KeyConditionExpression: '#pk = :module',
          ExpressionAttributeNames: { '#pk': indexes.byType.partitionKey },
          ExpressionAttributeValues: marshall({ ':module': module.name }),
          ExclusiveStartKey: startKey as never,
          Limit: 100,
        }),
      );
      const records = (page.Items ?? []).map((item) => unmarshall(item));
      await eachConcurrently(records, options.concurrency ?? 4, async (record) => {
        report.terms += await backfillRecord(module, record);
        report.records++;
      });
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    options.onModule?.(module.name, report);
    total = { records: total.records + report.records, terms: total.terms + report.terms };
  }
  return total;
}
