import {
  named,
  noStoreHeader,
  problem,
  retryAfterHeader,
  schemaRef,
  success,
  type JsonSchema,
  type RouteContracts,
} from '../http/route-contract';
import { portalModuleNames } from '../modules/registry';
import { quoteDecisionJsonSchema } from '../modules/quote-content';
import { pageQueryParameters } from '../records/list-query';
import { portalTicketInput } from '../tickets/portal-tickets';
import { portalCommentInput } from '../tickets/ticket-comments';
import { commentPage, portalComment } from '../tickets/ticket-comment-schemas';
import { maxNeedsPerComponent } from './portal-overview';
import { editableProfileFields, profilePatchInput } from './portal-profile';
import { refusalMessage } from './portal-session';
import { quoteDecisionInput } from './quote-decision';
import type { selfServiceRoutes } from './self-service-routes';

/**
 * The portal self-service API's contracts (functions/portal-self-service.ts), one per route of
 * shared/portal/self-service-routes.ts: request bodies are the zod schemas the handler validates with.
 */

const accessRefused = `Portal access is not effective now, whatever the reason ("${refusalMessage}")`;
const refused = (component?: string) =>
  problem(component ? `${accessRefused}, or the person's portal does not include ${component}.` : `${accessRefused}.`);
const idParameter = (record: string) => ({ id: { description: `The ${record}'s id.`, schema: { type: 'string' } } });
const invalid = (what: string) => problem(`${what}; \`errors\` says which member.`, 'ValidationProblem');
const pageInvalid = problem(
  '`limit` is not a whole number from 1 to the maximum, the cursor is not valid, or a query parameter is unknown.',
  'ValidationProblem',
);
const noTicket = problem('No such ticket in the person’s portal (whether it exists elsewhere is not said).');
const busy = problem('Others are writing the same items at this moment; try again.');

/** What `POST /portal/quotes/{id}/decision` answers: the decision as recorded, without the client's address. */
const { decision, reason, decidedAt, decidedBy, contentHash } = quoteDecisionJsonSchema.properties;
const decisionAnswer: JsonSchema = {
  type: 'object',
  description: 'The decision: who, when, and a SHA-256 of the decided content.',
  properties: { decision, reason, decidedAt, decidedBy, contentHash },
  required: ['decision', 'decidedAt', 'decidedBy', 'contentHash'],
  additionalProperties: false,
};

const overview: JsonSchema = {
  type: 'object',
  description: "Per component of the person's portal, in their order: how many records they see, what needs them.",
  properties: {
    components: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          module: { type: 'string', enum: [...portalModuleNames] },
          count: { type: 'integer', minimum: 0, description: 'Records of this component the person sees.' },
          countIsLowerBound: {
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
              additionalProperties: false,
            },
          },
        },
        required: ['module', 'count', 'needsYou'],
        additionalProperties: false,
      },
    },
  },
  required: ['components'],
  additionalProperties: false,
};

export const selfServiceContracts = {
  'POST /portal/tickets': {
    operationId: 'createPortalTicket',
    tag: 'Portal',
    summary:
      'Raises a ticket linked to the person (a partner contact’s also to its organization), within a daily limit',
    requestBody: named('PortalTicketInput', portalTicketInput),
    responses: {
      201: success('The new ticket, as the portal shows it (`source: portal`).', schemaRef('PortalTicket'), {
        location: { description: '`/portal/tickets/{id}`.', schema: { type: 'string', format: 'uri-reference' } },
      }),
      400: invalid('The body is not a ticket'),
      403: refused('tickets'),
      409: busy,
      429: problem(
        'The person raised as many tickets today as a day allows.',
        'Problem',
        retryAfterHeader('Seconds until the next day (in the deployment’s time zone), when the limit starts over.'),
      ),
    },
  },
  'GET /portal/tickets/{id}/comments': {
    operationId: 'listPortalTicketComments',
    tag: 'Portal',
    summary: 'The conversation of a ticket the person sees, oldest first (no internal notes)',
    pathParameters: idParameter('ticket'),
    query: pageQueryParameters,
    responses: {
      200: success(
        'One page; it may hold fewer than `limit` comments, as internal notes are left out.',
        named('PortalCommentPage', commentPage(portalComment)),
        noStoreHeader,
      ),
      400: pageInvalid,
      403: refused('tickets'),
      404: noTicket,
    },
  },
  'POST /portal/tickets/{id}/comments': {
    operationId: 'addPortalTicketComment',
    tag: 'Portal',
    summary: 'Replies on a ticket the person sees; it is then staff’s turn',
    pathParameters: idParameter('ticket'),
    requestBody: named('PortalCommentInput', portalCommentInput),
    responses: {
      201: success('The comment.', named('PortalComment', portalComment)),
      400: invalid('The body is not a comment'),
      403: refused('tickets'),
      404: noTicket,
      409: busy,
    },
  },
  'PATCH /portal/me': {
    operationId: 'updatePortalProfile',
    tag: 'Portal',
    summary: `Changes the person’s ${editableProfileFields.join(', ')} (a JSON merge patch: null removes one)`,
    requestBody: {
      schema: named('PortalProfilePatch', profilePatchInput),
      contentTypes: ['application/merge-patch+json', 'application/json'],
    },
    responses: {
      200: success('The profile, as `GET /portal/me` shows it.', schemaRef('PortalProfile'), noStoreHeader),
      400: invalid('A detail only staff change (email, username, …) or an invalid value'),
      403: refused(),
      409: problem('The profile kept changing meanwhile; try again.'),
    },
  },
  'POST /portal/quotes/{id}/decision': {
    operationId: 'decideQuote',
    tag: 'Portal',
    summary: 'Accepts or declines a quote the person sees, once; the quote becomes Accepted or Rejected',
    pathParameters: idParameter('quote'),
    requestBody: named('QuoteDecisionInput', quoteDecisionInput),
    responses: {
      201: success('The decision as recorded.', named('QuoteDecisionReceipt', decisionAnswer)),
      400: invalid('The body is not a decision'),
      403: refused('quotes'),
      404: problem('No such quote in the person’s portal (whether it exists elsewhere is not said).'),
      409: problem('The quote is already decided (and not superseded), or it changed while deciding.'),
    },
  },
  'GET /portal/overview': {
    operationId: 'getPortalOverview',
    tag: 'Portal',
    summary: 'Per component: how many records the person sees and what needs them',
    responses: {
      200: success('The overview.', named('PortalOverview', overview), noStoreHeader),
      403: refused(),
    },
  },
} as const satisfies RouteContracts<(typeof selfServiceRoutes)[number]>;
