import { named, noStoreHeader, success, type RouteContracts } from '../http/route-contract';
import { quotaNames, quotas } from '../quotas/quota-rates';
import type { provisioningBacklogRoutes } from './provisioning-backlog';

/** The contract of staff's view of the provisioning backlog (shared/provisioning/provisioning-backlog.ts). */

const rate = (description: string) => ({
  type: ['number', 'null'],
  description: `${description}: permits per second, \`null\` when unlimited.`,
});

export const provisioningBacklogContracts = {
  'GET /provisioning/backlog': {
    operationId: 'getProvisioningBacklog',
    tag: 'Portal access',
    summary: 'How many people wait for a login and invitation, the rates, and the estimated time to drain',
    description:
      'Counts the people whose recorded access status is `pending` (an index Query with `Select: COUNT`, never a ' +
      'Scan), and gives the account-wide rates provisioning is paced at and the time the backlog takes at the ' +
      'binding one (each pending person needs one Cognito creation and one SES send).',
    responses: {
      200: success(
        'The provisioning backlog now.',
        named('ProvisioningBacklog', {
          type: 'object',
          properties: {
            pending: { type: 'integer', minimum: 0, description: 'People waiting for a login and invitation.' },
            exact: {
              type: 'boolean',
              description: 'False when the count stopped at its page bound: `pending` is then a lower bound.',
            },
            rates: {
              type: 'object',
              properties: Object.fromEntries(quotaNames.map((name) => [name, rate(quotas[name].description)])),
              required: [...quotaNames],
            },
            bindingQuota: {
              type: ['string', 'null'],
              enum: ['cognitoCreate', 'sesSend', null],
              description: 'The slower of the quotas provisioning needs; `null` when both are unlimited.',
            },
            estimatedDrainSeconds: {
              type: ['integer', 'null'],
              minimum: 0,
              description: '`pending` ÷ the binding rate, rounded up; `null` when no quota binds.',
            },
          },
          required: ['pending', 'exact', 'rates', 'bindingQuota', 'estimatedDrainSeconds'],
        }),
        noStoreHeader,
      ),
    },
  },
} as const satisfies RouteContracts<(typeof provisioningBacklogRoutes)[number]>;
