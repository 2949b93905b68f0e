import type { HttpMethod } from '../http/routes';

export type PortalTicketOperation = 'raiseTicket' | 'listComments' | 'addComment';

/**
 * The portal's tickets (functions/portal-tickets.ts): raising one and following its conversation. Every route needs a
 * token of the portal pool. Apart from the rest of self-service (./../portal/self-service-routes.ts), so neither
 * function bundles the other's code.
 */
export const portalTicketRoutes = [
  { method: 'POST', path: '/portal/tickets', operation: 'raiseTicket' },
  { method: 'GET', path: '/portal/tickets/{id}/comments', operation: 'listComments' },
  { method: 'POST', path: '/portal/tickets/{id}/comments', operation: 'addComment' },
] as const satisfies readonly { method: HttpMethod; path: string; operation: PortalTicketOperation }[];

/** The ticket routes of some operations, as the contracts file declares them. */
export type PortalTicketRoute<Operation extends PortalTicketOperation = PortalTicketOperation> = Extract<
  (typeof portalTicketRoutes)[number],
  { operation: Operation }
>;

const byRouteKey = new Map<string, PortalTicketOperation>(
  portalTicketRoutes.map((route) => [`${route.method} ${route.path}`, route.operation]),
);

export function resolvePortalTicketRoute(routeKey: string): PortalTicketOperation | undefined {
  return byRouteKey.get(routeKey);
}
