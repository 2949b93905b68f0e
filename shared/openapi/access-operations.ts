import { accessRoutes, type AccessOperation, type AccessRoute } from '../access/access-routes';
import { problemContentType } from '../http/problem';
import type { ModuleDeclaration } from '../modules/registry';

/**
 * The portal-access routes of every people module (shared/access/access-routes.ts) as OpenAPI operations, with the
 * statuses functions/portal-access-api.ts answers. The staff-facing contract of what each action refuses and why.
 */
type JsonObject = Record<string, unknown>;

const correlationHeader = { 'x-correlation-id': { $ref: '#/components/headers/CorrelationId' } };
const problem = (description: string, headers: JsonObject = {}): JsonObject => ({
  description,
  headers: { ...correlationHeader, ...headers },
  content: { [problemContentType]: { schema: { $ref: '#/components/schemas/Problem' } } },
});
const success = (description: string): JsonObject => ({
  description,
  headers: correlationHeader,
  content: { 'application/json': { schema: { type: 'object' } } },
});
const retryAfter = {
  'retry-after': {
    description: 'Seconds until the action may be asked again.',
    schema: { type: 'integer', minimum: 1 },
  },
};

function describe(module: ModuleDeclaration): Record<AccessOperation, JsonObject> {
  const notFound = problem(`There is no ${module.label} with this id.`);
  return {
    status: {
      summary: `Portal access of a ${module.label}: status, whether it is in effect now and why not, history`,
      responses: { 200: success('The access status and its latest history entries.'), 404: notFound },
    },
    resendInvitation: {
      summary: 'Send the invitation again, with a new temporary password',
      responses: {
        202: success('The invitation is on its way.'),
        404: notFound,
        409: problem('Only someone invited, or whose invitation failed, can be invited again; `detail` says why not.'),
        429: problem('An invitation went to this person less than a minute ago.', retryAfter),
      },
    },
    passwordReset: {
      summary: 'Email the person a code to choose a new password (Cognito AdminResetUserPassword)',
      description:
        'For someone active: their password stops working at once, and Cognito emails their sign-in address a code ' +
        'to choose a new one (the hosted login asks for it at the next sign-in). The history records who asked.',
      responses: {
        202: success('The code is on its way; `passwordResetRequestedAt` says when it was asked for.'),
        404: notFound,
        409: problem(
          'Only someone active (who has chosen a password, and whose access is in effect) can get a reset code; ' +
            'an invited person gets the invitation again instead. `detail` says why not.',
        ),
        429: problem('A reset code went to this person less than a minute ago.', retryAfter),
      },
    },
    reconcile: {
      summary: "Bring the person's Cognito login in line with the CRM now",
      responses: { 200: success('What this run changed (`actions`) and the resulting status.'), 404: notFound },
    },
  };
}

const byRouteKey = new Map<string, AccessRoute>(accessRoutes().map((route) => [route.routeKey, route]));

/** The OpenAPI operation of a portal-access route, or undefined for any other route. */
export function accessOperation(routeKey: string): { tag: string; operation: JsonObject } | undefined {
  const route = byRouteKey.get(routeKey);
  if (!route) return undefined;
  const { summary, description, responses } = describe(route.module)[route.operation];
  return {
    tag: 'portal-access',
    operation: {
      operationId: `${route.operation}${route.module.name.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase())}PortalAccess`,
      summary,
      ...(description ? { description } : {}),
      parameters: [
        {
          name: 'id',
          in: 'path',
          required: true,
          description: `The ${route.module.label}'s id.`,
          schema: { type: 'string', pattern: `^${route.module.idPrefix}_` },
        },
      ],
      responses,
    },
  };
}
