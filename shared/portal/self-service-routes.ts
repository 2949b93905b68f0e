import { operationResolver, type OperationRoute } from '../http/routes';

export type SelfServiceOperation = 'updateProfile' | 'decideQuote' | 'overview';

/**
 * The portal's self-service API (functions/portal-self-service.ts): editing one's contact details, deciding a quote,
 * and the home page's overview (tickets are ../tickets/portal-ticket-routes.ts). Every route needs a token of the
 * portal pool.
 */
export const selfServiceRoutes = [
  { method: 'PATCH', path: '/portal/me', operation: 'updateProfile' },
  { method: 'POST', path: '/portal/quotes/{id}/decision', operation: 'decideQuote' },
  { method: 'GET', path: '/portal/overview', operation: 'overview' },
] as const satisfies readonly OperationRoute<SelfServiceOperation>[];

/** The self-service routes of some operations: each contracts file declares those of its own. */
export type SelfServiceRoute<Operation extends SelfServiceOperation = SelfServiceOperation> = Extract<
  (typeof selfServiceRoutes)[number],
  { operation: Operation }
>;

export const resolveSelfServiceRoute = operationResolver<SelfServiceOperation>(selfServiceRoutes);
