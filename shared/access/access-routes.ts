import type { HttpMethod } from '../http/routes';
import { modules, type ModuleDeclaration } from '../modules/registry';

export type AccessOperation = 'status' | 'resendInvitation' | 'passwordReset' | 'reconcile';

export interface AccessRoute {
  readonly method: HttpMethod;
  readonly path: string;
  readonly routeKey: string;
  readonly module: ModuleDeclaration;
  readonly operation: AccessOperation;
}

const operations: readonly { method: HttpMethod; suffix: string; operation: AccessOperation }[] = [
  { method: 'GET', suffix: '', operation: 'status' },
  { method: 'POST', suffix: '/invitations', operation: 'resendInvitation' },
  { method: 'POST', suffix: '/password-reset', operation: 'passwordReset' },
  { method: 'POST', suffix: '/reconcile', operation: 'reconcile' },
];

/** Portal-access routes of every people module: `/{module}/{id}/portal-access…`. */
export function accessRoutes(declarations: readonly ModuleDeclaration[] = modules): AccessRoute[] {
  return declarations
    .filter((module) => module.kind === 'person')
    .flatMap((module) =>
      operations.map(({ method, suffix, operation }) => {
        const path = `/${module.name}/{id}/portal-access${suffix}`;
        return { method, path, routeKey: `${method} ${path}`, module, operation };
      }),
    );
}

const byRouteKey = new Map(accessRoutes().map((route) => [route.routeKey, route]));

export function resolveAccessRoute(routeKey: string): AccessRoute | undefined {
  return byRouteKey.get(routeKey);
}

/** Staff's list of everyone with portal access (shared/access/portal-users.ts), served by the same function. */
export const portalUsersRoutes = [{ method: 'GET', path: '/portal-users' }] as const satisfies readonly {
  readonly method: HttpMethod;
  readonly path: string;
}[];
