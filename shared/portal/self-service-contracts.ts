import {
  named,
  noStoreHeader,
  problem,
  schemaRef,
  success,
  type JsonSchema,
  type RouteContracts,
} from '../http/route-contract';
import { portalModuleNames } from '../modules/registry';
import { quoteDecisionJsonSchema } from '../modules/quote-content';
import { maxNeedsPerComponent } from './portal-overview';
import { editableProfileFields, profilePatchInput } from './portal-profile';
import { refusalMessage } from './portal-session';
import { quoteDecisionInput } from './quote-decision';
import type { SelfServiceRoute } from './self-service-routes';

/**
 * The portal self-service API's contracts (functions/portal-self-service.ts) for the profile, quote decisions and
 * the overview; its ticket routes' are in shared/tickets/portal-ticket-contracts.ts (tickets build on the portal, so
 * they cannot be declared here). Request bodies are the schemas the handler validates with.
 */

const accessRefused = `Portal access is not effective now, whatever the reason ("${refusalMessage}")`;
const refused = (component?: string) =>
  problem(component ? `${accessRefused}, or the person's portal does not include ${component}.` : `${accessRefused}.`);
const idParameter = (record: string) => ({ id: { description: `The ${record}'s id.`, schema: { type: 'string' } } });
const invalid = (what: string) => problem(`${what}; \`errors\` says which member.`, 'ValidationProblem');

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
  'PATCH /portal/me': {
    operationId: 'updatePortalProfile',
    tag: 'Portal',
    summary: `Changes the person’s ${editableProfileFields.join(', ')} (a JSON merge patch: null removes one)`,
    requestBody: {
      schema: named('PortalProfilePatch', profilePatchInput()),
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
    requestBody: named('QuoteDecisionInput', quoteDecisionInput()),
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
} as const satisfies RouteContracts<SelfServiceRoute<'updateProfile' | 'decideQuote' | 'overview'>>;
