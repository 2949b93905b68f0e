import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { findModule, modules } from '../../shared/modules/registry';
import { backfillSearchTerms } from '../../shared/records/search-backfill';
import { localCredentials, localRegion } from '../local/local-aws';
import { stackName, type LocalOutputs } from '../outputs';

/**
 * `npm run ops:backfill [-- --module contacts]`: writes the search term items (`GET /<module>?q=`) of records stored
 * before search existed, module by module (shared/records/search-backfill.ts). Safe to run while the API serves, and
 * to run again. Against the local stack it reads `.local/outputs.json` (or `--data-dir`); against AWS pass
 * `--outputs <cdk outputs file>` with AWS credentials in the environment.
 */
const usage = 'Usage: npm run ops:backfill -- [--module NAME] [--outputs FILE] [--data-dir DIR]';

async function main() {
  const { values } = parseArgs({
    options: { module: { type: 'string' }, outputs: { type: 'string' }, 'data-dir': { type: 'string' } },
  });
  const selected = values.module ? [findModule(values.module)] : modules;
  if (selected.some((module) => !module)) throw new Error(`${usage}\nNo module ${values.module}.`);
  const outputsFile =
    values.outputs ?? join(values['data-dir'] ?? join(__dirname, '..', '..', '.local'), 'outputs.json');
  const outputs = (JSON.parse(readFileSync(outputsFile, 'utf8')) as Record<string, LocalOutputs>)[stackName];
  if (!outputs) throw new Error(`${outputsFile} has no ${stackName} outputs`);
  const dynamo = values.outputs
    ? new DynamoDBClient({})
    : new DynamoDBClient({ endpoint: outputs.DynamoDbEndpoint, region: localRegion, credentials: localCredentials });
  const total = await backfillSearchTerms({ dynamo, tableName: outputs.TableName }, selected as typeof modules, {
    onModule: (name, report) => console.log(`${name}: ${report.records} records, ${report.terms} terms`),
  });
  console.log(`Backfilled ${total.records} records (${total.terms} search terms).`);
  dynamo.destroy();
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(2);
});
