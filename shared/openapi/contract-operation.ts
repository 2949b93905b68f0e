import {
  isProblemResponse,
  type JsonSchema,
  type NamedSchema,
  type ParameterContract,
  type RequestBodyContract,
  type ResponseHeaders,
  type RouteContract,
  type SchemaSource,
} from '../http/route-contract';
import { problemContentType } from '../http/problem';
import { isSchema, jsonSchemaOf } from './json-schema';

/**
 * One route's contract (shared/http/route-contract.ts) as an OpenAPI operation, and the named schemas it brings
 * into `components.schemas`.
 */

export type JsonObject = Record<string, unknown>;

const jsonContentType = 'application/json';
const ref = (kind: 'schemas' | 'responses' | 'headers', name: string) => ({ $ref: `#/components/${kind}/${name}` });
export const correlationHeader = { 'x-correlation-id': ref('headers', 'CorrelationId') };

const isNamed = (schema: unknown): schema is NamedSchema =>
  typeof schema === 'object' && schema !== null && !isSchema(schema) && 'name' in schema && 'schema' in schema;
const isBodyContract = (body: unknown): body is RequestBodyContract =>
  typeof body === 'object' && body !== null && !isSchema(body) && !isNamed(body) && 'schema' in body;

export class ContractSchemas {
  readonly named: Record<string, JsonObject> = {};

  /** The JSON Schema of a contract's schema; a named one goes into components once and is referenced. */
  resolve(source: SchemaSource | NamedSchema, io: 'input' | 'output'): JsonObject {
    if (isNamed(source)) {
      const schema = this.resolve(source.schema, io);
      const known = this.named[source.name];
      if (known && JSON.stringify(known) !== JSON.stringify(schema)) {
        throw new Error(`Two different schemas are named ${source.name}`);
      }
      this.named[source.name] = schema;
      return ref('schemas', source.name);
    }
    return isSchema(source) ? jsonSchemaOf(source, io) : structuredClone(source as JsonObject);
  }
}

function headersOf(headers: ResponseHeaders | undefined): JsonObject {
  return {
    ...correlationHeader,
    ...Object.fromEntries(
      Object.entries(headers ?? {}).map(([name, header]) => [
        name,
        { description: header.description, required: header.required ?? true, schema: header.schema },
      ]),
    ),
  };
}

function parameters(where: 'path' | 'query' | 'header', declared: Record<string, ParameterContract> | undefined) {
  return Object.entries(declared ?? {}).map(([name, parameter]) => ({
    name,
    in: where,
    required: where === 'path' ? true : (parameter.required ?? false),
    description: parameter.description,
    schema: parameter.schema,
  }));
}

export const unknownQueryNote =
  'Any query parameter not listed here is refused with 400 (OpenAPI cannot forbid unknown parameters, so this says it).';

/** The OpenAPI operation of a route's contract. */
export function contractOperation(
  contract: RouteContract,
  hasPathParameters: readonly string[],
  schemas: ContractSchemas,
): JsonObject {
  const declaredPath = Object.keys(contract.pathParameters ?? {});
  const missing = hasPathParameters.filter((name) => !declaredPath.includes(name));
  const extra = declaredPath.filter((name) => !hasPathParameters.includes(name));
  if (missing.length || extra.length) {
    throw new Error(
      `${contract.operationId}: path parameters declared [${declaredPath.join(', ')}], path has [${hasPathParameters.join(', ')}]`,
    );
  }

  const responses: JsonObject = {};
  for (const [status, response] of Object.entries(contract.responses)) {
    responses[status] = isProblemResponse(response)
      ? {
          description: response.description,
          headers: headersOf(response.headers),
          content: { [problemContentType]: { schema: ref('schemas', response.problem) } },
        }
      : {
          description: response.description,
          headers: headersOf(response.headers),
          ...(response.body
            ? {
                content: {
                  [response.contentType ?? jsonContentType]: { schema: schemas.resolve(response.body, 'output') },
                },
              }
            : {}),
        };
  }

  let requestBody: JsonObject | undefined;
  if (contract.requestBody) {
    const body = isBodyContract(contract.requestBody) ? contract.requestBody : { schema: contract.requestBody };
    const schema = schemas.resolve(body.schema, 'input');
    requestBody = {
      required: true,
      content: Object.fromEntries((body.contentTypes ?? [jsonContentType]).map((type) => [type, { schema }])),
    };
    // parseJsonBody's answers, which every route with a body gives.
    responses[400] ??= { $ref: '#/components/responses/BadRequest' };
    responses[413] ??= { $ref: '#/components/responses/PayloadTooLarge' };
    responses[415] ??= { $ref: '#/components/responses/UnsupportedMediaType' };
  }
  if (contract.query) responses[400] ??= { $ref: '#/components/responses/BadRequest' };

  const allParameters = [
    ...parameters('path', contract.pathParameters),
    ...parameters('query', contract.query),
    ...parameters('header', contract.requestHeaders),
  ];
  const description = [contract.description, contract.query ? unknownQueryNote : undefined]
    .filter(Boolean)
    .join('\n\n');
  return {
    tags: [contract.tag],
    operationId: contract.operationId,
    summary: contract.summary,
    ...(description ? { description } : {}),
    ...(allParameters.length ? { parameters: allParameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses: Object.fromEntries(Object.entries(responses).sort(([a], [b]) => Number(a) - Number(b))),
  };
}

export type { JsonSchema };
