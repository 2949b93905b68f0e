import { DynamoDBClient } from '../shared/aws/client-dynamodb';
import { resolvePartnerDealRoute } from '../shared/deals/partner-deal-routes';
import { createPartnerDeals } from '../shared/deals/partner-deals';
import { createPartnerLeads } from '../shared/deals/partner-leads';
import { NotFound } from '../shared/http/errors';
import { httpHandler, json } from '../shared/http/http-handler';
import { parseJsonBody } from '../shared/http/request';
import { validate } from '../shared/modules/validate';
import { readPortalConfig } from '../shared/portal/portal-config';
import { createPortalGate } from '../shared/portal/portal-gate';
import { portalViewerOf } from '../shared/portal/portal-viewer';
import { pageQuery, pageSizeOf } from '../shared/records/list-query';

const config = readPortalConfig();
const dynamo = new DynamoDBClient({});
const tableName = config.TABLE_NAME;
const portal = createPortalGate({ dynamo, tableName, timeZone: config.TIME_ZONE });
const deals = createPartnerDeals({ dynamo, tableName, portal });
const leads = createPartnerLeads({ dynamo, tableName, portal });

const noStore = { 'cache-control': 'no-store' };

/** The partner's deal registrations and assigned leads (shared/deals). */
export const handler = httpHandler(async (event) => {
  const operation = resolvePartnerDealRoute(event.routeKey);
  if (!operation) throw new NotFound(`No route ${event.routeKey}.`);
  const viewer = portalViewerOf(event);
  const id = event.pathParameters?.id ?? '';
  switch (operation) {
    case 'registerDeal': {
      const registration = await deals.register(viewer, parseJsonBody(event));
      return json(201, registration, { location: `/portal/deal-registrations/${String(registration.id)}` });
    }
    case 'listLeads': {
      const query = validate(pageQuery(), event.queryStringParameters ?? {}, 'query');
      return json(200, await leads.list(viewer, { limit: pageSizeOf(query.limit), cursor: query.cursor }), noStore);
    }
    case 'getLead':
      return json(200, await leads.get(viewer, id), noStore);
    case 'decideLead':
      return json(201, await leads.decide(viewer, id, parseJsonBody(event)));
    case 'setLeadStage':
      return json(200, await leads.setStage(viewer, id, parseJsonBody(event)), noStore);
  }
});
