import type { RouteContract } from '../http/route-contract';
import type { RouteBinding } from '../http/routes';
import { portalContracts } from '../portal/portal-contracts';

/**
 * Every area's route contracts, by route key: the OpenAPI document reads them from here. An area with new routes
 * adds its map (typed `RouteContracts<…>` over its routes) in one line below.
 */
const declared: Readonly<Record<string, RouteContract>> = {
  ...portalContracts,
};

/** The contract declared for a route, if any. */
export function declaredContract(route: Pick<RouteBinding, 'routeKey'>): RouteContract | undefined {
  return declared[route.routeKey];
}
