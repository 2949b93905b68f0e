import { routeTable } from '../../shared/declarations/functions';
import { modules } from '../../shared/modules/registry';
import { buildOpenApiDocument, type JsonObject } from '../../shared/openapi/openapi-document';
import { portalRoutes } from '../../shared/portal/portal-routes';
import { maxPageSize } from '../../shared/records/list-query';

/** The portal routes in the OpenAPI document say what the portal API really answers. */
const document = buildOpenApiDocument({ routes: routeTable(), modules });
const operation = (method: string, path: string) => document.paths[path]![method.toLowerCase()] as JsonObject;
const responsesOf = (method: string, path: string) => operation(method, path).responses as Record<string, JsonObject>;
const statusesOf = (method: string, path: string) => Object.keys(responsesOf(method, path)).sort();

describe('the portal operations of the OpenAPI document', () => {
  it('describes each portal route with its own operation, not the generic fallback', () => {
    for (const route of portalRoutes) {
      expect(operation(route.method, route.path).summary).not.toMatch(/^Served by/);
      expect(operation(route.method, route.path).tags).toEqual(['Portal']);
    }
  });

  it('answers 423 with Retry-After on both PIN routes, and 403 with attemptsLeft for a wrong PIN', () => {
    for (const [method, path] of [
      ['PUT', '/portal/pin'],
      ['POST', '/portal/sales-orders/{id}/signature'],
    ] as const) {
      const responses = responsesOf(method, path);
      expect(responses['423']?.headers).toHaveProperty('retry-after');
      expect(JSON.stringify(responses['403'])).toContain('attemptsLeft');
      expect(statusesOf(method, path)).toEqual(expect.arrayContaining(['400', '403', '409', '423']));
    }
    expect(statusesOf('PUT', '/portal/pin')).toContain('204');
    expect(statusesOf('POST', '/portal/sales-orders/{id}/signature')).toEqual(expect.arrayContaining(['201', '404']));
  });

  it(`lists with limit (1 to ${maxPageSize}) and cursor next to the module, and says a limit beyond is 400`, () => {
    const list = operation('GET', '/portal/{module}');
    const parameters = list.parameters as JsonObject[];
    expect(parameters).toEqual([
      expect.objectContaining({ name: 'module', in: 'path' }),
      expect.objectContaining({
        name: 'limit',
        in: 'query',
        schema: expect.objectContaining({ minimum: 1, maximum: maxPageSize }),
      }),
      expect.objectContaining({ name: 'cursor', in: 'query' }),
    ]);
    expect(JSON.stringify(responsesOf('GET', '/portal/{module}')['400'])).toContain('ValidationProblem');
  });
});
