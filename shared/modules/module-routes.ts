import type { HttpMethod } from '../http/routes';
import { modules, type ModuleDeclaration } from './registry';

export type RecordOperation = 'create' | 'list' | 'get' | 'update' | 'delete';

export interface ModuleRoute {
  readonly method: HttpMethod;
  readonly path: string;
  readonly routeKey: string;
  readonly module: ModuleDeclaration;
  readonly operation: RecordOperation;
}

const operations: readonly { method: HttpMethod; item: boolean; operation: RecordOperation }[] = [
  { method: 'POST', item: false, operation: 'create' },
  { method: 'GET', item: false, operation: 'list' },
  { method: 'GET', item: true, operation: 'get' },
  { method: 'PATCH', item: true, operation: 'update' },
  { method: 'DELETE', item: true, operation: 'delete' },
];

/** The staff CRUD routes of every module, derived from the module registry. */
export function moduleRoutes(declarations: readonly ModuleDeclaration[] = modules): ModuleRoute[] {
  return declarations.flatMap((module) =>
    operations.map(({ method, item, operation }) => {
      const path = item ? `/${module.name}/{id}` : `/${module.name}`;
      return { method, path, routeKey: `${method} ${path}`, module, operation };
    }),
  );
}

const byRouteKey = new Map(moduleRoutes().map((route) => [route.routeKey, route]));

export function resolveModuleRoute(routeKey: string): ModuleRoute | undefined {
  return byRouteKey.get(routeKey);
}
