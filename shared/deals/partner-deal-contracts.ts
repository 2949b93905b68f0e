import {
  named,
  noStoreHeader,
  problem,
  schemaRef,
  success,
  type JsonSchema,
  type RouteContracts,
} from '../http/route-contract';
import { refusalMessage } from '../portal/portal-session';
import { pageQueryParameters } from '../records/list-query';
import type { partnerDealRoutes } from './partner-deal-routes';
import { dealRegistrationInput } from './partner-deals';
import {
  leadDecisionInput,
  leadDeclineReasons,
  leadStageInput,
  partnerLeadFields,
  partnerLeadStages,
} from './partner-leads';

/** The contracts of functions/partner-deals.ts: registering a deal, and the partner's assigned leads. */

const refused = (component: string) =>
  problem(
    `Portal access is not effective now, whatever the reason ("${refusalMessage}"), the person is not a partner ` +
      `contact, or their portal does not include ${component}.`,
  );
const invalid = (what: string) => problem(`${what}; \`errors\` says which member.`, 'ValidationProblem');
const idParameter = { id: { description: "The lead's id.", schema: { type: 'string' } } };
const noLead = problem('No such lead assigned to the person’s organization (whether it exists elsewhere is not said).');
const changed = problem('The lead changed meanwhile (reassigned, or decided by a colleague); review it again.');

const text = { type: 'string' };
const partnerDecision: JsonSchema = {
  type: 'object',
  description: "The partner organization's answer to the assignment.",
  properties: {
    decision: { type: 'string', enum: ['accept', 'decline'] },
    reason: { type: 'string', enum: [...leadDeclineReasons] },
    note: text,
    partnerId: text,
    decidedAt: { type: 'string', format: 'date-time' },
    decidedBy: {
      type: 'object',
      properties: { id: text, name: text },
      required: ['id', 'name'],
      additionalProperties: false,
    },
  },
  required: ['decision', 'partnerId', 'decidedAt', 'decidedBy'],
  additionalProperties: false,
};

const leadFieldSchemas: Record<(typeof partnerLeadFields)[number], JsonSchema> = {
  id: { type: 'string', pattern: '^lead_' },
  firstName: text,
  lastName: text,
  company: text,
  title: text,
  email: text,
  phone: text,
  mobile: text,
  protectedUntil: {
    type: 'string',
    format: 'date',
    description: 'The last day the registration that brought the lead protects the partner.',
  },
  dealRegistrationId: { type: 'string', description: 'The deal registration the lead came from, if any.' },
  partnerDecision: schemaRef('PartnerLeadDecision'),
  partnerStage: { type: 'string', enum: [...partnerLeadStages] },
  createdAt: { type: 'string', format: 'date-time' },
  updatedAt: { type: 'string', format: 'date-time' },
};

const partnerLead: JsonSchema = {
  type: 'object',
  description: 'A lead assigned to the person’s partner organization: only the fields the vendor shares.',
  properties: leadFieldSchemas,
  required: ['id', 'lastName', 'createdAt', 'updatedAt'],
  additionalProperties: false,
};

export const partnerDealContracts = {
  'POST /portal/deal-registrations': {
    operationId: 'registerDeal',
    tag: 'Portal',
    summary:
      'Registers a deal the partner found; staff review it (submitted → approved with a protected lead, or rejected)',
    requestBody: named('PortalDealRegistrationInput', dealRegistrationInput()),
    responses: {
      201: success('The registration, as the portal shows it.', schemaRef('PortalDealRegistration'), {
        location: {
          description: '`/portal/deal-registrations/{id}`.',
          schema: { type: 'string', format: 'uri-reference' },
        },
      }),
      400: invalid('The body is not a deal registration'),
      403: refused('deal-registrations'),
      409: problem('Others are writing the same items at this moment; try again.'),
    },
  },
  'GET /portal/leads': {
    operationId: 'listPartnerLeads',
    tag: 'Portal',
    summary: 'Leads assigned to the person’s partner organization, newest first',
    query: pageQueryParameters,
    responses: {
      200: success(
        'One page.',
        named('PartnerLeadPage', {
          type: 'object',
          properties: {
            items: { type: 'array', items: schemaRef('PartnerLead') },
            nextCursor: {
              type: ['string', 'null'],
              description: 'Pass as `cursor` for the next page; `null` on the last.',
            },
          },
          required: ['items', 'nextCursor'],
          additionalProperties: false,
        }),
        noStoreHeader,
      ),
      400: problem(
        '`limit` is not a whole number from 1 to the maximum, the cursor is not valid, or a query parameter is unknown.',
        'ValidationProblem',
      ),
      403: refused('leads'),
    },
  },
  'GET /portal/leads/{id}': {
    operationId: 'getPartnerLead',
    tag: 'Portal',
    summary: 'One lead assigned to the person’s partner organization',
    pathParameters: idParameter,
    responses: {
      200: success('The lead.', named('PartnerLead', partnerLead), noStoreHeader),
      403: refused('leads'),
      404: noLead,
    },
  },
  'POST /portal/leads/{id}/decision': {
    operationId: 'decidePartnerLead',
    tag: 'Portal',
    summary: 'Accepts a lead, or declines it with a reason (it then goes back to the vendor)',
    pathParameters: idParameter,
    requestBody: named('PartnerLeadDecisionInput', leadDecisionInput),
    responses: {
      201: success('The decision as recorded.', named('PartnerLeadDecision', partnerDecision)),
      400: invalid('The body is not a decision (a decline needs a reason)'),
      403: refused('leads'),
      404: noLead,
      409: problem('The lead is already accepted, or it changed meanwhile.'),
    },
  },
  'PUT /portal/leads/{id}/stage': {
    operationId: 'setPartnerLeadStage',
    tag: 'Portal',
    summary: 'Reports the progress of an accepted lead',
    pathParameters: idParameter,
    requestBody: named('PartnerLeadStageInput', leadStageInput()),
    responses: {
      200: success('The lead.', schemaRef('PartnerLead'), noStoreHeader),
      400: invalid('The body is not a stage'),
      403: refused('leads'),
      404: noLead,
      409: changed,
    },
  },
} as const satisfies RouteContracts<(typeof partnerDealRoutes)[number]>;
