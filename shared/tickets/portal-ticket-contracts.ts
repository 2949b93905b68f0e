import {
  named,
  noStoreHeader,
  problem,
  retryAfterHeader,
  schemaRef,
  success,
  type RouteContracts,
} from '../http/route-contract';
import { refusalMessage } from '../portal/portal-session';
import { pageQueryParameters } from '../records/list-query';
import type { PortalTicketRoute } from './portal-ticket-routes';
import { portalTicketInput } from './portal-tickets';
import { portalCommentInput } from './ticket-comments';
import { commentPage, portalComment } from './ticket-comment-schemas';

/**
 * The contracts of the portal's ticket routes (functions/portal-tickets.ts): raising a ticket
 * and its conversation. Request bodies are the valibot schemas the handler validates with.
 */

const refused = problem(
  `Portal access is not effective now, whatever the reason ("${refusalMessage}"), or the person's portal does not ` +
    'include tickets.',
);
const idParameter = { id: { description: "The ticket's id.", schema: { type: 'string' } } };
const invalid = (what: string) => problem(`${what}; \`errors\` says which member.`, 'ValidationProblem');
const pageInvalid = problem(
  '`limit` is not a whole number from 1 to the maximum, the cursor is not valid, or a query parameter is unknown.',
  'ValidationProblem',
);
const noTicket = problem('No such ticket in the person’s portal (whether it exists elsewhere is not said).');
const busy = problem('Others are writing the same items at this moment; try again.');

export const portalTicketContracts = {
  'POST /portal/tickets': {
    operationId: 'createPortalTicket',
    tag: 'Portal',
    summary:
      'Raises a ticket linked to the person (a partner contact’s also to its organization), within a daily limit',
    requestBody: named('PortalTicketInput', portalTicketInput()),
    responses: {
      201: success(
        'The new ticket, as the portal shows it (staff see it filed with `source: portal`).',
        schemaRef('PortalTicket'),
        {
          location: { description: '`/portal/tickets/{id}`.', schema: { type: 'string', format: 'uri-reference' } },
        },
      ),
      400: invalid('The body is not a ticket'),
      403: refused,
      409: busy,
      429: problem(
        'The person raised as many tickets today as a day allows.',
        'Problem',
        retryAfterHeader('Seconds until the next day (in the deployment’s time zone), when the limit starts over.'),
      ),
    },
  },
  'GET /portal/tickets/{id}/comments': {
    operationId: 'listPortalTicketComments',
    tag: 'Portal',
    summary: 'The conversation of a ticket the person sees, oldest first (no internal notes)',
    pathParameters: idParameter,
    query: pageQueryParameters,
    responses: {
      200: success(
        'One page; it may hold fewer than `limit` comments, as internal notes are left out.',
        named('PortalCommentPage', commentPage(portalComment)),
        noStoreHeader,
      ),
      400: pageInvalid,
      403: refused,
      404: noTicket,
    },
  },
  'POST /portal/tickets/{id}/comments': {
    operationId: 'addPortalTicketComment',
    tag: 'Portal',
    summary: 'Replies on a ticket the person sees; it is then staff’s turn',
    pathParameters: idParameter,
    requestBody: named('PortalCommentInput', portalCommentInput()),
    responses: {
      201: success('The comment.', named('PortalComment', portalComment)),
      400: invalid('The body is not a comment'),
      403: refused,
      404: noTicket,
      409: busy,
    },
  },
} as const satisfies RouteContracts<PortalTicketRoute>;
