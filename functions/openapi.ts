import { routeTable } from '../shared/declarations/functions';
import { httpHandler, json } from '../shared/http/http-handler';
import { modules } from '../shared/modules/registry';
import { buildOpenApiDocument, type OpenApiDocument } from '../shared/openapi/openapi-document';

// Built once per cold start, on the first request: the registries cannot change while the function runs.
let document: OpenApiDocument | undefined;

/** The OpenAPI 3.1 description of the API, derived from the function and module registries. */
export const handler = httpHandler(async () => {
  document ??= buildOpenApiDocument({ routes: routeTable(), modules });
  return json(200, document, { 'cache-control': 'max-age=300' });
});
