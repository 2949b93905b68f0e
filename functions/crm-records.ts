import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { readDealConfig } from '../shared/deals/deal-config';
import { dealCompanionWrites } from '../shared/deals/deal-writes';
import { NotFound } from '../shared/http/errors';
import { httpHandler, json } from '../shared/http/http-handler';
import { staffActor } from '../shared/http/staff-actor';
import { header, parseJsonBody } from '../shared/http/request';
import { resolveModuleRoute } from '../shared/modules/module-routes';
import { etagOf, versionsFromIfMatch } from '../shared/records/etag';
import { parseListQuery } from '../shared/records/list-query';
import { createRecordService } from '../shared/records/record-service';

const config = readDealConfig();
const dynamo = new DynamoDBClient({});
const records = createRecordService({
  dynamo,
  tableName: config.TABLE_NAME,
  // A deal registration's review and the prospect keys of registrations and leads (shared/deals/deal-writes.ts).
  companionWrites: dealCompanionWrites({
    dynamo,
    timeZone: config.TIME_ZONE,
    protectionDays: config.DEAL_PROTECTION_DAYS,
  }),
});

/** Staff CRUD for every module of the registry: one route per module and operation, one handler. */
export const handler = httpHandler(async (event) => {
  const route = resolveModuleRoute(event.routeKey);
  if (!route) throw new NotFound(`No route ${event.routeKey}.`);
  const { module, operation } = route;
  const actor = staffActor(event);
  const id = event.pathParameters?.id ?? '';

  switch (operation) {
    case 'create': {
      const record = await records.create(module, parseJsonBody(event), actor);
      return json(201, record, { location: `/${module.name}/${record.id}`, etag: etagOf(record.version) });
    }
    case 'list':
      return json(200, await records.list(module, parseListQuery(module, event.queryStringParameters)));
    case 'get': {
      const record = await records.get(module, id);
      return json(200, record, { etag: etagOf(record.version) });
    }
    case 'update': {
      const expected = versionsFromIfMatch(header(event, 'if-match'));
      const record = await records.update(module, id, parseJsonBody(event), actor, expected);
      return json(200, record, { etag: etagOf(record.version) });
    }
    case 'delete':
      await records.remove(module, id, versionsFromIfMatch(header(event, 'if-match')));
      return { statusCode: 204 };
  }
});
