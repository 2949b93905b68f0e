import { DynamoDBClient } from '../shared/aws/client-dynamodb';
import { NotFound } from '../shared/http/errors';
import { clientAddressOf } from '../shared/http/client-address';
import { httpHandler, json } from '../shared/http/http-handler';
import { secretsManagerOriginSecrets } from '../shared/http/origin-secrets';
import { createOriginVerifier } from '../shared/http/origin-verify';
import { parseJsonBody } from '../shared/http/request';
import { validate } from '../shared/modules/validate';
import { createPortalOverview } from '../shared/portal/portal-overview';
import { createPortalProfile } from '../shared/portal/portal-profile';
import { signingRequest } from '../shared/portal/portal-requests';
import { resolvePortalClientAddressRoute } from '../shared/portal/portal-routes';
import { createPortalPin } from '../shared/portal/portal-pin';
import { createPortalService } from '../shared/portal/portal-service';
import { portalViewerOf } from '../shared/portal/portal-viewer';
import { createQuoteDecisions } from '../shared/portal/quote-decision';
import { readSelfServiceConfig } from '../shared/portal/self-service-config';
import { resolveSelfServiceRoute } from '../shared/portal/self-service-routes';

const config = readSelfServiceConfig();
const dynamo = new DynamoDBClient({});
const tableName = config.TABLE_NAME;
const portal = createPortalService({ dynamo, tableName, timeZone: config.TIME_ZONE });
const pin = createPortalPin({ dynamo, tableName, gate: portal });
const profile = createPortalProfile({ dynamo, tableName, portal });
const quotes = createQuoteDecisions({ dynamo, tableName, portal });
const overview = createPortalOverview({ dynamo, tableName, portal });
// Read on the first quote decision or signature through the web app, then cached: nothing of it runs at cold start.
const originVerifier = createOriginVerifier({ load: secretsManagerOriginSecrets(config.ORIGIN_VERIFY_SECRET_ID) });

const noStore = { 'cache-control': 'no-store' };

/**
 * The portal's self-service API: profile edits, quote decisions, the overview, and signing a sales order (a portal
 * route that records the client address, as a quote decision does). Tickets are functions/portal-tickets.ts.
 */
export const handler = httpHandler(async (event) => {
  const operation = resolveSelfServiceRoute(event.routeKey) ?? resolvePortalClientAddressRoute(event.routeKey);
  if (!operation) throw new NotFound(`No route ${event.routeKey}.`);
  const viewer = portalViewerOf(event);
  const id = event.pathParameters?.id ?? '';
  switch (operation) {
    case 'updateProfile':
      return json(200, await profile.update(viewer, parseJsonBody(event)), noStore);
    case 'decideQuote': {
      const body = parseJsonBody(event);
      const decision = await quotes.decide(viewer, id, body, {
        sourceIp: await clientAddressOf(event, originVerifier),
        userAgent: event.requestContext.http.userAgent ?? '',
      });
      return json(201, decision);
    }
    case 'signSalesOrder': {
      const { pin: given } = validate(signingRequest(), parseJsonBody(event), 'signature');
      const signature = await pin.signSalesOrder(viewer, id, given, {
        sourceIp: await clientAddressOf(event, originVerifier),
        userAgent: event.requestContext.http.userAgent ?? '',
      });
      return json(201, signature);
    }
    case 'overview':
      return json(200, await overview.overview(viewer), noStore);
  }
});
