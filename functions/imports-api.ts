import { DynamoDBClient } from '../shared/aws/client-dynamodb';
import * as v from 'valibot';
import { readConfig } from '../shared/config/read-config';
import { createS3Client } from '../shared/files/file-store';
import { NotFound } from '../shared/http/errors';
import { httpHandler, json } from '../shared/http/http-handler';
import { parseJsonBody } from '../shared/http/request';
import { staffActor } from '../shared/http/staff-actor';
import { createImportObjects } from '../shared/imports/import-objects';
import { resolveImportRoute } from '../shared/imports/import-routes';
import { createImportService, importRequest } from '../shared/imports/import-service';
import { validate } from '../shared/modules/validate';

const config = readConfig(
  v.object({ TABLE_NAME: v.pipe(v.string(), v.minLength(1)), FILES_BUCKET_NAME: v.pipe(v.string(), v.minLength(1)) }),
);
const imports = createImportService({
  dynamo: new DynamoDBClient({}),
  tableName: config.TABLE_NAME,
  objects: createImportObjects({ s3: createS3Client(), bucket: config.FILES_BUCKET_NAME }),
});
const noStore = { 'cache-control': 'no-store' };

/** Staff's CSV imports (shared/imports/import-service.ts): start one, dry run, commit, progress and report. */
export const handler = httpHandler(async (event) => {
  const route = resolveImportRoute(event.routeKey);
  if (!route) throw new NotFound(`No route ${event.routeKey}.`);
  const actor = `staff:${staffActor(event)}`;
  const id = event.pathParameters?.id ?? '';
  switch (route.operation) {
    case 'create':
      return json(201, await imports.create(validate(importRequest, parseJsonBody(event), 'import'), actor), noStore);
    case 'get':
      return json(200, await imports.get(id), noStore);
    case 'dryRun':
      return json(202, await imports.startDryRun(id), noStore);
    case 'commit':
      return json(202, await imports.commit(id), noStore);
  }
});
