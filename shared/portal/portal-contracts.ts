import * as v from 'valibot';
import {
  named,
  noStoreHeader,
  problem,
  retryAfterHeader,
  schemaRef,
  success,
  type RouteContracts,
} from '../http/route-contract';
import { address } from '../modules/fields';
import { portalComponentNames, portalModuleNames } from '../modules/registry';
import { pageQueryParameters } from '../records/list-query';
import { pinAttemptRules } from './pin-attempts';
import { pinChangeRequest, signingRequest } from './portal-requests';
import type { portalRoutes } from './portal-routes';
import { refusalMessage } from './portal-session';

/**
 * The portal API's contracts (functions/portal-api.ts), one per route of shared/portal/portal-routes.ts: what each
 * accepts and every answer it gives. The OpenAPI document is built from these.
 */

const nullableText = v.nullable(v.string());

/** `GET /portal/me`, as portal-service `me` builds it. */
const portalProfile = v.object({
  id: v.string(),
  module: v.picklist(['contacts', 'leads', 'partner-contacts']),
  firstName: nullableText,
  lastName: nullableText,
  email: nullableText,
  phone: nullableText,
  mobile: nullableText,
  title: nullableText,
  mailingAddress: v.nullable(address()),
  organizationName: nullableText,
  components: v.array(v.picklist(portalComponentNames)),
  canESign: v.boolean(),
  /** A partner admin manages their organization's colleagues (`/portal/colleagues`). */
  partnerAdmin: v.boolean(),
  pinReset: v.boolean(),
  hasPin: v.boolean(),
  supportStartDate: nullableText,
  supportEndDate: nullableText,
});

const refused = problem(
  `Portal access is not effective now, whatever the reason ("${refusalMessage}"), or the person's portal does not ` +
    'include this module.',
);
const moduleParameter = {
  description: 'One of the portal modules; the person must have it among their components.',
  schema: { type: 'string', enum: [...portalModuleNames] },
};
const locked = problem(
  `PIN checks are locked: ${pinAttemptRules.limit} wrong PINs within ${pinAttemptRules.windowMs / 60_000} minutes ` +
    '(the last of them is answered with this 423 and `attemptsLeft: 0`). Signing and PIN changes share the count; ' +
    'the PIN is not compared while locked.',
  'PinProblem',
  retryAfterHeader('Seconds until PIN checks are allowed again.'),
);

export const portalContracts = {
  'GET /portal/me': {
    operationId: 'getPortalProfile',
    tag: 'Portal',
    summary: "The signed-in person's profile, organization, components, e-sign settings and support window",
    responses: {
      200: success('The profile.', named('PortalProfile', portalProfile), noStoreHeader),
      403: refused,
    },
  },
  'GET /portal/{module}': {
    operationId: 'listPortalRecords',
    tag: 'Portal',
    summary: "Records of one of the person's portal modules, newest first",
    pathParameters: { module: moduleParameter },
    query: pageQueryParameters,
    responses: {
      200: success('One page of the module’s records.', schemaRef('PortalRecordPage'), noStoreHeader),
      400: problem(
        '`limit` is not a whole number from 1 to the maximum, the cursor is not valid, or a query parameter is unknown.',
        'ValidationProblem',
      ),
      403: refused,
      404: problem('There is no such portal module.'),
    },
  },
  'GET /portal/{module}/{id}': {
    operationId: 'getPortalRecord',
    tag: 'Portal',
    summary: 'One record the person may see',
    pathParameters: { module: moduleParameter, id: { description: "The record's id.", schema: { type: 'string' } } },
    responses: {
      200: success('The record as the portal shows it.', schemaRef('PortalRecord'), noStoreHeader),
      403: refused,
      404: problem(
        'No such module, or no such record in the person’s portal (whether it exists elsewhere is not said).',
      ),
    },
  },
  'PUT /portal/pin': {
    operationId: 'setPortalPin',
    tag: 'Portal',
    summary: 'Sets the first e-sign PIN, or changes it with the current one',
    requestBody: named('PinChange', pinChangeRequest()),
    responses: {
      204: success('The PIN is set.'),
      400: problem('The body is not a valid PIN change; `errors` says which member.', 'ValidationProblem'),
      403: problem(
        'Access is not effective, the person cannot e-sign, PIN changes are not enabled, or the current PIN is ' +
          'wrong or missing (then `attemptsLeft` says how many tries are left).',
        'PinProblem',
      ),
      409: problem('The profile changed meanwhile; try again.'),
      423: locked,
    },
  },
  'POST /portal/sales-orders/{id}/signature': {
    operationId: 'signSalesOrder',
    tag: 'Portal',
    summary: 'Signs a visible, unsigned sales order with the PIN',
    pathParameters: { id: { description: "The sales order's id.", schema: { type: 'string' } } },
    requestBody: named('SigningRequest', signingRequest()),
    responses: {
      201: success('The signature: who, when, from where, and a hash of what was signed.', schemaRef('Signature')),
      400: problem('The body is not a valid signing request; `errors` says which member.', 'ValidationProblem'),
      403: problem(
        'Access is not effective, the portal has no sales orders, the person cannot e-sign, or the PIN is wrong ' +
          '(then `attemptsLeft` says how many tries are left).',
        'PinProblem',
      ),
      404: problem('No such sales order in the person’s portal.'),
      409: problem('Already signed, no PIN set yet, or the order changed while signing.'),
      423: locked,
    },
  },
} as const satisfies RouteContracts<(typeof portalRoutes)[number]>;
