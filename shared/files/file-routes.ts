import type { HttpMethod, RouteAuth } from '../http/routes';
import type { FileModule } from './file-objects';

/** What a file route does: start an upload, list a record's files, or hand out a download URL. */
export type FileOperation = 'upload' | 'list' | 'download' | 'latest';

export interface FileRoute {
  readonly method: HttpMethod;
  readonly path: string;
  readonly auth: Extract<RouteAuth, 'staff' | 'portal'>;
  readonly module: FileModule;
  readonly operation: FileOperation;
}

/**
 * The file routes of both sides, served by the files-api function alone (its S3 client and presigner stay out of
 * the portal and records functions). `{id}` is the record; `{attachmentId}` one of its files.
 */
export const fileRoutes = [
  { method: 'POST', path: '/portal/tickets/{id}/attachments', auth: 'portal', module: 'tickets', operation: 'upload' },
  { method: 'GET', path: '/portal/tickets/{id}/attachments', auth: 'portal', module: 'tickets', operation: 'list' },
  {
    method: 'GET',
    path: '/portal/tickets/{id}/attachments/{attachmentId}/download',
    auth: 'portal',
    module: 'tickets',
    operation: 'download',
  },
  { method: 'GET', path: '/portal/documents/{id}/file', auth: 'portal', module: 'documents', operation: 'latest' },
  { method: 'POST', path: '/tickets/{id}/attachments', auth: 'staff', module: 'tickets', operation: 'upload' },
  { method: 'GET', path: '/tickets/{id}/attachments', auth: 'staff', module: 'tickets', operation: 'list' },
  {
    method: 'GET',
    path: '/tickets/{id}/attachments/{attachmentId}/download',
    auth: 'staff',
    module: 'tickets',
    operation: 'download',
  },
  { method: 'POST', path: '/documents/{id}/file', auth: 'staff', module: 'documents', operation: 'upload' },
  { method: 'GET', path: '/documents/{id}/file', auth: 'staff', module: 'documents', operation: 'latest' },
] as const satisfies readonly FileRoute[];

const byRouteKey = new Map<string, FileRoute>(fileRoutes.map((route) => [`${route.method} ${route.path}`, route]));

export function resolveFileRoute(routeKey: string): FileRoute | undefined {
  return byRouteKey.get(routeKey);
}
