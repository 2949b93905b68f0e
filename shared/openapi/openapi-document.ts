import { version } from '../../package.json';
import type { RouteContract } from '../http/route-contract';
import type { RouteAuth, RouteBinding } from '../http/routes';
import { maxBodyBytes } from '../http/request';
import { problemContentType } from '../http/problem';
import { moduleRoutes, type ModuleRoute, type RecordOperation } from '../modules/module-routes';
import type { ModuleDeclaration } from '../modules/registry';
import { defaultPageSize, maxPageSize, maxSearchLength } from '../records/list-query';
import { maxTermLength } from '../records/search-terms';
import { contractOperation, ContractSchemas, unknownQueryNote } from './contract-operation';
import { jsonSchemaOf } from './json-schema';
import { problemSchemas } from './problem-schemas';
import { signatureJsonSchema } from '../modules/sales-order-content';
import { quoteDecisionJsonSchema } from '../modules/quote-content';
import { declaredContract } from './route-contracts';
import { portalRecordSchemas } from './portal-record-schemas';
import { partnerLeadStages } from '../deals/partner-leads';

/**
 * The OpenAPI 3.1 description of the API, derived from the function registry (routes and their auth) and
 * the module registry (schemas, filters, derived fields). Nothing here names a module: a module added to
 * the registry gets its paths and schemas without an edit to this file.
 */

/** A JSON Schema (2020-12, the dialect of OpenAPI 3.1) or any other OpenAPI object, as plain JSON. */
export type JsonObject = Record<string, unknown>;

export interface OpenApiDocument extends JsonObject {
  readonly openapi: '3.1.0';
  readonly info: JsonObject;
  readonly paths: Record<string, Record<string, JsonObject>>;
  readonly components: {
    readonly schemas: Record<string, JsonObject>;
    readonly responses: Record<string, JsonObject>;
    readonly parameters: Record<string, JsonObject>;
    readonly headers: Record<string, JsonObject>;
    readonly securitySchemes: Record<string, JsonObject>;
  };
}

export interface OpenApiSources {
  /** Every HTTP route with its auth: `routeTable()`. */
  readonly routes: readonly RouteBinding[];
  /** The module registry. */
  readonly modules: readonly ModuleDeclaration[];
  /** Where the API is served; left out, clients resolve paths against the document's own URL. */
  readonly serverUrl?: string;
  /** The contract of each route no module declares; by default the declared ones (route-contracts.ts). */
  readonly contracts?: (route: RouteBinding, modules: readonly ModuleDeclaration[]) => RouteContract | undefined;
}

const jsonContentType = 'application/json';
const mergePatchContentType = 'application/merge-patch+json';

const schemaRef = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const responseRef = (name: string) => ({ $ref: `#/components/responses/${name}` });
const headerRef = (name: string) => ({ $ref: `#/components/headers/${name}` });
const parameterRef = (name: string) => ({ $ref: `#/components/parameters/${name}` });

const pascalCase = (words: string) =>
  words
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join('');

const clone = <T>(value: T): T => structuredClone(value);

