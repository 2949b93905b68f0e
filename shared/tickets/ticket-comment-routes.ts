import { operationResolver, type OperationRoute } from '../http/routes';

export type TicketCommentOperation = 'list' | 'add';

/** Staff's side of a ticket's conversation (functions/ticket-comments.ts), beside the tickets module's CRUD. */
export const ticketCommentRoutes = [
  { method: 'GET', path: '/tickets/{id}/comments', operation: 'list' },
  { method: 'POST', path: '/tickets/{id}/comments', operation: 'add' },
] as const satisfies readonly OperationRoute<TicketCommentOperation>[];

export const resolveTicketCommentRoute = operationResolver<TicketCommentOperation>(ticketCommentRoutes);
