import type * as v from 'valibot';
import type { HttpMethod } from './routes';

/**
 * What a route promises its callers: its request, every answer it can give and the headers it sets. Each area
 * declares the contracts of its routes once, beside its route declarations, in a map typed over those routes
 * (`RouteContracts<…>`), so a route without a contract does not compile; shared/openapi builds the OpenAPI document
 * from these maps, and tests/unit/openapi-document.test.ts fails on a route of the registry that has none.
 *
 * How to declare one (see shared/portal/portal-contracts.ts):
 *
 *     'POST /portal/sales-orders/{id}/signature': {
 *       operationId: 'signSalesOrder',
 *       tag: 'Portal',
 *       summary: 'Signs a visible, unsigned sales order with the PIN',
 *       pathParameters: { id: { description: "The sales order's id.", schema: { type: 'string' } } },
 *       requestBody: signingRequest,                           // the schema the handler validates with
 *       responses: {
 *         201: success('The signature.', named('Signature', signatureSchema)),
 *         403: problem('Access is not effective…', 'PinProblem'),
 *         423: problem('PIN checks are locked.', 'PinProblem', { 'retry-after': retryAfterHeader }),
 *       },
 *     },
 *
 * A new area (`shared/tickets/ticket-routes.ts`, say) declares `ticketContracts = { … } as const satisfies
 * RouteContracts<(typeof ticketRoutes)[number]>` in `shared/tickets/ticket-contracts.ts` and adds `...ticketContracts`
 * to shared/openapi/route-contracts.ts. New portal routes (in portal-routes.ts) may keep their contracts in a file of
 * their own and spread them into `portalContracts`, which must cover every portal route.
 *
 * What the document adds by itself, so no contract repeats it: `x-correlation-id` on every answer; 401 behind an
 * authorizer; 413 and 415 on a route with a request body (and a generic 400 if the contract declares none);
 * a 400 for unknown query parameters on a route with `query`; API Gateway's 429 unless the route declares its own;
 * and 500.
 */

/** A JSON Schema (2020-12, the dialect of OpenAPI 3.1), as plain JSON. */
export type JsonSchema = { readonly [keyword: string]: unknown };

/**
 * A schema in a contract: the valibot schema the code validates with (request bodies use its input side), or JSON
 * Schema where the code has none (answers built by code). Never an empty `{}` or a bare `{ type: 'object' }`.
 */
export type SchemaSource = v.GenericSchema<unknown, unknown> | JsonSchema;

/** A schema listed by name under `components.schemas`, so a generated client gets a named type for it. */
export interface NamedSchema {
  readonly name: string;
  readonly schema: SchemaSource;
}

export const named = (name: string, schema: SchemaSource): NamedSchema => ({ name, schema });

/** A schema the document derives itself (module records: `SalesOrder`, `ContactPatch`, `ContactPage`…). */
export const schemaRef = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

/** Response headers a route may set, beside `content-type` and `x-correlation-id`. */
export type ResponseHeaderName = 'etag' | 'location' | 'retry-after' | 'cache-control';

export interface HeaderContract {
  readonly description: string;
  readonly schema: JsonSchema;
  /** Sent on every answer of this status (default true). */
  readonly required?: boolean;
}

export type ResponseHeaders = { readonly [name in ResponseHeaderName]?: HeaderContract };

/**
 * The problem documents the API answers (RFC 9457), by the extension members they carry beside `type`, `title`,
 * `status`, `detail` and `correlationId`. The document lists each as a named schema (shared/openapi/problem-schemas.ts).
 */
export type ProblemKind =
  /** No extension members. */
  | 'Problem'
  /** `errors`: each invalid member of the body or query, as a JSON Pointer and a message. */
  | 'ValidationProblem'
  /** A 409 on a record: `conflict` (the portal email or username another person holds) or `linkCount`. */
  | 'ConflictProblem'
  /** A wrong PIN (403, 423): `attemptsLeft`. */
  | 'PinProblem';

export interface SuccessResponse {
  readonly description: string;
  /** The JSON body; none for 202/204 answers without one. */
  readonly body?: SchemaSource | NamedSchema;
  /** Default `application/json`. */
  readonly contentType?: string;
  readonly headers?: ResponseHeaders;
}

export interface ProblemResponse {
  readonly description: string;
  readonly problem: ProblemKind;
  readonly headers?: ResponseHeaders;
}

export type ResponseContract = SuccessResponse | ProblemResponse;

export const isProblemResponse = (response: ResponseContract): response is ProblemResponse => 'problem' in response;

export const success = (
  description: string,
  body?: SchemaSource | NamedSchema,
  headers?: ResponseHeaders,
): SuccessResponse => ({ description, ...(body ? { body } : {}), ...(headers ? { headers } : {}) });

export const problem = (
  description: string,
  kind: ProblemKind = 'Problem',
  headers?: ResponseHeaders,
): ProblemResponse => ({
  description,
  problem: kind,
  ...(headers ? { headers } : {}),
});

export interface ParameterContract {
  readonly description: string;
  readonly schema: JsonSchema;
  /** Query and header parameters only; path parameters are always required. */
  readonly required?: boolean;
}

export interface RequestBodyContract {
  readonly schema: SchemaSource | NamedSchema;
  /** Default `['application/json']`. */
  readonly contentTypes?: readonly string[];
}

export interface RouteContract {
  /** The API's own words (`signSalesOrder`), unique across the document and stable once published. */
  readonly operationId: string;
  /** The group a reader looks for it in: `Portal`, `Portal access`, a module's tag. */
  readonly tag: string;
  readonly summary: string;
  readonly description?: string;
  /** One entry per `{name}` in the path. */
  readonly pathParameters?: { readonly [name: string]: ParameterContract };
  /**
   * Every query parameter the route reads. The API refuses any other with a 400 (OpenAPI cannot forbid unknown
   * parameters, so the document says so in the description).
   */
  readonly query?: { readonly [name: string]: ParameterContract };
  /** Request headers the route reads (`If-Match`). */
  readonly requestHeaders?: { readonly [name: string]: ParameterContract };
  /** A valibot schema (the one the handler validates with), JSON Schema, or a named schema. */
  readonly requestBody?: SchemaSource | NamedSchema | RequestBodyContract;
  /** Every answer the route's code gives, success and problem alike, by status. */
  readonly responses: { readonly [status: number]: ResponseContract };
}

/** `GET /portal/me` from `{ method: 'GET', path: '/portal/me' }`. */
export type RouteKeyOf<Route extends { readonly method: HttpMethod; readonly path: string }> =
  // Distributes over a union of routes, so each route's method goes with its own path.
  Route extends Route ? `${Route['method']} ${Route['path']}` : never;

/** The contracts of an area's routes: one per declared route, or typecheck fails. */
export type RouteContracts<Route extends { readonly method: HttpMethod; readonly path: string }> = {
  readonly [key in RouteKeyOf<Route>]: RouteContract;
};

/** `Retry-After` on a 423 or 429: whole seconds, at least one. */
export const retryAfterHeader = (description: string): ResponseHeaders => ({
  'retry-after': { description, schema: { type: 'integer', minimum: 1 } },
});

/** `Cache-Control: no-store` on answers about one person, which no cache may keep. */
export const noStoreHeader: ResponseHeaders = {
  'cache-control': { description: 'The answer is about one person now: never cached.', schema: { const: 'no-store' } },
};