/** Names of one module's schemas and operations: `Contact`, `ContactInput`, `listContacts`. */
function namesOf(module: ModuleDeclaration) {
  const singular = pascalCase(module.label);
  return {
    output: singular,
    input: `${singular}Input`,
    patch: `${singular}Patch`,
    page: `${singular}Page`,
    singular,
    plural: pascalCase(module.name),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Schemas

/** The request body JSON Schema of a module's schema, as clients send it (before trimming and lower-casing). */
const inputJsonSchema = (schema: ModuleDeclaration['schema']): JsonObject => jsonSchemaOf(schema, 'input');

type ObjectSchema = JsonObject & { properties?: Record<string, JsonObject>; required?: string[] };

const isObjectSchema = (schema: unknown): schema is ObjectSchema =>
  typeof schema === 'object' && schema !== null && (schema as JsonObject).type === 'object';

/**
 * The record service keeps the portal PIN as a salted hash: `portal.pin` is write-only and a record read
 * back shows `portal.hasPin` instead (record-service `toPublicRecord`).
 */
const writeOnlyPortalField = 'pin';
const portalPinFlag = 'hasPin';

function portalSchemaOf(schema: ObjectSchema): ObjectSchema | undefined {
  const portal = schema.properties?.portal;
  return isObjectSchema(portal) && portal.properties?.[writeOnlyPortalField] ? portal : undefined;
}

function createSchema(module: ModuleDeclaration): ObjectSchema {
  const schema = inputJsonSchema(module.schema) as ObjectSchema;
  for (const [name, value] of Object.entries(module.defaults)) {
    const property = schema.properties?.[name];
    if (property) property.default = clone(value);
  }
  const pin = portalSchemaOf(schema)?.properties?.[writeOnlyPortalField];
  if (pin) {
    pin.writeOnly = true;
    pin.description = `Write-only: stored as a salted hash and never returned; a record shows \`portal.${portalPinFlag}\`.`;
  }
  return schema;
}

/** Adds `null` to what a schema accepts: in a merge patch, `null` removes the member. */
function nullable(schema: JsonObject): JsonObject {
  if (typeof schema.type === 'string' && !('const' in schema)) {
    const widened: JsonObject = { ...schema, type: [schema.type, 'null'] };
    if (Array.isArray(schema.enum)) widened.enum = [...(schema.enum as unknown[]), null];
    return widened;
  }
  return { anyOf: [schema, { type: 'null' }] };
}

/**
 * RFC 7396 merge patch of an object schema: every member optional, nested objects alike; `null` (which removes a
 * member) only for members the merged record may lack. A required member removed would leave the record invalid,
 * which the API refuses with 400, so the document refuses it too. A member with a default gets the default back.
 */
function mergePatchOf(schema: JsonObject): JsonObject {
  if (!isObjectSchema(schema) || !schema.properties) return schema;
  const { required, properties, ...rest } = schema;
  const mandatory = new Set(required ?? []);
  return {
    ...rest,
    properties: Object.fromEntries(
      Object.entries(properties).map(([name, property]) => {
        const { default: _default, ...patched } = mergePatchOf(property);
        return [name, mandatory.has(name) ? patched : nullable(patched)];
      }),
    ),
  };
}

function patchSchema(module: ModuleDeclaration, input: ObjectSchema): JsonObject {
  const { description: _description, ...patch } = mergePatchOf(clone(input));
  return {
    ...patch,
    description:
      `A JSON merge patch (RFC 7396) of a ${module.label}: members sent replace the stored ones, \`null\` ` +
      'removes an optional field (one with a default gets the default back; a required field cannot be ' +
      'removed), nested objects merge member by member and arrays are replaced whole. The merged ' +
      `${module.label} must still be a valid ${namesOf(module).input}.`,
  };
}

/**
 * A create body that may also carry a new record this one references (`createsWith`: a partner organization's
 * `primaryContact`): that record's own input, less the reference back, which the server sets.
 */
function withInlineCreate(
  module: ModuleDeclaration,
  modules: readonly ModuleDeclaration[],
  input: ObjectSchema,
): ObjectSchema {
  const inline = module.createsWith;
  const target = inline && modules.find((candidate) => candidate.name === inline.module);
  if (!inline || !target) return input;
  const { [inline.backReference]: _back, ...properties } = createSchema(target).properties ?? {};
  const nested = createSchema(target);
  const targetLabel = target.label;
  return {
    ...input,
    description:
      `${String(input.description)} With \`${inline.field}\`, a new ${targetLabel} is created in the same ` +
      `transaction, its \`${inline.backReference}\` this ${module.label} and this ${module.label}'s ` +
      `\`${inline.reference}\` it: both are created or neither is. Not together with \`${inline.reference}\`; ` +
      `problems with it are reported under \`/${inline.field}/…\`.`,
    properties: {
      ...input.properties,
      [inline.field]: {
        ...nested,
        properties,
        required: (nested.required ?? []).filter((name) => name !== inline.backReference),
        description: `The new ${targetLabel}, its \`${inline.backReference}\` left out (it is this ${module.label}).`,
      },
    },
  };
}

const readOnly = (schema: JsonObject, description?: string): JsonObject => ({
  ...schema,
  readOnly: true,
  ...(description ? { description } : {}),
});

/** A JSON Schema for a value a `derive` function produced, read from the value itself. */
function schemaOfValue(value: unknown): JsonObject {
  if (typeof value === 'number') return { type: 'number' };
  if (typeof value === 'string') return { type: 'string' };
  if (typeof value === 'boolean') return { type: 'boolean' };
  if (Array.isArray(value)) return { type: 'array' };
  return {};
}

/** Schemas of the fields modules declare `serverOwned`, by field name. */
const serverOwnedSchemas: Record<string, JsonObject> = {
  signature: schemaRef('Signature'),
  decision: schemaRef('QuoteDecision'),
  // A ticket's, written by shared/tickets/portal-tickets.ts and the conversation (ticket-comments.ts).
  source: {
    type: 'string',
    enum: ['portal'],
    description: '`portal` for a ticket the person raised on the portal; absent on one staff created.',
  },
  awaitingReply: {
    type: 'boolean',
    description: "Whose turn it is in the conversation: true after a staff reply (the person's), false after theirs.",
  },
  lastCommentAt: { type: 'string', format: 'date-time', description: 'When the last public comment was written.' },
  // A lead's and a deal registration's, written by shared/deals.
  dealRegistrationId: { type: 'string', description: 'The deal registration whose approval brought the lead.' },
  protectedUntil: {
    type: 'string',
    format: 'date',
    description: 'The last day an approved deal registration protects the partner.',
  },
  partnerDecision: schemaRef('PartnerLeadDecision'),
  partnerStage: {
    type: 'string',
    enum: [...partnerLeadStages],
    description: 'The progress the partner reports on a lead it accepted.',
  },
  decidedAt: { type: 'string', format: 'date-time', description: 'When staff approved, rejected or expired it.' },
  conflicts: {
    type: 'array',
    description:
      'Registrations of other partners and leads naming the same prospect (company or email domain): for staff, never shown to the partner.',
    items: {
      type: 'object',
      properties: {
        recordId: { type: 'string' },
        module: { type: 'string', enum: ['deal-registrations', 'leads'] },
        matchedOn: { type: 'string', enum: ['company', 'domain'] },
        partnerId: { type: 'string' },
      },
      required: ['recordId', 'module', 'matchedOn'],
      additionalProperties: false,
    },
  },
  // An organization's or person's, written by CSV imports (shared/imports).
  externalId: {
    type: 'string',
    description:
      'The key a CSV import matched this record by (its `externalId` column); absent on records no import keyed.',
  },
};

/** The server's fields on every record, after the client's ones (record-service `toPublicRecord`). */
function serverFields(): Record<string, JsonObject> {
  const timestamp = { type: 'string', format: 'date-time' };
  return {
    version: readOnly({ type: 'integer', minimum: 1 }, 'Grows by one with every change; the ETag is `"v<version>"`.'),
    createdAt: readOnly(timestamp),
    createdBy: readOnly({ type: 'string' }, 'The subject of the staff user who created the record.'),
    updatedAt: readOnly(timestamp),
    updatedBy: readOnly({ type: 'string' }, 'The subject of the staff user who changed the record last.'),
  };
}

/** Drops what only a request has: write-only members, defaults, and the ban on unknown members. */
function responseShape(schema: JsonObject): JsonObject {
  if (Array.isArray(schema)) return schema.map((item) => responseShape(item as JsonObject)) as unknown as JsonObject;
  if (typeof schema !== 'object' || schema === null) return schema;
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'default' || key === 'writeOnly' || (key === 'additionalProperties' && value === false)) continue;
    result[key] =
      key === 'properties'
        ? Object.fromEntries(
            Object.entries(value as Record<string, JsonObject>)
              .filter(([, property]) => property.writeOnly !== true)
              .map(([name, property]) => [name, responseShape(property)]),
          )
        : typeof value === 'object' && value !== null
          ? responseShape(value as JsonObject)
          : value;
  }
  return result;
}

