import type { HttpMethod } from '../http/routes';

export type TicketCommentOperation = 'list' | 'add';

/** Staff's side of a ticket's conversation (functions/ticket-comments.ts), beside the tickets module's CRUD. */
export const ticketCommentRoutes = [
  { method: 'GET', path: '/tickets/{id}/comments', operation: 'list' },
  { method: 'POST', path: '/tickets/{id}/comments', operation: 'add' },
] as const satisfies readonly { method: HttpMethod; path: string; operation: TicketCommentOperation }[];

const byRouteKey = new Map<string, TicketCommentOperation>(
  ticketCommentRoutes.map((route) => [`${route.method} ${route.path}`, route.operation]),
);

export function resolveTicketCommentRoute(routeKey: string): TicketCommentOperation | undefined {
  return byRouteKey.get(routeKey);
}
