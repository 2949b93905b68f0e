import { operationResolver, type OperationRoute } from '../http/routes';

export type PortalTicketOperation = 'raiseTicket' | 'listComments' | 'addComment';

/**
 * The portal's tickets (functions/portal-tickets.ts): raising one and following its conversation. Every route needs a
 * token of the portal pool. Apart from the rest of self-service (../portal/self-service-routes.ts), so neither
 * function bundles the other's code.
 */
export const portalTicketRoutes = [
  { method: 'POST', path: '/portal/tickets', operation: 'raiseTicket' },
  { method: 'GET', path: '/portal/tickets/{id}/comments', operation: 'listComments' },
  { method: 'POST', path: '/portal/tickets/{id}/comments', operation: 'addComment' },
] as const satisfies readonly OperationRoute<PortalTicketOperation>[];

/** The ticket routes of some operations, as the contracts file declares them. */
export type PortalTicketRoute<Operation extends PortalTicketOperation = PortalTicketOperation> = Extract<
  (typeof portalTicketRoutes)[number],
  { operation: Operation }
>;

export const resolvePortalTicketRoute = operationResolver<PortalTicketOperation>(portalTicketRoutes);
