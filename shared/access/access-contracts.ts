import { named, noStoreHeader, problem, retryAfterHeader, success, type RouteContract } from '../http/route-contract';
import type { ModuleDeclaration } from '../modules/registry';
import { passwordResetIntervalSeconds, resendIntervalSeconds } from './access-admin';
import type { AccessOperation } from './access-routes';
import { accessStatuses } from './access-state';
import { ineffectiveReasons } from './evaluate-access';

/**
 * The portal-access routes' contracts (functions/portal-access-api.ts), one per operation of
 * shared/access/access-routes.ts, for each people module: what staff get back and every refusal.
 */

export const timestamp = { type: 'string', format: 'date-time' } as const;
export const status = { type: 'string', enum: [...accessStatuses] } as const;
const reason = { type: 'string', enum: [...ineffectiveReasons] } as const;

const verdict = {
  description: 'Whether access is in effect now, and if not, why.',
  oneOf: [
    {
      type: 'object',
      properties: { effective: { const: true } },
      required: ['effective'],
      additionalProperties: false,
    },
    {
      type: 'object',
      properties: { effective: { const: false }, reason },
      required: ['effective', 'reason'],
      additionalProperties: false,
    },
  ],
};

const accessView = named('PortalAccess', {
  type: 'object',
  description: "A person's portal access now: effectiveness is evaluated at the moment of the request.",
  properties: {
    status,
    reason: { type: 'string', description: 'Why the status is what it is (an ineffective reason, a bounce…).' },
    recordedStatus: {
      ...status,
      description: 'The status last recorded, when the controller has yet to bring the login in line with `status`.',
    },
    effective: { type: 'boolean' },
    ineffectiveBecause: reason,
    invitedAt: timestamp,
    activatedAt: timestamp,
    lastSignInAt: timestamp,
    lastError: { type: 'string' },
    history: {
      type: 'array',
      description: 'The latest history entries, newest first.',
      items: {
        type: 'object',
        properties: {
          at: timestamp,
          actor: { type: 'string', description: '`staff:<sub>`, `controller`, `reconcile`, `ses`, `sign-in`…' },
          event: { type: 'string' },
          detail: { type: 'object', additionalProperties: true },
        },
        required: ['at', 'actor', 'event'],
      },
    },
  },
  required: ['status', 'effective', 'history'],
});

const reconcileOutcome = named('ReconcileOutcome', {
  type: 'object',
  description: 'What a reconcile run did for one person.',
  properties: {
    personId: { type: 'string' },
    status,
    verdict,
    actions: {
      type: 'array',
      items: { type: 'string' },
      description: 'What this run changed, in order: empty when everything already agreed.',
    },
  },
  required: ['personId', 'status', 'verdict', 'actions'],
});

const passwordResetRequested = named('PasswordResetRequested', {
  type: 'object',
  properties: {
    personId: { type: 'string' },
    status: { const: 'active' },
    passwordResetRequestedAt: timestamp,
  },
  required: ['personId', 'status', 'passwordResetRequestedAt'],
});

const tag = 'Portal access';

export const accessContracts: {
  readonly [operation in AccessOperation]: (module: ModuleDeclaration) => RouteContract;
} = {
  status: (module) => ({
    operationId: `get${pascal(module)}PortalAccess`,
    tag,
    summary: `Portal access of a ${module.label}: status, whether it is in effect now and why not, history`,
    pathParameters: { id: idParameter(module) },
    responses: {
      200: success('The access status and its latest history entries.', accessView, noStoreHeader),
      404: notFound(module),
    },
  }),
  resendInvitation: (module) => ({
    operationId: `resend${pascal(module)}Invitation`,
    tag,
    summary: 'Send the invitation again, with a new temporary password',
    pathParameters: { id: idParameter(module) },
    responses: {
      202: success('The invitation is on its way; the reconcile run that sent it.', reconcileOutcome),
      404: notFound(module),
      409: problem('Only someone invited, or whose invitation failed, can be invited again; `detail` says why not.'),
      429: problem(
        `An invitation went to this person less than ${resendIntervalSeconds} seconds ago.`,
        'Problem',
        retryAfterHeader('Seconds until an invitation may be sent again.'),
      ),
    },
  }),
  passwordReset: (module) => ({
    operationId: `reset${pascal(module)}Password`,
    tag,
    summary: 'Email the person a code to choose a new password (Cognito AdminResetUserPassword)',
    description:
      'For someone active: their password stops working at once, and Cognito emails their sign-in address a code ' +
      'to choose a new one (the hosted login asks for it at the next sign-in). The history records who asked.',
    pathParameters: { id: idParameter(module) },
    responses: {
      202: success(
        'The code is on its way; `passwordResetRequestedAt` says when it was asked for.',
        passwordResetRequested,
      ),
      404: notFound(module),
      409: problem(
        'Only someone active (who has chosen a password, and whose access is in effect) can get a reset code; ' +
          'an invited person gets the invitation again instead. `detail` says why not.',
      ),
      429: problem(
        `A reset code went to this person less than ${passwordResetIntervalSeconds} seconds ago.`,
        'Problem',
        retryAfterHeader('Seconds until a reset code may be sent again.'),
      ),
    },
  }),
  reconcile: (module) => ({
    operationId: `reconcile${pascal(module)}PortalAccess`,
    tag,
    summary: "Bring the person's Cognito login in line with the CRM now",
    description:
      'A person deleted from the CRM whose login or access item is left is reconciled (the login is deleted); an id ' +
      'that names nothing in the CRM, the access items or Cognito answers 404, as the status route does.',
    pathParameters: { id: idParameter(module) },
    responses: {
      200: success('What this run changed (`actions`) and the resulting status.', reconcileOutcome),
      404: notFound(module),
    },
  }),
};

function pascal(module: ModuleDeclaration): string {
  // `partner-contacts` → `PartnerContact`: the module's label, one word per capital.
  return module.label.replace(/(^|\s)(\w)/g, (_, _space, letter: string) => letter.toUpperCase());
}

function idParameter(module: ModuleDeclaration) {
  return { description: `The ${module.label}'s id.`, schema: { type: 'string', pattern: `^${module.idPrefix}_` } };
}

function notFound(module: ModuleDeclaration) {
  return problem(`There is no ${module.label} with this id.`);
}
