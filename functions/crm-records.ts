import { DynamoDBClient } from '../shared/aws/client-dynamodb';
import { readDealConfig } from '../shared/deals/deal-config';
import { dealCompanionWrites } from '../shared/deals/deal-writes';
import { changesProspect, recheckProspectConflicts } from '../shared/deals/prospect-conflicts';
import { NotFound } from '../shared/http/errors';
import { httpHandler, json } from '../shared/http/http-handler';
import { staffActor } from '../shared/http/staff-actor';
import { header, parseJsonBody } from '../shared/http/request';
import { resolveModuleRoute } from '../shared/modules/module-routes';
import type { ModuleDeclaration } from '../shared/modules/registry';
import { etagOf, versionsFromIfMatch } from '../shared/records/etag';
import { parseListQuery } from '../shared/records/list-query';
import type { PublicRecord } from '../shared/records/public-record';
import { createWithInline } from '../shared/records/record-create-inline';
import { createRecordService } from '../shared/records/record-service';

const config = readDealConfig();
const dynamo = new DynamoDBClient({});
const records = createRecordService({
  dynamo,
  tableName: config.TABLE_NAME,
  // A partner organization with its new primary contact, in one request.
  createWithInline,
  // A deal registration's review and the prospect keys of registrations and leads (shared/deals/deal-writes.ts).
  companionWrites: dealCompanionWrites({
    dynamo,
    timeZone: config.TIME_ZONE,
    protectionDays: config.DEAL_PROTECTION_DAYS,
  }),
});

/** A registration staff created, or whose prospect they changed, is checked for conflicts as a partner's is. */
const afterStaffWrite = (module: ModuleDeclaration, record: PublicRecord, patch?: Record<string, unknown>) =>
  module.name === 'deal-registrations' && (!patch || changesProspect(patch))
    ? recheckProspectConflicts({ dynamo, tableName: config.TABLE_NAME }, record, new Date().toISOString())
    : Promise.resolve(record);

/** Staff CRUD for every module of the registry: one route per module and operation, one handler. */
export const handler = httpHandler(async (event) => {
  const route = resolveModuleRoute(event.routeKey);
  if (!route) throw new NotFound(`No route ${event.routeKey}.`);
  const { module, operation } = route;
  const actor = staffActor(event);
  const id = event.pathParameters?.id ?? '';

  switch (operation) {
    case 'create': {
      const record = await afterStaffWrite(module, await records.create(module, parseJsonBody(event), actor));
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
      const patch = parseJsonBody(event);
      const record = await afterStaffWrite(module, await records.update(module, id, patch, actor, expected), patch);
      return json(200, record, { etag: etagOf(record.version) });
    }
    case 'delete':
      await records.remove(module, id, versionsFromIfMatch(header(event, 'if-match')));
      return { statusCode: 204 };
  }
});
