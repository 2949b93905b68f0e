/// <reference lib="dom" />
import { buildInfo } from './build-info';

/**
 * The staff API, same origin as the console (CloudFront, or the local stand-in, forwards `/api/*` to the API with
 * the prefix removed), with the signed-in user's access token. A 401 renews the tokens once and tries again.
 */

/** An RFC 9457 problem as the API answers it; `errors[].path` names the field a validation error is about. */
export interface Problem {
  readonly status: number;
  readonly title?: string;
  readonly detail?: string;
  readonly correlationId?: string;
  readonly errors?: readonly { readonly path: string; readonly message: string }[];
  /** From the `Retry-After` header of a 429 or 503. */
  readonly retryAfterSeconds?: number;
  readonly [extension: string]: unknown;
}

export type ApiFailure =
  /** The token is no longer accepted and could not be renewed. */
  | 'expired'
  /** No answer: offline, DNS, a dropped connection. */
  | 'network'
  /** Any other answer the request did not succeed with; `problem` says why. */
  | 'problem';

export class ApiError extends Error {
  constructor(
    readonly failure: ApiFailure,
    readonly problem: Problem,
  ) {
    super(problem.detail ?? problem.title ?? `HTTP ${problem.status}`);
    this.name = 'ApiError';
  }
}

export interface ApiSession {
  accessToken(): string;
  /** Renews the tokens once; false when that is not possible any more. */
  renew(): Promise<boolean>;
}

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

async function problemOf(response: Response): Promise<Problem> {
  const text = await response.text().catch(() => '');
  const retryAfter = Number(response.headers.get('retry-after'));
  const extra = retryAfter > 0 ? { retryAfterSeconds: retryAfter } : {};
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    if (body && typeof body === 'object') return { ...body, ...extra, status: response.status } as Problem;
  } catch {
    // Not JSON (a gateway page): the status says enough.
  }
  return { status: response.status, title: response.statusText, ...extra };
}

function urlOf(path: string, query: RequestOptions['query'] = {}): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query))
    if (value !== undefined && value !== '') search.set(name, String(value));
  const text = search.toString();
  return `${buildInfo.apiPrefix}${path}${text ? `?${text}` : ''}`;
}

export function createStaffApi(session: ApiSession) {
  async function send<T>(method: string, path: string, options: RequestOptions, retried: boolean): Promise<Answer<T>> {
    let response: Response;
    try {
      response = await fetch(urlOf(path, options.query), {
        method,
        headers: {
          authorization: `Bearer ${session.accessToken()}`,
          accept: 'application/json',
          ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...options.headers,
        },
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        cache: 'no-store',
      });
    } catch {
      throw new ApiError('network', { status: 0, title: 'Network error' });
    }
    if (response.status === 401) {
      // The gateway refused the token (expired or revoked): renew once and try again.
      if (!retried && (await session.renew())) return send(method, path, options, true);
      throw new ApiError('expired', await problemOf(response));
    }
    if (!response.ok) throw new ApiError('problem', await problemOf(response));
    const body = (response.status === 204 ? undefined : await response.json()) as T;
    return { body, etag: response.headers.get('etag'), status: response.status };
  }

  return {
    /** Any staff route: `request('PATCH', '/contacts/con_…', { body, headers: { 'if-match': etag } })`. */
    request: <T>(method: string, path: string, options: RequestOptions = {}) => send<T>(method, path, options, false),
    /** One page of a module's list: newest first, or filtered, or searched (`q`: name and email, by prefix). */
    list: async (module: string, query: RequestOptions['query'] = {}) =>
      (await send<RecordPage>('GET', `/${encodeURIComponent(module)}`, { query }, false)).body,
  };
}

export type StaffApi = ReturnType<typeof createStaffApi>;
