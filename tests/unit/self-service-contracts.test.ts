import Ajv2020 from 'ajv/dist/2020';
import { routeTable } from '../../shared/declarations/functions';
import { modules } from '../../shared/modules/registry';
import { decisionAfterEdit, type QuoteDecision } from '../../shared/modules/quote-content';
import { buildOpenApiDocument, type JsonObject } from '../../shared/openapi/openapi-document';
import { portalView } from '../../shared/portal/portal-view';
import { selfServiceRoutes } from '../../shared/portal/self-service-routes';
import { portalTicketRoutes } from '../../shared/tickets/portal-ticket-routes';
import { toPublicRecord } from '../../shared/records/public-record';
import { portalCommentView, staffCommentView } from '../../shared/tickets/ticket-comments';
import { ticketCommentRoutes } from '../../shared/tickets/ticket-comment-routes';

/** The self-service and conversation routes in the OpenAPI document say what their handlers really answer. */
const document = buildOpenApiDocument({ routes: routeTable(), modules });
const operation = (method: string, path: string) => document.paths[path]![method.toLowerCase()] as JsonObject;
const responsesOf = (method: string, path: string) => operation(method, path).responses as Record<string, JsonObject>;
const statusesOf = (method: string, path: string) => Object.keys(responsesOf(method, path)).map(Number);
const resolve = (schema: JsonObject): JsonObject =>
  typeof schema.$ref === 'string'
    ? (document.components.schemas[schema.$ref.replace('#/components/schemas/', '')] as JsonObject)
    : schema;
const requestBodyOf = (method: string, path: string, contentType = 'application/json') =>
  resolve(
    ((operation(method, path).requestBody as JsonObject).content as Record<string, { schema: JsonObject }>)[
      contentType
    ]!.schema,
  );

function validatorFor(name: string) {
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, validateFormats: false, allErrors: true });
  ajv.addVocabulary(['components']);
  ajv.addSchema({ $id: 'urn:portico:openapi', components: { schemas: document.components.schemas } });
  const validate = ajv.getSchema(`urn:portico:openapi#/components/schemas/${name}`)!;
  return (value: unknown) => (validate(value) ? [] : (validate.errors ?? []));
}

const ticketId = 'tkt_0b6a3c1e-2f4d-4e8a-9c7b-1a2b3c4d5e6f';
const storedComment = (internal: boolean) => ({
  id: 'cmt_1',
  ticketId,
  body: 'Line one\nline two',
  author: { kind: 'staff' as const, id: 'staff:sub-1', name: 'Grace' },
  internal,
  createdAt: '2026-03-02T10:00:00.000Z',
});

