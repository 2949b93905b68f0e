/**
 * What both apps' API clients share (the portal's in web/src/api.ts, the console's in console/src/api.ts): the
 * RFC 9457 problem the API answers with, the error a failed call throws, and a fetch that carries the session's
 * access token and renews it once on a 401.
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
  /** Portal access is not (or no longer) effective: one message whatever the reason. */
  | 'refused'
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
  /** The current access token. */
  accessToken(): string;
  /** Renews the tokens once; false when that is not possible any more. */
  renew(): Promise<boolean>;
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

export interface AuthorizedRequest {
  readonly method: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Which failed answers mean "access refused" rather than a problem with this request (the portal's 403). */
  readonly isRefusal?: (problem: Problem) => boolean;
}

/**
 * `fetch` with the session's bearer token, never cached. A 401 (the gateway refused the token: expired or revoked)
 * renews the tokens once and tries again; any answer that is not 2xx, and no answer at all, throws an ApiError.
 */
export async function authorizedFetch(session: ApiSession, url: string, request: AuthorizedRequest): Promise<Response> {
  for (let retried = false; ; retried = true) {
    let response: Response;
    try {
      response = await fetch(url, {
        method: request.method,
        headers: { authorization: `Bearer ${session.accessToken()}`, accept: 'application/json', ...request.headers },
        body: request.body,
        cache: 'no-store',
      });
    } catch {
      throw new ApiError('network', { status: 0, title: 'Network error' });
    }
    if (response.status === 401) {
      if (!retried && (await session.renew())) continue;
      throw new ApiError('expired', await problemOf(response));
    }
    if (!response.ok) {
      const problem = await problemOf(response);
      throw new ApiError(request.isRefusal?.(problem) ? 'refused' : 'problem', problem);
    }
    return response;
  }
}
