import * as z from 'zod/mini';
import { problemContentType } from '../http/problem';
import { editableProfileFields } from '../portal/portal-profile';
import { maxNeedsPerComponent } from '../portal/portal-overview';
import { quoteDecisionInput } from '../portal/quote-decision';
import { portalTicketInput } from '../tickets/portal-tickets';
import { portalCommentInput, staffCommentInput } from '../tickets/ticket-comments';
import { maxPageSize } from '../records/list-query';
import { personContactFields, portalModuleNames } from '../modules/registry';

/**
 * The operations of the portal's self-service API (functions/portal-self-service.ts) and of staff's side of a
 * ticket's conversation (functions/ticket-comments.ts) for the OpenAPI document: request bodies from the same zod
 * schemas the handlers validate with, and every status each route really answers.
 */
type JsonObject = Record<string, unknown>;

const ref = (kind: 'schemas' | 'responses' | 'parameters' | 'headers', name: string) => ({
  $ref: `#/components/${kind}/${name}`,
});
const json = (schema: JsonObject) => ({ 'application/json': { schema } });
const bodyOf = (schema: z.ZodMiniType) => {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input' }) as JsonObject;
  return rest;
};
const correlationHeader = { 'x-correlation-id': ref('headers', 'CorrelationId') };
const problem = (description: string, headers: JsonObject = {}): JsonObject => ({
  description,
  headers: { ...correlationHeader, ...headers },
  content: { [problemContentType]: { schema: ref('schemas', 'Problem') } },
});
const ok = (description: string, schema: JsonObject, headers: JsonObject = {}): JsonObject => ({
  description,
  headers: { ...correlationHeader, ...headers },
  content: json(schema),
});
const bodyErrors = (what: string) => ({
  400: { ...(ref('responses', 'BadRequest') as JsonObject), description: `${what}; \`errors\` lists each problem.` },
  413: ref('responses', 'PayloadTooLarge'),
  415: ref('responses', 'UnsupportedMediaType'),
});
const refused = problem(
  'Portal access is not effective now (one answer whatever the reason), or the section is not in the person’s portal.',
);
const noTicket = problem('No such ticket in the person’s portal (whether it exists elsewhere is not said).');
const pageErrors = {
  400: {
    ...(ref('responses', 'BadRequest') as JsonObject),
    description: `\`limit\` is not a whole number from 1 to ${maxPageSize}, or the cursor is not valid.`,
  },
};
const busy = problem('Others are writing the same items at this moment; try again.');
const noStore = { 'cache-control': { schema: { type: 'string', const: 'no-store' } } };