function outputSchema(module: ModuleDeclaration, input: ObjectSchema): JsonObject {
  const fields = responseShape(clone(input)) as ObjectSchema;
  const portal = portalSchemaOf(input) && (fields.properties?.portal as ObjectSchema | undefined);
  if (portal) {
    portal.properties = {
      ...portal.properties,
      [portalPinFlag]: readOnly({ type: 'boolean' }, 'Whether a PIN is set (the PIN itself is never returned).'),
    };
    portal.required = [...(portal.required ?? []), portalPinFlag];
  }
  // Written by the server only (a sales order's signature); absent until it happens.
  const owned = (module.serverOwned ?? []).map((name) => {
    const schema = serverOwnedSchemas[name];
    if (!schema) throw new Error(`No schema for the server-owned field ${name} of ${module.name}`);
    return [name, readOnly(schema)] as const;
  });
  const derived = Object.entries(module.derive?.({}) ?? {}).map(
    ([name, sample]) => [name, readOnly(schemaOfValue(sample), 'Derived by the server on every write.')] as const,
  );
  const server = serverFields();
  const properties = {
    id: readOnly(
      { type: 'string', pattern: `^${module.idPrefix}_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$` },
      `The ${module.label}'s id, assigned by the server.`,
    ),
    ...fields.properties,
    ...Object.fromEntries(derived),
    ...Object.fromEntries(owned),
    ...server,
  };
  const required = new Set([
    'id',
    ...(fields.required ?? []),
    ...Object.keys(module.defaults).filter((name) => name in properties),
    ...derived.map(([name]) => name),
    ...Object.keys(server),
  ]);
  return { ...fields, properties, required: [...required], description: `A ${module.label} as the API returns it.` };
}

