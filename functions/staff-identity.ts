import { Unauthorized } from '../shared/http/errors';
import { httpHandler, json } from '../shared/http/http-handler';

/** The staff authorizer has already verified the token; this only reports what it vouched for. */
export const handler = httpHandler(async (event) => {
  const claims = event.requestContext.authorizer?.jwt?.claims;
  if (!claims?.sub) throw new Unauthorized('This route needs a staff access token.');
  return json(200, {
    subject: claims.sub,
    username: claims.username ?? claims['cognito:username'] ?? null,
    clientId: claims.client_id ?? claims.aud ?? null,
    tokenUse: claims.token_use ?? null,
  });
});