const portalTicket = {
  type: 'object',
  description: 'The ticket as the portal shows it (no staff-only fields).',
  properties: {
    id: { type: 'string' },
    title: { type: 'string' },
    description: { type: 'string' },
    status: { type: 'string' },
    priority: { type: 'string' },
    source: { type: 'string', const: 'portal' },
    awaitingReply: { type: 'boolean', description: 'Staff replied last: the person’s turn.' },
    contactId: { type: 'string' },
    organizationId: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
  required: ['id', 'title', 'status', 'source', 'contactId', 'createdAt', 'updatedAt'],
};
const author = (staff: boolean) => ({
  type: 'object',
  properties: {
    kind: { type: 'string', enum: ['staff', 'person'] },
    name: { type: 'string' },
    ...(staff ? { id: { type: 'string', description: '`staff:<sub>` or `person:<id>`.' } } : {}),
  },
  required: staff ? ['kind', 'name', 'id'] : ['kind', 'name'],
  additionalProperties: false,
});
const comment = (staff: boolean) => ({
  type: 'object',
  properties: {
    id: { type: 'string' },
    body: { type: 'string', description: 'Plain text; line breaks are kept.' },
    author: author(staff),
    ...(staff ? { internal: { type: 'boolean', description: 'An internal note: never shown on the portal.' } } : {}),
    createdAt: { type: 'string', format: 'date-time' },
  },
  required: ['id', 'body', 'author', 'createdAt', ...(staff ? ['internal'] : [])],
  additionalProperties: false,
});
const commentPage = (staff: boolean) => ({
  type: 'object',
  properties: {
    items: { type: 'array', items: comment(staff), description: 'Oldest first.' },
    nextCursor: { type: ['string', 'null'] },
  },
  required: ['items', 'nextCursor'],
});
const decision = {
  type: 'object',
  properties: {
    decision: { type: 'string', enum: ['accept', 'decline'] },
    reason: { type: 'string' },
    decidedAt: { type: 'string', format: 'date-time' },
    decidedBy: {
      type: 'object',
      properties: { id: { type: 'string' }, name: { type: 'string' }, email: { type: 'string' } },
      required: ['id', 'name', 'email'],
    },
    contentHash: { type: 'string', pattern: '^[0-9a-f]{64}$', description: 'SHA-256 of the decided content.' },
  },
  required: ['decision', 'decidedAt', 'decidedBy', 'contentHash'],
};
const overview = {
  type: 'object',
  properties: {
    components: {
      type: 'array',
      description: 'In the person’s component order.',
      items: {
        type: 'object',
        properties: {
          module: { type: 'string', enum: [...portalModuleNames] },
          count: { type: 'integer', minimum: 0, description: 'Records of this component the person sees.' },
          countIsLowerBound: {
            type: 'boolean',
            const: true,
            description: 'Present when the component holds more records than the overview counts.',
          },
          needsYou: {
            type: 'array',
            maxItems: maxNeedsPerComponent,
            description: 'What needs the person, newest first.',
            items: {
              type: 'object',
              properties: {
                id: { type: 'string' },
                title: { type: 'string' },
                reason: { type: 'string', enum: ['awaiting-your-reply', 'awaiting-signature', 'awaiting-decision'] },
              },
              required: ['id', 'title', 'reason'],
            },
          },
        },
        required: ['module', 'count', 'needsYou'],
      },
    },
  },
  required: ['components'],
};
const profilePatch = {
  ...bodyOf(z.partial(z.strictObject(personContactFields))),
  description: `A JSON merge patch of ${editableProfileFields.join(', ')}: null removes. Anything else (email, username) is refused; staff change it.`,
};

export const selfServiceOperations: Record<string, { tag: string; operation: JsonObject }> = {
  'POST /portal/tickets': {
    tag: 'portal',
    operation: {
      operationId: 'raisePortalTicket',
      summary:
        'Raises a ticket linked to the person (a partner contact’s also to its organization), within a daily limit',
      requestBody: { required: true, content: json(bodyOf(portalTicketInput)) },
      responses: {
        201: ok('The new ticket.', portalTicket, {
          location: { description: '`/portal/tickets/{id}`.', schema: { type: 'string', format: 'uri-reference' } },
        }),
        ...bodyErrors('Not a ticket'),
        403: refused,
        409: busy,
        429: problem('The person raised as many tickets today as a day allows.', {
          'retry-after': {
            description: 'Seconds until the next day (in the deployment’s time zone), when the limit starts over.',
            schema: { type: 'integer', minimum: 1 },
          },
        }),
      },
    },
  },
  'GET /portal/tickets/{id}/comments': {
    tag: 'portal',
    operation: {
      operationId: 'listPortalTicketComments',
      summary: 'The conversation of a ticket the person sees, oldest first (no internal notes)',
      parameters: [ref('parameters', 'Limit'), ref('parameters', 'Cursor')],
      responses: {
        200: ok(
          'One page; it may hold fewer than `limit` items, as internal notes are left out.',
          commentPage(false),
          noStore,
        ),
        ...pageErrors,
        403: refused,
        404: noTicket,
      },
    },
  },
  'POST /portal/tickets/{id}/comments': {
    tag: 'portal',
    operation: {
      operationId: 'addPortalTicketComment',
      summary: 'Replies on a ticket the person sees; it is then staff’s turn',
      requestBody: { required: true, content: json(bodyOf(portalCommentInput)) },
      responses: {
        201: ok('The comment.', comment(false)),
        ...bodyErrors('Not a comment'),
        403: refused,
        404: noTicket,
        409: busy,
      },
    },
  },
  'PATCH /portal/me': {
    tag: 'portal',
    operation: {
      operationId: 'updatePortalProfile',
      summary: 'Changes the person’s phone, mobile or mailing address',
      requestBody: { required: true, content: { 'application/merge-patch+json': { schema: profilePatch } } },
      responses: {
        200: ok('The profile, as `GET /portal/me` shows it.', { type: 'object' }, noStore),
        ...bodyErrors('A detail only staff change (email, username, …) or an invalid value'),
        403: refused,
        409: problem('The profile kept changing meanwhile; try again.'),
      },
    },
  },
  'POST /portal/quotes/{id}/decision': {
    tag: 'portal',
    operation: {
      operationId: 'decidePortalQuote',
      summary: 'Accepts or declines a quote the person sees, once; the quote becomes Accepted or Rejected',
      requestBody: { required: true, content: json(bodyOf(quoteDecisionInput)) },
      responses: {
        201: ok('The decision: who, when, and a hash of the decided content.', decision),
        ...bodyErrors('Not a decision'),
        403: refused,
        404: problem('No such quote in the person’s portal.'),
        409: problem('The quote is already decided (and not superseded), or changed while deciding.'),
      },
    },
  },
  'GET /portal/overview': {
    tag: 'portal',
    operation: {
      operationId: 'getPortalOverview',
      summary: 'Per component: how many records the person sees and what needs them',
      responses: { 200: ok('The overview.', overview, noStore), 403: refused },
    },
  },
  'GET /tickets/{id}/comments': {
    tag: 'tickets',
    operation: {
      operationId: 'listTicketComments',
      summary: 'The whole conversation of a ticket, internal notes included, oldest first',
      parameters: [ref('parameters', 'Limit'), ref('parameters', 'Cursor')],
      responses: {
        200: ok('One page.', commentPage(true)),
        ...pageErrors,
        404: problem('There is no ticket with this id.'),
      },
    },
  },
  'POST /tickets/{id}/comments': {
    tag: 'tickets',
    operation: {
      operationId: 'addTicketComment',
      summary: 'Replies on a ticket (the person’s turn then), or adds an internal note (`internal: true`)',
      requestBody: { required: true, content: json(bodyOf(staffCommentInput)) },
      responses: {
        201: ok('The comment.', comment(true)),
        ...bodyErrors('Not a comment'),
        404: problem('There is no ticket with this id.'),
        409: busy,
      },
    },
  },
};