function pageSchema(module: ModuleDeclaration): JsonObject {
  return {
    type: 'object',
    description: `One page of ${module.label} records, newest first.`,
    properties: {
      items: { type: 'array', items: schemaRef(namesOf(module).output) },
      nextCursor: {
        type: ['string', 'null'],
        description: 'Pass as `cursor` for the next page; `null` on the last page.',
      },
    },
    required: ['items', 'nextCursor'],
  };
}

/** What API Gateway itself answers before a function runs (no token, throttled). */
const gatewayMessageSchema: JsonObject = {
  type: 'object',
  properties: { message: { type: 'string' } },
  required: ['message'],
};

// ---------------------------------------------------------------------------------------------------------------
// Responses, headers and parameters shared by every operation

const problemContent = (schema = 'Problem') => ({ [problemContentType]: { schema: schemaRef(schema) } });
const correlationHeader = { 'x-correlation-id': headerRef('CorrelationId') };

const errorResponse = (description: string, schema?: string): JsonObject => ({
  description,
  headers: correlationHeader,
  content: problemContent(schema),
});

const responses: Record<string, JsonObject> = {
  BadRequest: errorResponse('The request is not valid; `errors` lists each problem.', 'ValidationProblem'),
  Unauthorized: {
    description: 'No valid bearer token: API Gateway answers before the function runs.',
    content: { [jsonContentType]: { schema: schemaRef('GatewayMessage') }, ...problemContent() },
  },
  NotFound: errorResponse('There is no such record in this module.'),
  Conflict: errorResponse(
    'The change conflicts with the stored data: a portal email or username another person holds ' +
      '(`conflict` names the field and holder), an organization that still has links (`linkCount`), or a record ' +
      'that others are changing at the same moment.',
    'ConflictProblem',
  ),
  PreconditionFailed: errorResponse('`If-Match` names a version that is no longer current; read the record again.'),
  PayloadTooLarge: errorResponse(`The body is larger than ${maxBodyBytes} bytes.`),
  UnsupportedMediaType: errorResponse('The body is not sent as JSON.'),
  TooManyRequests: {
    description: 'Throttled by API Gateway; try again later.',
    content: { [jsonContentType]: { schema: schemaRef('GatewayMessage') } },
  },
  InternalError: errorResponse('Something went wrong on the server; quote the correlation id when reporting it.'),
  ServiceBusy: {
    ...errorResponse(
      'A service the API needs is throttling it even after retries (shared/http/problem.ts); try again.',
    ),
    headers: {
      ...correlationHeader,
      'retry-after': {
        description: 'Seconds to wait before trying again.',
        required: true,
        schema: { type: 'integer', minimum: 1 },
      },
    },
  },
};