describe('the self-service and conversation contracts', () => {
  it('describe each route in the API’s words, portal routes under the portal pool, staff ones under staff', () => {
    expect(portalTicketRoutes.map((route) => operation(route.method, route.path).operationId)).toEqual([
      'createPortalTicket',
      'listPortalTicketComments',
      'addPortalTicketComment',
    ]);
    expect(selfServiceRoutes.map((route) => operation(route.method, route.path).operationId)).toEqual([
      'updatePortalProfile',
      'decideQuote',
      'getPortalOverview',
    ]);
    for (const route of [...portalTicketRoutes, ...selfServiceRoutes]) {
      expect(operation(route.method, route.path)).toMatchObject({ tags: ['Portal'], security: [{ portalJwt: [] }] });
    }
    expect(ticketCommentRoutes.map((route) => operation(route.method, route.path).operationId)).toEqual([
      'listTicketComments',
      'addTicketComment',
    ]);
    for (const route of ticketCommentRoutes) {
      expect(operation(route.method, route.path)).toMatchObject({ tags: ['Tickets'], security: [{ staffJwt: [] }] });
    }
  });

  it('give each route the statuses its handler answers, and no others', () => {
    // functions/portal-tickets.ts, portal-self-service.ts and ticket-comments.ts, with what the domain code they call throws.
    const expected: Record<string, number[]> = {
      'POST /portal/tickets': [201, 400, 401, 403, 409, 413, 415, 429, 500, 503],
      'GET /portal/tickets/{id}/comments': [200, 400, 401, 403, 404, 429, 500, 503],
      'POST /portal/tickets/{id}/comments': [201, 400, 401, 403, 404, 409, 413, 415, 429, 500, 503],
      'PATCH /portal/me': [200, 400, 401, 403, 409, 413, 415, 429, 500, 503],
      'POST /portal/quotes/{id}/decision': [201, 400, 401, 403, 404, 409, 413, 415, 429, 500, 503],
      'GET /portal/overview': [200, 401, 403, 429, 500, 503],
      'GET /tickets/{id}/comments': [200, 400, 401, 404, 429, 500, 503],
      'POST /tickets/{id}/comments': [201, 400, 401, 404, 409, 413, 415, 429, 500, 503],
    };
    for (const route of [...portalTicketRoutes, ...selfServiceRoutes, ...ticketCommentRoutes]) {
      const key = `${route.method} ${route.path}`;
      expect([key, statusesOf(route.method, route.path)]).toEqual([key, expected[key]]);
    }
    expect(responsesOf('POST', '/portal/tickets')['201']?.headers).toHaveProperty('location');
    // The daily limit's own 429, not API Gateway's throttling.
    expect(responsesOf('POST', '/portal/tickets')['429']?.headers).toHaveProperty('retry-after');
  });

  it('take the request bodies from the validators: unknown members refused, the comment body bounded', () => {
    expect(requestBodyOf('POST', '/portal/tickets')).toMatchObject({
      additionalProperties: false,
      required: expect.arrayContaining(['title', 'description']),
    });
    expect(requestBodyOf('POST', '/portal/tickets/{id}/comments')).toMatchObject({
      additionalProperties: false,
      properties: { body: { maxLength: 10_000 } },
    });
    expect(requestBodyOf('POST', '/tickets/{id}/comments')).toMatchObject({
      properties: { internal: { type: 'boolean' } },
    });
    const profilePatch = requestBodyOf('PATCH', '/portal/me', 'application/merge-patch+json');
    expect(Object.keys(profilePatch.properties as JsonObject).sort()).toEqual(['mailingAddress', 'mobile', 'phone']);
    expect(validatorFor('PortalProfilePatch')({ phone: null, mobile: '+44 20 7946 0000' })).toEqual([]);
    expect(validatorFor('PortalProfilePatch')({ email: 'someone@example.com' })).not.toEqual([]);
    expect(requestBodyOf('POST', '/portal/quotes/{id}/decision')).toMatchObject({
      properties: { decision: { enum: ['accept', 'decline'] } },
    });
  });

  it('describe the comments each side gets: no internal flag nor staff ids on the portal', () => {
    const staff = staffCommentView(storedComment(true));
    const shown = portalCommentView(storedComment(false));
    expect(validatorFor('TicketComment')(staff)).toEqual([]);
    expect(validatorFor('TicketCommentPage')({ items: [staff], nextCursor: null })).toEqual([]);
    expect(validatorFor('PortalComment')(shown)).toEqual([]);
    expect(validatorFor('PortalCommentPage')({ items: [shown], nextCursor: 'abc' })).toEqual([]);
    // The portal's schema is closed: a staff view (with `internal` and the author's id) does not pass for it.
    expect(validatorFor('PortalComment')(staff)).not.toEqual([]);
  });

  it('describe the ticket’s server-owned fields, staff and portal side, and the ticket POST /portal/tickets answers', () => {
    const stored = {
      pk: ticketId,
      sk: 'RECORD',
      module: 'tickets',
      id: ticketId,
      title: 'Printer on fire',
      description: 'Again.',
      status: 'Open',
      contactId: 'con_3f1c2a9e-1b7d-4c5e-9a2b-8d6f0e4c3b21',
      showOnPortal: true,
      source: 'portal',
      awaitingReply: true,
      lastCommentAt: '2026-03-02T10:00:00.000Z',
      version: 3,
      createdAt: '2026-03-01T10:00:00.000Z',
      createdBy: 'portal:con_3f1c2a9e-1b7d-4c5e-9a2b-8d6f0e4c3b21',
      updatedAt: '2026-03-02T10:00:00.000Z',
      updatedBy: 'portal:con_3f1c2a9e-1b7d-4c5e-9a2b-8d6f0e4c3b21',
    };
    expect(validatorFor('Ticket')(toPublicRecord(stored))).toEqual([]);
    expect(validatorFor('PortalTicket')(portalView(stored))).toEqual([]);
    expect(validatorFor('PortalRecord')(portalView(stored))).toEqual([]);
    // Where a ticket came from and when its conversation last moved are the staff's, on no portal answer or schema.
    for (const field of ['source', 'lastCommentAt'] as const) {
      expect(toPublicRecord(stored)).toHaveProperty(field);
      expect(portalView(stored)).not.toHaveProperty(field);
      expect(
        Object.keys((resolve({ $ref: '#/components/schemas/PortalTicket' }).properties as JsonObject) ?? {}),
      ).not.toContain(field);
      expect(Object.keys(resolve({ $ref: '#/components/schemas/Ticket' }).properties as JsonObject)).toContain(field);
    }
    expect(portalView(stored)).toHaveProperty('awaitingReply', true);
    expect(validatorFor('Ticket')({ ...toPublicRecord(stored), awaitingReply: 'yes' })).not.toEqual([]);
    expect(validatorFor('Ticket')({ ...toPublicRecord(stored), source: 'email' })).not.toEqual([]);
    expect(
      ((responsesOf('POST', '/portal/tickets')['201']!.content as JsonObject)['application/json'] as JsonObject).schema,
    ).toEqual({ $ref: '#/components/schemas/PortalTicket' });
  });

  it('describe a quote’s decision, superseded or not, staff and portal side, and the decision answer', () => {
    const decision: QuoteDecision = {
      decision: 'accept',
      reason: 'Looks right.',
      decidedAt: '2026-03-02T10:00:00.000Z',
      decidedBy: { id: 'con_1', name: 'Ada Lovelace', email: 'ada@example.com' },
      contentHash: 'a'.repeat(64),
      sourceIp: '203.0.113.9',
      userAgent: 'Mozilla/5.0',
    };
    const superseded = decisionAfterEdit(decision, { subject: 'Changed' }, '2026-03-03T10:00:00.000Z');
    expect(superseded).toMatchObject({ superseded: true });
    const quoteId = 'quo_0b6a3c1e-2f4d-4e8a-9c7b-1a2b3c4d5e6f';
    const stored = {
      pk: quoteId,
      sk: 'RECORD',
      module: 'quotes',
      id: quoteId,
      subject: 'Spring quote',
      status: 'Accepted',
      contactId: 'con_3f1c2a9e-1b7d-4c5e-9a2b-8d6f0e4c3b21',
      showOnPortal: true,
      version: 3,
      createdAt: '2026-03-01T10:00:00.000Z',
      createdBy: 'staff-1',
      updatedAt: '2026-03-02T10:00:00.000Z',
      updatedBy: 'portal:con_1',
    };
    for (const value of [decision, superseded]) {
      expect(validatorFor('Quote')(toPublicRecord({ ...stored, decision: value }))).toEqual([]);
      expect(validatorFor('PortalQuote')(portalView({ ...stored, decision: value }))).toEqual([]);
    }
    expect(validatorFor('Quote')(toPublicRecord({ ...stored, decision: { decision: 'maybe' } }))).not.toEqual([]);
    const { decision: value, reason, decidedAt, decidedBy, contentHash } = decision;
    expect(
      validatorFor('QuoteDecisionReceipt')({ decision: value, reason, decidedAt, decidedBy, contentHash }),
    ).toEqual([]);
    // The answer does not repeat where the decision came from.
    expect(validatorFor('QuoteDecisionReceipt')(decision)).not.toEqual([]);
  });
});
