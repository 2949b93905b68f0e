import {
  named,
  noStoreHeader,
  problem,
  retryAfterHeader,
  success,
  type JsonSchema,
  type RouteContracts,
} from '../http/route-contract';
import { accessStatuses } from '../access/access-state';
import { portalComponentNames } from '../modules/registry';
import { refusalMessage } from '../portal/portal-session';
import { pageQueryParameters } from '../records/list-query';
import type { ColleagueRoute } from './colleague-routes';
import { colleagueChangeInput, colleagueInvitationInput } from './colleagues';

/**
 * The contracts of a partner admin's colleague routes (functions/portal-colleagues.ts). Request bodies are the
 * schemas the service validates with.
 */

const nullableText = { type: ['string', 'null'] };
const colleague: JsonSchema = {
  type: 'object',
  description: 'A partner contact of the admin’s organization, as the Colleagues page shows them.',
  properties: {
    id: { type: 'string' },
    firstName: nullableText,
    lastName: nullableText,
    email: nullableText,
    enabled: { type: 'boolean', description: 'Whether their portal access is switched on.' },
    components: { type: 'array', items: { type: 'string', enum: [...portalComponentNames] } },
    partnerAdmin: { type: 'boolean', description: 'Another admin (or the caller): only staff change their access.' },
    you: { type: 'boolean', description: 'The caller themself.' },
    accessStatus: {
      type: 'string',
      enum: [...accessStatuses],
      description: 'Where their login stands (`invited`: has not chosen a password yet).',
    },
  },
  required: ['id', 'firstName', 'lastName', 'email', 'enabled', 'components', 'partnerAdmin', 'you', 'accessStatus'],
  additionalProperties: false,
};
const colleagueRef = named('Colleague', colleague);
const colleaguePage: JsonSchema = {
  type: 'object',
  properties: {
    items: { type: 'array', items: { $ref: '#/components/schemas/Colleague' } },
    nextCursor: { type: ['string', 'null'], description: 'Pass as `cursor` for the next page; null on the last.' },
  },
  required: ['items', 'nextCursor'],
  additionalProperties: false,
};

const refused = problem(
  `Portal access is not effective now, whatever the reason ("${refusalMessage}"; an Inactive organization stops its ` +
    'admin too), or the person is not a partner admin.',
);
const invalid = (what: string) => problem(`${what}; \`errors\` says which member.`, 'ValidationProblem');
const idParameter = { id: { description: "The colleague's id (a partner contact).", schema: { type: 'string' } } };
const noColleague = problem(
  'No such colleague in the admin’s organization (whether the id exists elsewhere is not said).',
);

export const colleagueContracts = {
  'GET /portal/colleagues': {
    operationId: 'listColleagues',
    tag: 'Portal',
    summary: "The partner contacts of the admin's organization, with their portal access",
    query: pageQueryParameters,
    responses: {
      200: success('One page of colleagues, newest first.', named('ColleaguePage', colleaguePage), noStoreHeader),
      400: invalid('`limit` or `cursor` is not valid, or a query parameter is unknown'),
      403: refused,
    },
  },
  'POST /portal/colleagues': {
    operationId: 'inviteColleague',
    tag: 'Portal',
    summary:
      "Invites a colleague into the admin's organization with portal access (components the admin holds); one login and one invitation however often it is sent",
    requestBody: named('ColleagueInvitation', colleagueInvitationInput()),
    responses: {
      201: success('The new colleague; the invitation email follows.', colleagueRef, {
        location: { description: '`/portal/colleagues/{id}`.', schema: { type: 'string', format: 'uri-reference' } },
      }),
      200: success('This colleague was invited already with exactly this (a retry): nothing new.', colleagueRef),
      400: invalid(
        'The body is not an invitation, or names a setting only staff change (support window, e-sign, PIN, partner admin)',
      ),
      403: problem(
        `${refused.description} Or a component the admin's own portal does not include, or their rights changed meanwhile.`,
      ),
      409: problem('Someone with this email already has portal access (who is not said), or others wrote meanwhile.'),
    },
  },
  'PATCH /portal/colleagues/{id}': {
    operationId: 'updateColleague',
    tag: 'Portal',
    summary: "Switches a colleague's portal access on or off, or changes their components (only ones the admin holds)",
    pathParameters: idParameter,
    requestBody: named('ColleagueChange', colleagueChangeInput()),
    responses: {
      200: success('The colleague as changed.', colleagueRef),
      400: invalid(
        'The body is not a change, or names a setting only staff change (support window, e-sign, PIN, partner admin)',
      ),
      403: problem(
        `${refused.description} Or the colleague is the admin themself or another admin, a component added is not the admin's own, or their rights changed meanwhile.`,
      ),
      404: noColleague,
      409: problem('Someone else holds portal access with this colleague’s email, or the colleague kept changing.'),
    },
  },
  'POST /portal/colleagues/{id}/invitations': {
    operationId: 'resendColleagueInvitation',
    tag: 'Portal',
    summary: 'Sends a colleague who has not signed in yet (or whose invitation failed) a fresh invitation',
    pathParameters: idParameter,
    responses: {
      202: success(
        'The fresh invitation is on its way.',
        named('ColleagueInvitationSent', {
          type: 'object',
          properties: { id: { type: 'string' }, accessStatus: { type: 'string', enum: [...accessStatuses] } },
          required: ['id', 'accessStatus'],
          additionalProperties: false,
        }),
      ),
      403: refused,
      404: noColleague,
      409: problem('The colleague is not invited or failed (they signed in already, or their access is off).'),
      429: problem(
        'An invitation went to this colleague less than a minute ago.',
        'Problem',
        retryAfterHeader('Seconds until another invitation may be sent.'),
      ),
    },
  },
} as const satisfies RouteContracts<ColleagueRoute>;