const headers: Record<string, JsonObject> = {
  CorrelationId: {
    description: 'The request id API Gateway logged; also in problem documents as `correlationId`.',
    schema: { type: 'string' },
  },
  ETag: {
    description: 'Strong entity tag of the version returned: `"v<version>"`. Send it as `If-Match` to change safely.',
    schema: { type: 'string', pattern: '^"v[1-9][0-9]*"$' },
  },
  Location: { description: 'The new record: `/<module>/<id>`.', schema: { type: 'string', format: 'uri-reference' } },
};

const parameters: Record<string, JsonObject> = {
  IfMatch: {
    name: 'If-Match',
    in: 'header',
    required: false,
    description:
      'The `ETag` of the version the change is based on (or `*`): a record changed since answers 412. ' +
      'Without it, the change applies to whatever version is current.',
    schema: { type: 'string' },
  },
  Limit: {
    name: 'limit',
    in: 'query',
    required: false,
    description: 'Records per page.',
    schema: { type: 'integer', minimum: 1, maximum: maxPageSize, default: defaultPageSize },
  },
  Cursor: {
    name: 'cursor',
    in: 'query',
    required: false,
    description: "The previous page's `nextCursor`.",
    schema: { type: 'string', minLength: 1 },
  },
};

const securitySchemes: Record<string, JsonObject> = {
  staffJwt: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'An access token of the staff user pool (Cognito).',
  },
  portalJwt: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'An access token of the portal user pool (Cognito).',
  },
};

const securityOf: Record<RouteAuth, JsonObject[]> = {
  none: [],
  staff: [{ staffJwt: [] }],
  portal: [{ portalJwt: [] }],
};

// ---------------------------------------------------------------------------------------------------------------
// Operations

const json = (schema: JsonObject) => ({ [jsonContentType]: { schema } });

function idParameter(module: ModuleDeclaration): JsonObject {
  return {
    name: 'id',
    in: 'path',
    required: true,
    description: `The ${module.label}'s id; an id of another module answers 404.`,
    schema: { type: 'string', pattern: `^${module.idPrefix}_` },
  };
}

function filterParameters(module: ModuleDeclaration, input: ObjectSchema): JsonObject[] {
  const others = (name: string) => module.filters.filter((other) => other !== name);
  return module.filters.map((name) => {
    const { default: _default, description: _description, ...schema } = clone(input.properties?.[name] ?? {});
    return {
      name,
      in: 'query',
      required: false,
      description:
        `Only ${module.label} records whose \`${name}\` is this value.` +
        ` Not together with ${['q', ...others(name)].map((o) => `\`${o}\``).join(', ')}.`,
      schema: { type: 'string', ...schema },
    };
  });
}

/** `q`: a prefix search over the module's `searchTerms` (shared/records/search-terms.ts). */
function searchParameter(module: ModuleDeclaration): JsonObject {
  const terms = module.searchTerms.map((parts) => `\`${parts.join(' ')}\``);
  const listed = terms.length > 1 ? `${terms.slice(0, -1).join(', ')} or ${terms.at(-1)}` : terms.join('');
  return {
    name: 'q',
    in: 'query',
    required: false,
    description:
      `Only ${module.label} records whose ${listed} starts with this text, in any case and with or without ` +
      `accents (compared up to ${maxTermLength} characters). Sorted by the matching text instead of newest first; ` +
      'a record matching twice is listed once per page, so a page may hold fewer records than `limit` while ' +
      '`nextCursor` is not null. Not together with a filter; blank text is a 400.',
    schema: { type: 'string', minLength: 1, maxLength: maxSearchLength },
  };
}

