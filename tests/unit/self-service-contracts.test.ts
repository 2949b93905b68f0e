import { routeTable } from '../../shared/declarations/functions';
import { modules } from '../../shared/modules/registry';
import { buildOpenApiDocument, type JsonObject } from '../../shared/openapi/openapi-document';
import { selfServiceRoutes } from '../../shared/portal/self-service-routes';
import { ticketCommentRoutes } from '../../shared/tickets/ticket-comment-routes';

/** The self-service and conversation routes in the OpenAPI document say what their handlers really answer. */
const document = buildOpenApiDocument({ routes: routeTable(), modules });
const operation = (method: string, path: string) => document.paths[path]![method.toLowerCase()] as JsonObject;
const responsesOf = (method: string, path: string) => operation(method, path).responses as Record<string, JsonObject>;
const statusesOf = (method: string, path: string) => Object.keys(responsesOf(method, path)).sort();

describe('the self-service operations of the OpenAPI document', () => {
  it('describes each route with its own operation, portal routes under the portal pool, staff ones under staff', () => {
    for (const route of selfServiceRoutes) {
      expect(operation(route.method, route.path).summary).not.toMatch(/^Served by/);
      expect(operation(route.method, route.path).security).toEqual([{ portalJwt: [] }]);
    }
    for (const route of ticketCommentRoutes) {
      expect(operation(route.method, route.path).summary).not.toMatch(/^Served by/);
      expect(operation(route.method, route.path).security).toEqual([{ staffJwt: [] }]);
    }
  });

  it('says POST /portal/tickets answers 201 with Location, 403 without the component, 429 with Retry-After', () => {
    const responses = responsesOf('POST', '/portal/tickets');
    expect(responses['201']?.headers).toHaveProperty('location');
    expect(responses['429']?.headers).toHaveProperty('retry-after');
    expect(statusesOf('POST', '/portal/tickets')).toEqual(
      expect.arrayContaining(['201', '400', '403', '409', '413', '415', '429']),
    );
  });

  it('takes the request bodies from the validators: unknown members refused, the comment body bounded', () => {
    const body = (method: string, path: string) =>
      ((operation(method, path).requestBody as JsonObject).content as Record<string, { schema: JsonObject }>)[
        method === 'PATCH' ? 'application/merge-patch+json' : 'application/json'
      ]!.schema;
    expect(body('POST', '/portal/tickets')).toMatchObject({
      additionalProperties: false,
      required: expect.arrayContaining(['title', 'description']),
    });
    expect(body('POST', '/portal/tickets/{id}/comments')).toMatchObject({
      additionalProperties: false,
      properties: { body: { maxLength: 10_000 } },
    });
    expect(body('POST', '/tickets/{id}/comments')).toMatchObject({ properties: { internal: { type: 'boolean' } } });
    expect(Object.keys((body('PATCH', '/portal/me').properties as JsonObject) ?? {}).sort()).toEqual([
      'mailingAddress',
      'mobile',
      'phone',
    ]);
    expect(body('POST', '/portal/quotes/{id}/decision')).toMatchObject({
      properties: { decision: { enum: ['accept', 'decline'] } },
    });
  });

  it('lists 404 for a ticket or quote the person cannot see, and 409 for a second decision', () => {
    for (const [method, path] of [
      ['GET', '/portal/tickets/{id}/comments'],
      ['POST', '/portal/tickets/{id}/comments'],
      ['POST', '/portal/quotes/{id}/decision'],
      ['GET', '/tickets/{id}/comments'],
      ['POST', '/tickets/{id}/comments'],
    ] as const) {
      expect(statusesOf(method, path)).toContain('404');
    }
    expect(statusesOf('POST', '/portal/quotes/{id}/decision')).toEqual(expect.arrayContaining(['201', '409']));
    expect(statusesOf('PATCH', '/portal/me')).toEqual(expect.arrayContaining(['200', '400', '403']));
  });
});
