import type { HttpMethod } from '../http/routes';

export type PortalOperation = 'me' | 'list' | 'get' | 'setPin' | 'signSalesOrder';

/** The portal API: every route needs a token of the portal pool. */
export const portalRoutes: readonly { method: HttpMethod; path: string; operation: PortalOperation }[] = [
  { method: 'GET', path: '/portal/me', operation: 'me' },
  { method: 'GET', path: '/portal/{module}', operation: 'list' },
  { method: 'GET', path: '/portal/{module}/{id}', operation: 'get' },
  { method: 'PUT', path: '/portal/pin', operation: 'setPin' },
  { method: 'POST', path: '/portal/sales-orders/{id}/signature', operation: 'signSalesOrder' },
];

const byRouteKey = new Map(portalRoutes.map((route) => [`${route.method} ${route.path}`, route.operation]));

export function resolvePortalRoute(routeKey: string): PortalOperation | undefined {
  return byRouteKey.get(routeKey);
}
