import type { HttpMethod } from '../http/routes';

export type SelfServiceOperation =
  'raiseTicket' | 'listComments' | 'addComment' | 'updateProfile' | 'decideQuote' | 'overview';

/**
 * The portal's self-service API (functions/portal-self-service.ts): raising tickets and following their
 * conversation, editing one's contact details, deciding a quote, and the home page's overview. Every route needs
 * a token of the portal pool.
 */
export const selfServiceRoutes = [
  { method: 'POST', path: '/portal/tickets', operation: 'raiseTicket' },
  { method: 'GET', path: '/portal/tickets/{id}/comments', operation: 'listComments' },
  { method: 'POST', path: '/portal/tickets/{id}/comments', operation: 'addComment' },
  { method: 'PATCH', path: '/portal/me', operation: 'updateProfile' },
  { method: 'POST', path: '/portal/quotes/{id}/decision', operation: 'decideQuote' },
  { method: 'GET', path: '/portal/overview', operation: 'overview' },
] as const satisfies readonly { method: HttpMethod; path: string; operation: SelfServiceOperation }[];

/** The self-service routes of some operations: each contracts file declares those of its own. */
export type SelfServiceRoute<Operation extends SelfServiceOperation = SelfServiceOperation> = Extract<
  (typeof selfServiceRoutes)[number],
  { operation: Operation }
>;

const byRouteKey = new Map<string, SelfServiceOperation>(
  selfServiceRoutes.map((route) => [`${route.method} ${route.path}`, route.operation]),
);

export function resolveSelfServiceRoute(routeKey: string): SelfServiceOperation | undefined {
  return byRouteKey.get(routeKey);
}
