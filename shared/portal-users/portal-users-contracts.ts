import { named, noStoreHeader, problem, success, type RouteContracts } from '../http/route-contract';
import { pageQueryParameters } from '../records/list-query';
import { status, timestamp } from '../access/access-contracts';
import type { portalUsersRoutes } from '../access/access-routes';
import { listedStatuses } from './portal-users';

/** The contract of staff's list of everyone with portal access (shared/portal-users/portal-users.ts). */

const tag = 'Portal access';

const portalUser = {
  type: 'object',
  description: 'One person with portal access: the status the access machine last recorded, and who they are.',
  properties: {
    personId: { type: 'string' },
    module: { type: 'string', description: 'The people module the person belongs to: `contacts`, `partner-contacts`…' },
    status: { ...status, description: "The recorded status (the person's own status route also evaluates it now)." },
    firstName: { type: 'string' },
    lastName: { type: 'string' },
    email: { type: 'string' },
    reason: { type: 'string', description: 'Why the status is what it is (an ineffective reason, a bounce…).' },
    lastError: { type: 'string', description: 'The last provisioning error, for a `failed` status.' },
    invitedAt: timestamp,
    activatedAt: timestamp,
    lastSignInAt: timestamp,
    updatedAt: timestamp,
    personDeleted: { const: true, description: "The person's record is gone; the access item and history remain." },
  },
  required: ['personId', 'module', 'status'],
} as const;

export const portalUsersContracts = {
  'GET /portal-users': {
    operationId: 'listPortalUsers',
    tag,
    summary: 'Everyone with portal access and their status, optionally of one status',
    description:
      'Without `status`, every person who ever had portal access, by id; with it, the people whose recorded status ' +
      'is that one, most recent change first (`invited` is invited and never signed in with a password of their ' +
      'own). One index Query per page.',
    query: {
      ...pageQueryParameters,
      status: {
        description: 'Only people with this recorded status.',
        schema: { type: 'string', enum: [...listedStatuses] },
      },
    },
    responses: {
      200: success(
        'One page of people with portal access.',
        named('PortalUserPage', {
          type: 'object',
          properties: {
            items: { type: 'array', items: portalUser },
            nextCursor: {
              type: ['string', 'null'],
              description: 'Pass as `cursor` for the next page; `null` on the last.',
            },
          },
          required: ['items', 'nextCursor'],
        }),
        noStoreHeader,
      ),
      400: problem(
        '`status` is not a listed status, `limit` is not a whole number from 1 to the maximum, the cursor is not valid, ' +
          'or a query parameter is unknown.',
        'ValidationProblem',
      ),
    },
  },
} as const satisfies RouteContracts<(typeof portalUsersRoutes)[number]>;
