import type { ProblemKind } from '../http/route-contract';
import { modules } from '../modules/registry';

/** Claimed fields: a person's own, and those of a person created inline (`primaryContact.email`). */
const claimedFields = ['email', 'portal.username'];
const conflictFields = [
  ...claimedFields,
  ...modules.flatMap((module) =>
    module.createsWith ? claimedFields.map((field) => `${module.createsWith!.field}.${field}`) : [],
  ),
];

/**
 * The problem documents (RFC 9457) the API answers, one named schema per kind of extension members
 * (shared/http/route-contract.ts `ProblemKind`); shared/http/problem.ts writes them, the domain errors add the members.
 */
type JsonObject = Record<string, unknown>;

const problemRef = { $ref: '#/components/schemas/Problem' };
const extended = (description: string, properties: JsonObject, required: string[] = []): JsonObject => ({
  description,
  allOf: [problemRef, { type: 'object', properties, ...(required.length ? { required } : {}) }],
});

export const problemSchemas: Record<ProblemKind, JsonObject> = {
  Problem: {
    type: 'object',
    description: 'RFC 9457 problem details. The kinds below add their own members.',
    properties: {
      type: { type: 'string', format: 'uri-reference', description: 'Names the kind of problem: `/problems/<slug>`.' },
      title: { type: 'string' },
      status: { type: 'integer', minimum: 400, maximum: 599 },
      detail: { type: 'string' },
      correlationId: { type: 'string', description: 'Quote it when reporting a problem; also in `x-correlation-id`.' },
    },
    required: ['type', 'title', 'status', 'detail', 'correlationId'],
  },
  ValidationProblem: extended(
    'A request that is not valid: `errors` lists each problem.',
    {
      errors: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            path: { type: 'string', description: 'JSON Pointer to the offending member, e.g. `/portal/pin`.' },
            message: { type: 'string' },
          },
          required: ['path', 'message'],
        },
      },
    },
    ['errors'],
  ),
  ConflictProblem: extended('A change that conflicts with the stored data.', {
    conflict: {
      type: 'object',
      description: 'A portal email or username another person holds: which field, and who holds it.',
      properties: {
        field: { type: 'string', enum: [...new Set(conflictFields)] },
        holderId: { type: 'string', description: 'The id of the person holding it, when known.' },
      },
      required: ['field'],
    },
    linkCount: {
      type: 'integer',
      minimum: 1,
      description: 'An organization that records still link to: how many.',
    },
  }),
  PinProblem: extended(
    'A refusal on the PIN routes: after a wrong PIN, `attemptsLeft` says how many more may be tried.',
    {
      attemptsLeft: {
        type: 'integer',
        minimum: 0,
        description: 'How many more PINs may be tried before PIN checks are locked (0: now locked).',
      },
    },
  ),
};
