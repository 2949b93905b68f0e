import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Forbidden, NotFound } from '../shared/http/errors';
import { clientAddressOf } from '../shared/http/client-address';
import { httpHandler, json, type HttpEvent } from '../shared/http/http-handler';
import { secretsManagerOriginSecrets } from '../shared/http/origin-secrets';
import { createOriginVerifier } from '../shared/http/origin-verify';
import { parseJsonBody } from '../shared/http/request';
import { idPrefixes } from '../shared/modules/registry';
import { validate } from '../shared/modules/validate';
import { resolvePortalRoute } from '../shared/portal/portal-routes';
import { createPortalService } from '../shared/portal/portal-service';
import { refusalMessage } from '../shared/portal/portal-session';
import { readPortalConfig } from '../shared/portal/portal-config';
import { pageSizeOf } from '../shared/records/list-query';
import { pinChangeRequest, portalPageQuery, signingRequest } from '../shared/portal/portal-requests';

const config = readPortalConfig();
const portal = createPortalService({
  dynamo: new DynamoDBClient({}),
  tableName: config.TABLE_NAME,
  timeZone: config.TIME_ZONE,
});
// Read on the first signature through the web app, then cached: nothing of it runs at cold start.
const originVerifier = createOriginVerifier({ load: secretsManagerOriginSecrets(config.ORIGIN_VERIFY_SECRET_ID) });

const personId = new RegExp(
  `^(${[idPrefixes.contacts, idPrefixes.leads, idPrefixes['partner-contacts']].join('|')})_[0-9a-f-]{36}$`,
);

/** The person a portal access token belongs to: its Cognito username is the person's id. */
function viewerOf(event: HttpEvent): string {
  const username = event.requestContext.authorizer?.jwt?.claims.username;
  if (typeof username !== 'string' || !personId.test(username)) throw new Forbidden(refusalMessage);
  return username;
}

/** The portal API for partners and customers. */
export const handler = httpHandler(async (event) => {
  const operation = resolvePortalRoute(event.routeKey);
  if (!operation) throw new NotFound(`No route ${event.routeKey}.`);
  const viewer = viewerOf(event);
  const { module = '', id = '' } = event.pathParameters ?? {};
  switch (operation) {
    case 'me':
      return json(200, await portal.me(viewer), { 'cache-control': 'no-store' });
    case 'list': {
      const query = validate(portalPageQuery, event.queryStringParameters ?? {}, 'query');
      return json(200, await portal.list(viewer, module, { limit: pageSizeOf(query.limit), cursor: query.cursor }), {
        'cache-control': 'no-store',
      });
    }
    case 'get':
      return json(200, await portal.get(viewer, module, id), { 'cache-control': 'no-store' });
    case 'setPin':
      await portal.setPin(viewer, validate(pinChangeRequest, parseJsonBody(event), 'PIN change'));
      return { statusCode: 204 };
    case 'signSalesOrder': {
      const { pin: given } = validate(signingRequest, parseJsonBody(event), 'signature');
      const signature = await portal.signSalesOrder(viewer, id, given, {
        sourceIp: await clientAddressOf(event, originVerifier),
        userAgent: event.requestContext.http.userAgent ?? '',
      });
      return json(201, signature);
    }
  }
});
