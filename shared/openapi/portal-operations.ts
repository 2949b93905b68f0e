import { problemContentType } from '../http/problem';
import { maxPageSize } from '../records/list-query';
import { pinAttemptRules } from '../portal/pin-attempts';

/**
 * The portal API's operations for the OpenAPI document (functions/portal-api.ts): the statuses each route
 * really answers, keyed by route like the document's other platform operations.
 */
type JsonObject = Record<string, unknown>;

const ref = (kind: 'schemas' | 'responses' | 'parameters' | 'headers', name: string) => ({
  $ref: `#/components/${kind}/${name}`,
});
const json = (schema: JsonObject) => ({ 'application/json': { schema } });
const correlationHeader = { 'x-correlation-id': ref('headers', 'CorrelationId') };
const problem = (description: string, headers: JsonObject = {}): JsonObject => ({
  description,
  headers: { ...correlationHeader, ...headers },
  content: { [problemContentType]: { schema: ref('schemas', 'Problem') } },
});

const refused = problem(
  'Portal access is not effective now (one answer whatever the reason), or the action is not allowed for this person.',
);
const pin = { type: 'string', pattern: '^[0-9]{4,8}$', description: '4 to 8 digits.' };
const attemptsLeft = {
  type: 'integer',
  minimum: 0,
  maximum: pinAttemptRules.limit - 1,
  description: 'On a wrong PIN: how many more may be tried before PIN checks are locked.',
};
const wrongPin = (what: string): JsonObject => ({
  description: `${what}, or a wrong PIN (\`attemptsLeft\` says how many tries are left).`,
  headers: correlationHeader,
  content: {
    [problemContentType]: {
      schema: { allOf: [ref('schemas', 'Problem'), { type: 'object', properties: { attemptsLeft } }] },
    },
  },
});
const locked = problem(
  `PIN checks are locked: ${pinAttemptRules.limit} PINs were tried within ${pinAttemptRules.windowMs / 60_000} minutes ` +
    '(the last of them answered with `attemptsLeft: 0`). Signing and PIN changes share the count; the PIN is not ' +
    'compared while locked.',
  {
    'retry-after': {
      description: 'Seconds until PIN checks are allowed again.',
      schema: { type: 'integer', minimum: 1 },
    },
  },
);
const bodyErrors = {
  400: ref('responses', 'BadRequest'),
  413: ref('responses', 'PayloadTooLarge'),
  415: ref('responses', 'UnsupportedMediaType'),
};
const record = { type: 'object', description: 'The record as the portal shows it (no staff-only fields).' };

export const portalOperations: Record<string, { tag: string; operation: JsonObject }> = {
  'GET /portal/me': {
    tag: 'portal',
    operation: {
      operationId: 'getPortalProfile',
      summary: "The signed-in person's profile, organization, components, e-sign settings and support window",
      responses: {
        200: { description: 'The profile.', headers: correlationHeader, content: json({ type: 'object' }) },
        403: refused,
      },
    },
  },
  'GET /portal/{module}': {
    tag: 'portal',
    operation: {
      operationId: 'listPortalRecords',
      summary: "Records of one of the person's portal modules, newest first",
      parameters: [ref('parameters', 'Limit'), ref('parameters', 'Cursor')],
      responses: {
        200: {
          description: 'One page.',
          headers: correlationHeader,
          content: json({
            type: 'object',
            properties: { items: { type: 'array', items: record }, nextCursor: { type: ['string', 'null'] } },
            required: ['items', 'nextCursor'],
          }),
        },
        400: {
          ...(ref('responses', 'BadRequest') as JsonObject),
          description: `\`limit\` is not a whole number from 1 to ${maxPageSize}, or the cursor is not valid.`,
        },
        403: refused,
        404: problem('There is no such portal module.'),
      },
    },
  },
  'GET /portal/{module}/{id}': {
    tag: 'portal',
    operation: {
      operationId: 'getPortalRecord',
      summary: 'One record the person may see',
      responses: {
        200: { description: 'The record.', headers: correlationHeader, content: json(record) },
        403: refused,
        404: problem('No such record in the person’s portal (whether it exists elsewhere is not said).'),
      },
    },
  },
  'PUT /portal/pin': {
    tag: 'portal',
    operation: {
      operationId: 'setPortalPin',
      summary: 'Sets the first e-sign PIN, or changes it with the current one',
      requestBody: {
        required: true,
        content: json({
          type: 'object',
          properties: { currentPin: pin, newPin: pin },
          required: ['newPin'],
          additionalProperties: false,
        }),
      },
      responses: {
        204: { description: 'The PIN is set.', headers: correlationHeader },
        ...bodyErrors,
        403: wrongPin('The person cannot e-sign, or PIN changes are not enabled'),
        409: problem('The profile changed meanwhile; try again.'),
        423: locked,
      },
    },
  },
  'POST /portal/sales-orders/{id}/signature': {
    tag: 'portal',
    operation: {
      operationId: 'signPortalSalesOrder',
      summary: 'Signs a visible, unsigned sales order with the PIN',
      requestBody: {
        required: true,
        content: json({ type: 'object', properties: { pin }, required: ['pin'], additionalProperties: false }),
      },
      responses: {
        201: {
          description: 'The signature: who, when, from where, and a hash of what was signed.',
          headers: correlationHeader,
          content: json({ type: 'object' }),
        },
        ...bodyErrors,
        403: wrongPin('Access is not effective, or the person cannot e-sign'),
        404: problem('No such sales order in the person’s portal.'),
        409: problem('Already signed, no PIN set yet, or the order changed while signing.'),
        423: locked,
      },
    },
  },
};
