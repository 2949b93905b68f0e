import { DynamoDBClient } from '../shared/aws/client-dynamodb';
import * as v from 'valibot';
import { readConfig } from '../shared/config/read-config';
import { NotFound } from '../shared/http/errors';
import { httpHandler, json, type HttpEvent } from '../shared/http/http-handler';
import { parseJsonBody } from '../shared/http/request';
import { staffActor } from '../shared/http/staff-actor';
import { validate } from '../shared/modules/validate';
import { pageQuery, pageSizeOf } from '../shared/records/list-query';
import { createStaffConversation } from '../shared/tickets/ticket-conversation';
import { resolveTicketCommentRoute } from '../shared/tickets/ticket-comment-routes';

const config = readConfig(v.object({ TABLE_NAME: v.pipe(v.string(), v.minLength(1)) }));
const conversation = createStaffConversation({ dynamo: new DynamoDBClient({}), tableName: config.TABLE_NAME });

/**
 * The name a staff comment is signed with: the token's, when it carries one that is not just the user's id (a
 * Cognito user signed in by email has their `sub` as username, which means nothing to the customer reading it).
 */
function staffNameOf(event: HttpEvent): string {
  const claims = event.requestContext.authorizer?.jwt?.claims ?? {};
  const name = [claims.name, claims.username, claims['cognito:username']].find(
    (candidate) => typeof candidate === 'string' && candidate !== '' && candidate !== claims.sub,
  );
  return typeof name === 'string' ? name : 'Staff';
}

/** Staff's side of a ticket's conversation: every comment and internal note, and replies. */
export const handler = httpHandler(async (event) => {
  const operation = resolveTicketCommentRoute(event.routeKey);
  if (!operation) throw new NotFound(`No route ${event.routeKey}.`);
  const sub = staffActor(event);
  const id = event.pathParameters?.id ?? '';
  switch (operation) {
    case 'list': {
      const query = validate(pageQuery(), event.queryStringParameters ?? {}, 'query');
      return json(200, await conversation.list(id, { limit: pageSizeOf(query.limit), cursor: query.cursor }));
    }
    case 'add':
      return json(201, await conversation.add(id, { sub, name: staffNameOf(event) }, parseJsonBody(event)));
  }
});
