import { success, type RouteContracts } from '../http/route-contract';

/**
 * The contracts of the routes no area declares (shared/declarations/functions.ts lists them inline): health, the
 * staff caller's identity and this document.
 */
type PlatformRoute =
  { method: 'GET'; path: '/health' } | { method: 'GET'; path: '/me' } | { method: 'GET'; path: '/openapi.json' };

const checkStatus = { type: 'string', enum: ['ok', 'fail'] } as const;
const healthReport = {
  type: 'object',
  properties: {
    status: checkStatus,
    checks: {
      type: 'object',
      properties: {
        table: {
          type: 'object',
          properties: {
            status: checkStatus,
            latencyMs: { type: 'integer', minimum: 0 },
            reason: { type: 'string', description: 'Why the check failed.' },
          },
          required: ['status', 'latencyMs'],
        },
      },
      required: ['table'],
    },
  },
  required: ['status', 'checks'],
} as const;
const healthHeaders = {
  'cache-control': { description: 'A probe answer is never cached.', schema: { const: 'no-store' } },
} as const;

export const platformContracts = {
  'GET /health': {
    operationId: 'getHealth',
    tag: 'Platform',
    summary: 'Whether the dependencies Portico needs are reachable',
    responses: {
      200: success('Every dependency answered.', { name: 'HealthReport', schema: healthReport }, healthHeaders),
      503: success(
        'A dependency failed; `checks` says which.',
        { name: 'HealthReport', schema: healthReport },
        healthHeaders,
      ),
    },
  },
  'GET /me': {
    operationId: 'getCurrentStaffUser',
    tag: 'Platform',
    summary: 'Who the calling staff user is, as the staff authorizer saw them',
    responses: {
      200: success('The caller.', {
        name: 'StaffIdentity',
        schema: {
          type: 'object',
          properties: {
            subject: { type: 'string' },
            username: { type: ['string', 'null'] },
            clientId: { type: ['string', 'null'] },
            tokenUse: { type: ['string', 'null'] },
          },
          required: ['subject', 'username', 'clientId', 'tokenUse'],
        },
      }),
    },
  },
  'GET /openapi.json': {
    operationId: 'getOpenApiDocument',
    tag: 'Platform',
    summary: 'This document',
    responses: {
      200: success(
        'The OpenAPI 3.1 description of the API.',
        {
          type: 'object',
          description: 'An OpenAPI 3.1 document (https://spec.openapis.org/oas/3.1/schema/2022-10-07).',
          properties: {
            openapi: { const: '3.1.0' },
            info: { type: 'object', additionalProperties: true },
            servers: {
              type: 'array',
              items: {
                type: 'object',
                properties: { url: { type: 'string' } },
                required: ['url'],
                additionalProperties: true,
              },
            },
            tags: {
              type: 'array',
              items: {
                type: 'object',
                properties: { name: { type: 'string' }, description: { type: 'string' } },
                required: ['name'],
                additionalProperties: true,
              },
            },
            paths: { type: 'object', additionalProperties: true },
            components: { type: 'object', additionalProperties: true },
          },
          required: ['openapi', 'info', 'paths', 'components'],
        },
        {
          'cache-control': {
            description: 'The same for every caller until the next deployment.',
            schema: { type: 'string', const: 'max-age=300' },
          },
        },
      ),
    },
  },
} as const satisfies RouteContracts<PlatformRoute>;
