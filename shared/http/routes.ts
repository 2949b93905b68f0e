/**
 * What an HTTP route is, for the route declarations of each area (shared/*\/...-routes.ts), the function registry
 * (shared/declarations/functions.ts), OpenAPI and both runtimes' API gateways.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Which JWT authorizer guards a route; `none` means public. */
export type RouteAuth = 'none' | 'staff' | 'portal';

export interface HttpRoute {
  readonly method: HttpMethod;
  /** API Gateway HTTP API path syntax: `/items/{id}`, `/files/{proxy+}`. */
  readonly path: string;
  readonly auth: RouteAuth;
}

/** A route with the function serving it (`routeTable` in the function registry). */
export interface RouteBinding extends HttpRoute {
  readonly routeKey: string;
  readonly functionName: string;
}

/** A route naming the operation its handler switches on, as each area's `…-routes.ts` declares them. */
export interface OperationRoute<Operation extends string = string> {
  readonly method: HttpMethod;
  readonly path: string;
  readonly operation: Operation;
}

/** `POST /portal/tickets` → the operation of the route it names, for a handler's switch; `undefined` if none. */
export function operationResolver<Operation extends string>(routes: readonly OperationRoute<Operation>[]) {
  const byRouteKey = new Map(routes.map((route) => [`${route.method} ${route.path}`, route.operation]));
  return (routeKey: string): Operation | undefined => byRouteKey.get(routeKey);
}
