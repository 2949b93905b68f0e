import { DynamoDBClient } from '../shared/aws/client-dynamodb';
import { Forbidden, NotFound } from '../shared/http/errors';
import { httpHandler, json, type HttpEvent } from '../shared/http/http-handler';
import { parseJsonBody } from '../shared/http/request';
import { idPrefixes } from '../shared/modules/registry';
import { validate } from '../shared/modules/validate';
import { resolvePortalApiRoute } from '../shared/portal/portal-routes';
import { createPortalPin } from '../shared/portal/portal-pin';
import { createPortalService } from '../shared/portal/portal-service';
import { refusalMessage } from '../shared/portal/portal-session';
import { readPortalConfig } from '../shared/portal/portal-config';
import { pageSizeOf } from '../shared/records/list-query';
import { pinChangeRequest, portalPageQuery } from '../shared/portal/portal-requests';

const config = readPortalConfig();
const dynamo = new DynamoDBClient({});
const portal = createPortalService({ dynamo, tableName: config.TABLE_NAME, timeZone: config.TIME_ZONE });
const pin = createPortalPin({ dynamo, tableName: config.TABLE_NAME, gate: portal });

const personId = new RegExp(
  `^(${[idPrefixes.contacts, idPrefixes.leads, idPrefixes['partner-contacts']].join('|')})_[0-9a-f-]{36}$`,
);

/** The person a portal access token belongs to: its Cognito username is the person's id. */
function viewerOf(event: HttpEvent): string {
  const username = event.requestContext.authorizer?.jwt?.claims.username;
  if (typeof username !== 'string' || !personId.test(username)) throw new Forbidden(refusalMessage);
  return username;
}

/**
 * The portal API for partners and customers. Signing a sales order records the client address, so it is served by
 * functions/portal-self-service.ts, where the Secrets Manager client already is.
 */
export const handler = httpHandler(async (event) => {
  const operation = resolvePortalApiRoute(event.routeKey);
  if (!operation) throw new NotFound(`No route ${event.routeKey}.`);
  const viewer = viewerOf(event);
  const { module = '', id = '' } = event.pathParameters ?? {};
  switch (operation) {
    case 'me':
      return json(200, await portal.me(viewer), { 'cache-control': 'no-store' });
    case 'list': {
      const query = validate(portalPageQuery(), event.queryStringParameters ?? {}, 'query');
      return json(200, await portal.list(viewer, module, { limit: pageSizeOf(query.limit), cursor: query.cursor }), {
        'cache-control': 'no-store',
      });
    }
    case 'get':
      return json(200, await portal.get(viewer, module, id), { 'cache-control': 'no-store' });
    case 'setPin':
      await pin.setPin(viewer, validate(pinChangeRequest(), parseJsonBody(event), 'PIN change'));
      return { statusCode: 204 };
  }
});
