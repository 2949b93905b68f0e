/// <reference lib="dom" />
import { authorizedFetch, type ApiSession } from '../../browser/api-fetch';
import { buildInfo } from './build-info';

/**
 * The staff API, same origin as the console (CloudFront, or the local stand-in, forwards `/api/*` to the API with
 * the prefix removed), with the signed-in user's access token. A 401 renews the tokens once and tries again.
 */

export { ApiError, type ApiFailure, type ApiSession, type Problem } from '../../browser/api-fetch';

/** A record as the API returns it: `id` and `version` always, then its fields. */
export type CrmRecord = Record<string, unknown> & { readonly id: string; readonly version: number };

export interface RecordPage {
  readonly items: readonly CrmRecord[];
  readonly nextCursor: string | null;
}

export interface Answer<T> {
  readonly body: T;
  /** The record's ETag, for `If-Match` on the next write (412 when someone else wrote first). */
  readonly etag: string | null;
  readonly status: number;
}

export interface RequestOptions {
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

function urlOf(path: string, query: RequestOptions['query'] = {}): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query))
    if (value !== undefined && value !== '') search.set(name, String(value));
  const text = search.toString();
  return `${buildInfo.apiPrefix}${path}${text ? `?${text}` : ''}`;
}

export function createStaffApi(session: ApiSession) {
  async function send<T>(method: string, path: string, options: RequestOptions): Promise<Answer<T>> {
    const response = await authorizedFetch(session, urlOf(path, options.query), {
      method,
      headers: { ...(options.body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const body = (response.status === 204 ? undefined : await response.json()) as T;
    return { body, etag: response.headers.get('etag'), status: response.status };
  }

  return {
    /** Any staff route: `request('PATCH', '/contacts/con_…', { body, headers: { 'if-match': etag } })`. */
    request: <T>(method: string, path: string, options: RequestOptions = {}) => send<T>(method, path, options),
    /** One page of a module's list: newest first, or filtered, or searched (`q`: name and email, by prefix). */
    list: async (module: string, query: RequestOptions['query'] = {}) =>
      (await send<RecordPage>('GET', `/${encodeURIComponent(module)}`, { query })).body,
  };
}

export type StaffApi = ReturnType<typeof createStaffApi>;
