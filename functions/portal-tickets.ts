import { DynamoDBClient } from '../shared/aws/client-dynamodb';
import { NotFound } from '../shared/http/errors';
import { httpHandler, json } from '../shared/http/http-handler';
import { parseJsonBody } from '../shared/http/request';
import { validate } from '../shared/modules/validate';
import { createPortalGate, createRecordVisibility } from '../shared/portal/portal-gate';
import { portalViewerOf } from '../shared/portal/portal-viewer';
import { pageQuery, pageSizeOf } from '../shared/records/list-query';
import { resolvePortalTicketRoute } from '../shared/tickets/portal-ticket-routes';
import { createPortalTickets } from '../shared/tickets/portal-tickets';
import { readPortalTicketsConfig } from '../shared/tickets/portal-tickets-config';
import { createPortalConversation } from '../shared/tickets/ticket-conversation';

const config = readPortalTicketsConfig();
const dynamo = new DynamoDBClient({});
const tableName = config.TABLE_NAME;
// The access re-check and the single-record check: tickets need no other portal read.
const portal = {
  ...createPortalGate({ dynamo, tableName, timeZone: config.TIME_ZONE }),
  ...createRecordVisibility({ dynamo, tableName }),
};
const tickets = createPortalTickets({
  dynamo,
  tableName,
  portal,
  timeZone: config.TIME_ZONE,
  ticketsPerDay: config.PORTAL_TICKETS_PER_DAY,
});
const conversation = createPortalConversation({ dynamo, tableName, portal });

const noStore = { 'cache-control': 'no-store' };

/** The portal's tickets: raising one, and its conversation with staff. */
export const handler = httpHandler(async (event) => {
  const operation = resolvePortalTicketRoute(event.routeKey);
  if (!operation) throw new NotFound(`No route ${event.routeKey}.`);
  const viewer = portalViewerOf(event);
  const id = event.pathParameters?.id ?? '';
  switch (operation) {
    case 'raiseTicket': {
      const ticket = await tickets.raise(viewer, parseJsonBody(event));
      return json(201, ticket, { location: `/portal/tickets/${String(ticket.id)}` });
    }
    case 'listComments': {
      const query = validate(pageQuery(), event.queryStringParameters ?? {}, 'query');
      const comments = await conversation.list(viewer, id, { limit: pageSizeOf(query.limit), cursor: query.cursor });
      return json(200, comments, noStore);
    }
    case 'addComment':
      return json(201, await conversation.add(viewer, id, parseJsonBody(event)));
  }
});
