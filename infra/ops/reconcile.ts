import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { QueryCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { accessListName } from '../../shared/data/keys';
import { eachConcurrently } from '../../shared/access/each-concurrently';
import { provisionerFromEnvironment } from '../../shared/access/provisioner-config';
import { indexes } from '../../shared/data/table-design';
import { localCredentials, localRegion } from '../local/local-aws';
import { stackName, type LocalOutputs } from '../outputs';

/**
 * `npm run reconcile -- --all | --person <id>`: recomputes who should have a portal login and fixes any
 * drift between the table and Cognito (missing or surplus logins, enabled flags, emails). It is also the
 * redrive after an outage. `--all` walks the people who ever had portal access, through an index.
 *
 * Against the local stack it reads `.local/outputs.json`; against AWS pass `--outputs <cdk outputs file>`
 * and set SENDER_EMAIL, PORTAL_SIGN_IN_URL and TIME_ZONE (the `timeZone` context; support windows are dates there)
 * (and AWS credentials) in the environment.
 */
const usage = 'Usage: npm run reconcile -- (--all | --person <id>) [--outputs FILE] [--data-dir DIR]';

async function* peopleWithAccess(dynamo: DynamoDBClient, tableName: string): AsyncGenerator<string> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamo.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: indexes.byType.indexName,
        KeyConditionExpression: '#pk = :list',
        ExpressionAttributeNames: { '#pk': indexes.byType.partitionKey },
        ExpressionAttributeValues: marshall({ ':list': accessListName }),
        ExclusiveStartKey: startKey as never,
      }),
    );
    for (const item of page.Items ?? []) yield unmarshall(item).personId as string;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}

function configure(outputsFile: string, local: boolean) {
  const outputs = (JSON.parse(readFileSync(outputsFile, 'utf8')) as Record<string, LocalOutputs>)[stackName];
  if (!outputs) throw new Error(`${outputsFile} has no ${stackName} outputs`);
  Object.assign(process.env, {
    TABLE_NAME: outputs.TableName,
    PORTAL_USER_POOL_ID: outputs.PortalUserPoolId,
    ...(local
      ? {
          AWS_REGION: localRegion,
          AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
          AWS_ENDPOINT_URL_DYNAMODB: outputs.DynamoDbEndpoint,
          AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: outputs.CognitoEndpoint,
          AWS_ENDPOINT_URL_SESV2: outputs.SesEndpoint,
          SENDER_EMAIL: process.env.SENDER_EMAIL ?? 'portal@portico.local',
          PORTAL_SIGN_IN_URL: process.env.PORTAL_SIGN_IN_URL ?? outputs.PortalWebUrl,
          TIME_ZONE: process.env.TIME_ZONE ?? 'UTC',
        }
      : {}),
  });
}

async function main() {
  const { values } = parseArgs({
    options: {
      all: { type: 'boolean', default: false },
      person: { type: 'string' },
      outputs: { type: 'string' },
      'data-dir': { type: 'string' },
    },
  });
  if (values.all === Boolean(values.person)) throw new Error(usage);
  const local = !values.outputs;
  configure(values.outputs ?? join(values['data-dir'] ?? join(__dirname, '..', '..', '.local'), 'outputs.json'), local);
  const { config, dynamo, provisioner } = provisionerFromEnvironment();

  const ids: string[] = [];
  if (values.person) ids.push(values.person);
  else for await (const id of peopleWithAccess(dynamo, config.TABLE_NAME)) ids.push(id);

  const statuses = new Map<string, number>();
  let changed = 0;
  const failures: string[] = [];
  await eachConcurrently(ids, 8, async (personId) => {
    try {
      const outcome = await provisioner.reconcilePerson(personId, 'reconcile');
      statuses.set(outcome.status, (statuses.get(outcome.status) ?? 0) + 1);
      if (outcome.actions.length) {
        changed++;
        console.log(`${personId}: ${outcome.status} (${outcome.actions.join(', ')})`);
      }
    } catch (error) {
      failures.push(personId);
      console.error(`${personId}: failed: ${(error as Error).message}`);
      await provisioner.recordFailure(personId, error).catch(() => {});
    }
  });
  const summary = [...statuses].map(([status, count]) => `${count} ${status}`).join(', ') || 'nobody';
  console.log(`Reconciled ${ids.length} (${summary}); ${changed} changed, ${failures.length} failed.`);
  if (failures.length) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(2);
});
