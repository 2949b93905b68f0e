import { named, problem, success, type RouteContracts } from '../http/route-contract';
import { pageQueryParameters } from '../records/list-query';
import { staffCommentInput } from './ticket-comments';
import { commentPage, staffComment } from './ticket-comment-schemas';
import type { ticketCommentRoutes } from './ticket-comment-routes';

/**
 * Staff's side of a ticket's conversation (functions/ticket-comments.ts), one contract per route of
 * shared/tickets/ticket-comment-routes.ts, under the tickets module's tag.
 */

const id = { id: { description: "The ticket's id.", schema: { type: 'string' } } };
const noTicket = problem('There is no ticket with this id.');

export const ticketCommentContracts = {
  'GET /tickets/{id}/comments': {
    operationId: 'listTicketComments',
    tag: 'Tickets',
    summary: 'The whole conversation of a ticket, internal notes included, oldest first',
    pathParameters: id,
    query: pageQueryParameters,
    responses: {
      200: success('One page.', named('TicketCommentPage', commentPage(staffComment))),
      400: problem(
        '`limit` is not a whole number from 1 to the maximum, the cursor is not valid, or a query parameter is unknown.',
        'ValidationProblem',
      ),
      404: noTicket,
    },
  },
  'POST /tickets/{id}/comments': {
    operationId: 'addTicketComment',
    tag: 'Tickets',
    summary: 'Replies on a ticket (the person’s turn then), or adds an internal note (`internal: true`)',
    pathParameters: id,
    requestBody: named('TicketCommentInput', staffCommentInput()),
    responses: {
      201: success('The comment.', named('TicketComment', staffComment)),
      400: problem('The body is not a comment; `errors` says which member.', 'ValidationProblem'),
      404: noTicket,
      409: problem('Others are writing the same items at this moment; try again.'),
    },
  },
} as const satisfies RouteContracts<(typeof ticketCommentRoutes)[number]>;
