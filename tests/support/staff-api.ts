import type { LocalOutputs } from '../../infra/outputs';
import { staffAccessToken } from './tokens';

export interface ApiResponse<T = Record<string, unknown>> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

/** A client for the local API with one bearer token: status, headers and parsed body of each call. */
export function apiClient(apiUrl: string, token: string) {
  return async function call<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse<T>> {
    const response = await fetch(`${apiUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : undefined) as T };
  };
}

/** A small client for the staff API of the local stack, signed in as the local staff user. */
export async function staffApi(outputs: LocalOutputs) {
  const call = apiClient(outputs.ApiUrl, await staffAccessToken(outputs));
  return {
    call,
    /** Creates a record and returns it; fails the test with the problem document otherwise. */
    async create(module: string, body: Record<string, unknown>): Promise<Record<string, unknown> & { id: string }> {
      const response = await call(`POST`, `/${module}`, body);
      if (response.status !== 201)
        throw new Error(`POST /${module} → ${response.status}: ${JSON.stringify(response.body)}`);
      return response.body as Record<string, unknown> & { id: string };
    },
  };
}

export type StaffApi = Awaited<ReturnType<typeof staffApi>>;
