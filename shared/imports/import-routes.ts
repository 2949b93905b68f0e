import type { HttpMethod } from '../http/routes';

/** What an import route does (functions/imports-api.ts). `{id}` is the import. */
export type ImportOperation = 'create' | 'get' | 'dryRun' | 'commit';

export interface ImportRoute {
  readonly method: HttpMethod;
  readonly path: string;
  readonly operation: ImportOperation;
}

/** Staff's CSV import routes, served by imports-api alone. */
export const importRoutes = [
  { method: 'POST', path: '/imports', operation: 'create' },
  { method: 'GET', path: '/imports/{id}', operation: 'get' },
  { method: 'POST', path: '/imports/{id}/dry-run', operation: 'dryRun' },
  { method: 'POST', path: '/imports/{id}/commit', operation: 'commit' },
] as const satisfies readonly ImportRoute[];

const byRouteKey = new Map<string, ImportRoute>(importRoutes.map((route) => [`${route.method} ${route.path}`, route]));

export function resolveImportRoute(routeKey: string): ImportRoute | undefined {
  return byRouteKey.get(routeKey);
}
