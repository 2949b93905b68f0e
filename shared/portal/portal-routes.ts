import type { RouteKeyOf } from '../http/route-contract';
import { operationResolver, type HttpMethod } from '../http/routes';

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

/**
 * The portal routes that record an origin-verified client address, and so need the Secrets Manager client for the
 * origin secret: served by functions/portal-self-service.ts beside the quote decision (which records one too), so
 * portal-api's reads never bundle or load that client.
 */
const clientAddressOperations = ['signSalesOrder'] as const satisfies readonly PortalOperation[];
type ClientAddressOperation = (typeof clientAddressOperations)[number];
const recordsClientAddress = (operation: PortalOperation): operation is ClientAddressOperation =>
  (clientAddressOperations as readonly PortalOperation[]).includes(operation);

/** What functions/portal-api.ts serves. */
export const portalApiRoutes = portalRoutes.filter((route) => !recordsClientAddress(route.operation));
/** What functions/portal-self-service.ts serves beside its own routes. */
export const portalClientAddressRoutes = portalRoutes.filter((route) => recordsClientAddress(route.operation));

/** Their contracts: shared/portal/portal-contracts.ts. */
export type PortalRouteKey = RouteKeyOf<(typeof portalRoutes)[number]>;

export const resolvePortalRoute = operationResolver<PortalOperation>(portalRoutes);

/** A route of functions/portal-api.ts: none that records a client address. */
export function resolvePortalApiRoute(routeKey: string): Exclude<PortalOperation, ClientAddressOperation> | undefined {
  const operation = resolvePortalRoute(routeKey);
  return operation && !recordsClientAddress(operation) ? operation : undefined;
}

/** A portal route that records a client address (served by functions/portal-self-service.ts). */
export function resolvePortalClientAddressRoute(routeKey: string): ClientAddressOperation | undefined {
  const operation = resolvePortalRoute(routeKey);
  return operation && recordsClientAddress(operation) ? operation : undefined;
}