const withEtag = { ...correlationHeader, ETag: headerRef('ETag') };

function moduleOperation(route: ModuleRoute, input: ObjectSchema): JsonObject {
  const { module, operation } = route;
  const names = namesOf(module);
  const record = schemaRef(names.output);
  const common = { tags: [moduleTag(module)] };
  const id = idParameter(module);
  const body = (contentTypes: readonly string[], schema: string) => ({
    required: true,
    content: Object.fromEntries(contentTypes.map((type) => [type, { schema: schemaRef(schema) }])),
  });
  const errors = (...keys: string[]) => Object.fromEntries(keys.map((key) => [statusOf[key]!, responseRef(key)]));
  const operations: Record<RecordOperation, JsonObject> = {
    create: {
      operationId: `create${names.singular}`,
      summary: `Create a ${module.label}`,
      requestBody: body([jsonContentType], names.input),
      responses: {
        201: {
          description: `The ${module.label} as stored.`,
          headers: { ...withEtag, Location: headerRef('Location') },
          content: json(record),
        },
        ...errors('BadRequest', 'Conflict', 'PayloadTooLarge', 'UnsupportedMediaType'),
      },
    },
    list: {
      operationId: `list${names.plural}`,
      summary: `List ${module.label} records, newest first`,
      description:
        'At most one of `q` and the filters at a time: two or more are refused with 400. ' + unknownQueryNote,
      parameters: [
        parameterRef('Limit'),
        parameterRef('Cursor'),
        searchParameter(module),
        ...filterParameters(module, input),
      ],
      responses: {
        200: { description: 'One page.', headers: correlationHeader, content: json(schemaRef(names.page)) },
        ...errors('BadRequest'),
      },
    },
    get: {
      operationId: `get${names.singular}`,
      summary: `Read a ${module.label}`,
      parameters: [id],
      responses: {
        200: { description: `The ${module.label}.`, headers: withEtag, content: json(record) },
        ...errors('NotFound'),
      },
    },
    update: {
      operationId: `update${names.singular}`,
      summary: `Change a ${module.label} (JSON merge patch)`,
      parameters: [id, parameterRef('IfMatch')],
      requestBody: body([mergePatchContentType, jsonContentType], names.patch),
      responses: {
        200: { description: `The ${module.label} as now stored.`, headers: withEtag, content: json(record) },
        ...errors(
          'BadRequest',
          'NotFound',
          'Conflict',
          'PreconditionFailed',
          'PayloadTooLarge',
          'UnsupportedMediaType',
        ),
      },
    },
    delete: {
      operationId: `delete${names.singular}`,
      summary: `Delete a ${module.label}`,
      parameters: [id, parameterRef('IfMatch')],
      responses: {
        204: { description: 'Deleted.', headers: correlationHeader },
        ...errors('NotFound', 'Conflict', 'PreconditionFailed'),
      },
    },
  };
  return { ...common, ...operations[operation] };
}

const statusOf: Record<string, number> = {
  BadRequest: 400,
  Unauthorized: 401,
  NotFound: 404,
  Conflict: 409,
  PreconditionFailed: 412,
  PayloadTooLarge: 413,
  UnsupportedMediaType: 415,
  TooManyRequests: 429,
  InternalError: 500,
  ServiceBusy: 503,
};

/** What the areas' tags are about, for readers of the reference. */
const areaTags: Record<string, string> = {
  Platform: "Health, the caller's identity and this description.",
  Portal:
    'The portal API for partners and customers: profile, visible records, PIN, e-signing, tickets and their ' +
    'conversations, quote decisions, the overview.',
  Files: "Ticket attachments and documents' files, for staff and portal users: presigned URLs, never the bytes.",
  'Portal access':
    "Staff view and actions on a person's portal access: status and history, resend, password reset, reconcile.",
};

/** A module's tag: its name in words, `Sales orders`. */
function moduleTag(module: ModuleDeclaration): string {
  const words = module.name.replace(/-/g, ' ');
  return words[0]!.toUpperCase() + words.slice(1);
}

