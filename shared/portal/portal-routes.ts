import type { RouteKeyOf } from '../http/route-contract';
import type { HttpMethod } from '../http/routes';

export type PortalOperation = 'me' | 'list' | 'get' | 'setPin' | 'signSalesOrder';

export interface PortalRoute {
  readonly method: HttpMethod;
  readonly path: string;
  readonly operation: PortalOperation;
}

/** The portal API: every route needs a token of the portal pool. */
export const portalRoutes = [
  { method: 'GET', path: '/portal/me', operation: 'me' },
  { method: 'GET', path: '/portal/{module}', operation: 'list' },
  { method: 'GET', path: '/portal/{module}/{id}', operation: 'get' },
  { method: 'PUT', path: '/portal/pin', operation: 'setPin' },
  { method: 'POST', path: '/portal/sales-orders/{id}/signature', operation: 'signSalesOrder' },
] as const satisfies readonly PortalRoute[];

/** Their contracts: shared/portal/portal-contracts.ts. */
export type PortalRouteKey = RouteKeyOf<(typeof portalRoutes)[number]>;

const byRouteKey = new Map<string, PortalOperation>(
  portalRoutes.map((route) => [`${route.method} ${route.path}`, route.operation]),
);

export function resolvePortalRoute(routeKey: string): PortalOperation | undefined {
  return byRouteKey.get(routeKey);
}