/** `['module', 'id']` from `/portal/{module}/{id}`. */
function pathParametersOf(path: string): string[] {
  return [...path.matchAll(/\{([^}+]+)\+?\}/g)].map(([, name]) => name!);
}

/**
 * Errors any route can answer: API Gateway's throttling, the function's 500, a throttled dependency's 503, and 401
 * behind an authorizer.
 */
function withCommonErrors(operation: JsonObject, auth: RouteAuth): JsonObject {
  return {
    ...operation,
    security: securityOf[auth],
    responses: {
      ...(operation.responses as JsonObject),
      ...(auth === 'none' ? {} : { 401: responseRef('Unauthorized') }),
      // An operation's own 429 (a per-person rate limit) says more than API Gateway's throttling.
      429: (operation.responses as JsonObject)[429] ?? responseRef('TooManyRequests'),
      500: responseRef('InternalError'),
      // A route's own 503 (the health report) says more than the throttled-dependency answer every handler can give.
      503: (operation.responses as JsonObject)[503] ?? responseRef('ServiceBusy'),
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------

export function buildOpenApiDocument({ routes, modules, serverUrl, contracts }: OpenApiSources): OpenApiDocument {
  const schemas: Record<string, JsonObject> = {
    ...problemSchemas,
    GatewayMessage: gatewayMessageSchema,
    Signature: clone(signatureJsonSchema) as JsonObject,
    QuoteDecision: clone(quoteDecisionJsonSchema) as JsonObject,
  };
  const inputs = new Map<ModuleDeclaration, ObjectSchema>();
  for (const module of modules) {
    const names = namesOf(module);
    const input = createSchema(module);
    inputs.set(module, input);
    Object.assign(schemas, {
      [names.output]: outputSchema(module, input),
      [names.input]: withInlineCreate(module, modules, {
        ...input,
        description: `A new ${module.label}. Unknown members are refused.`,
      }),
      [names.patch]: patchSchema(module, input),
      [names.page]: pageSchema(module),
    });
  }

  Object.assign(schemas, portalRecordSchemas(modules, schemas));
  const contractSchemas = new ContractSchemas();
  const byRouteKey = new Map(moduleRoutes(modules).map((route) => [route.routeKey, route]));
  const paths: Record<string, Record<string, JsonObject>> = {};
  const tags = new Map<string, string>(
    modules.map((module) => [moduleTag(module), `Staff CRUD of ${module.label} records.`]),
  );
  for (const route of routes) {
    const moduleRoute = byRouteKey.get(route.routeKey);
    let operation: JsonObject;
    if (moduleRoute) {
      operation = moduleOperation(moduleRoute, inputs.get(moduleRoute.module)!);
    } else {
      const contract = (contracts ?? declaredContract)(route, modules);
      if (!contract)
        throw new Error(`The route ${route.routeKey} declares no contract (shared/http/route-contract.ts)`);
      operation = contractOperation(contract, pathParametersOf(route.path), contractSchemas);
      if (!tags.has(contract.tag)) tags.set(contract.tag, areaTags[contract.tag] ?? contract.tag);
    }
    (paths[route.path] ??= {})[route.method.toLowerCase()] = withCommonErrors(operation, route.auth);
  }

  for (const [name, schema] of Object.entries(contractSchemas.named)) {
    if (schemas[name]) throw new Error(`A contract names its schema ${name}, which the document already has`);
    schemas[name] = schema;
  }

  // A copy: the shared pieces above are referenced from many places and must not change under a caller.
  return clone({
    openapi: '3.1.0',
    info: {
      title: 'Portico API',
      version,
      description:
        'The back end of the CRM portal. Errors are RFC 9457 problem details (`application/problem+json`), ' +
        'except those API Gateway answers itself (401, 429). Records carry an `ETag`; send it as `If-Match` to ' +
        'change or delete one safely.',
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    tags: [...tags].map(([name, description]) => ({ name, description })),
    paths,
    components: { schemas, responses, parameters, headers, securitySchemes },
  } as const);
}
