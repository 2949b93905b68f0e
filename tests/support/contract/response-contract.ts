/**
 * The response contract: whether one HTTP answer of the API is what the OpenAPI document promises for its operation.
 * Pure: a document and a way to get a schema validator in, a list of violations out (empty when it conforms). The
 * jest hook (contract-hook.ts) and the browser tests feed it every API answer they see.
 */

type JsonObject = Record<string, unknown>;

/** A document as far as the check reads it (OpenAPI 3.1). */
export interface ContractDocument {
  readonly paths: Record<string, Record<string, unknown>>;
  readonly components?: Record<string, unknown>;
}

/** One answer as a client saw it. */
export interface ObservedResponse {
  readonly method: string;
  /** The request path, without origin or query: `/portal/sales-orders/so_…/signature`. */
  readonly path: string;
  readonly status: number;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  /** The body as text; empty when there was none. */
  readonly body: string;
}

export interface SchemaValidator {
  (data: unknown): boolean;
  errors?: readonly { instancePath: string; message?: string; params?: unknown }[] | null;
}

/** A validator for the schema at a JSON Pointer of the document (`#/components/schemas/Problem`). */
export type ValidatorFor = (pointer: string) => SchemaValidator;

/** Our own headers: a response that sends one its operation does not declare breaks the promise too. */
export const ownHeaderPattern = /^(x-portico-.*|x-correlation-id|etag|location|retry-after|cache-control)$/;

const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

const escapePointer = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

export const mediaTypeOf = (contentType: string | undefined) => (contentType ?? '').split(';')[0]!.trim().toLowerCase();

interface PathTemplate {
  readonly template: string;
  readonly pattern: RegExp;
  /** Literal segments: `/portal/me` is more specific than `/portal/{module}`, as API Gateway routes it. */
  readonly literals: number;
  readonly greedy: boolean;
}

function compileTemplate(template: string): PathTemplate {
  const segments = template.split('/').slice(1);
  const parts = segments.map((segment) => {
    if (/^\{[^}]+\+\}$/.test(segment)) return '.+';
    if (/^\{[^}]+\}$/.test(segment)) return '[^/]+';
    return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  });
  return {
    template,
    pattern: new RegExp(`^/${parts.join('/')}$`),
    literals: segments.filter((segment) => !segment.startsWith('{')).length,
    greedy: template.includes('+}'),
  };
}

/**
 * The object at a JSON Pointer of the document, with the `$ref` of a response or header object followed; a schema's
 * `$ref` is left to the validator (`follow` false), which keeps any keywords beside it.
 */
function resolve(
  document: ContractDocument,
  pointer: string,
  follow = true,
): { value: JsonObject; pointer: string } | undefined {
  let current: unknown = document;
  for (const segment of pointer.replace(/^#\//, '').split('/')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as JsonObject)[segment.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  if (typeof current !== 'object' || current === null) return undefined;
  const ref = (current as JsonObject).$ref;
  return follow && typeof ref === 'string' ? resolve(document, ref) : { value: current as JsonObject, pointer };
}

function describeErrors(validator: SchemaValidator): string {
  return (validator.errors ?? [])
    .slice(0, 5)
    .map((error) => `${error.instancePath || '/'} ${error.message ?? 'is invalid'} ${JSON.stringify(error.params)}`)
    .join('; ');
}

/** A header's value as its schema types it: header fields are text, `Retry-After: 60` is an integer. */
function headerValue(value: string, schema: JsonObject): unknown {
  const types = ([] as unknown[]).concat(schema.type ?? []);
  if ((types.includes('integer') || types.includes('number')) && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  return value;
}

export function responseContract(document: ContractDocument, validatorFor: ValidatorFor) {
  const templates = Object.keys(document.paths)
    .map(compileTemplate)
    // Most literal segments first, greedy last: the route API Gateway would choose.
    .sort((a, b) => Number(a.greedy) - Number(b.greedy) || b.literals - a.literals);

  function operationOf(method: string, path: string): { template: string; pointer: string } | undefined {
    const lower = method.toLowerCase();
    for (const template of templates) {
      if (!template.pattern.test(path)) continue;
      const item = document.paths[template.template]!;
      if (methods.includes(lower) && item[lower]) {
        return { template: template.template, pointer: `#/paths/${escapePointer(template.template)}/${lower}` };
      }
    }
    return undefined;
  }

  /** Every way the answer departs from the document; empty when it conforms. */
  function check(observed: ObservedResponse): string[] {
    const operation = operationOf(observed.method, observed.path);
    if (!operation) {
      // API Gateway answers 404 for a route it does not have; nothing in the document can promise otherwise.
      return observed.status === 404 ? [] : ['no operation of the document has this method and path'];
    }
    const label = `${observed.method.toUpperCase()} ${operation.template}`;
    const responses = resolve(document, `${operation.pointer}/responses`)?.value ?? {};
    const statusKey = [String(observed.status), `${String(observed.status)[0]}XX`, 'default'].find(
      (key) => key in responses,
    );
    if (!statusKey) {
      return [
        `status ${observed.status} is not documented for ${label} (documented: ${Object.keys(responses).join(', ')})`,
      ];
    }
    const response = resolve(document, `${operation.pointer}/responses/${escapePointer(statusKey)}`)!;
    return [
      ...checkHeaders(observed, response.value, response.pointer, label),
      ...checkBody(observed, response.value, response.pointer, label),
    ];
  }

  function checkHeaders(observed: ObservedResponse, response: JsonObject, pointer: string, label: string): string[] {
    const violations: string[] = [];
    const declared = new Map(
      Object.keys((response.headers as JsonObject | undefined) ?? {}).map((name) => [name.toLowerCase(), name]),
    );
    for (const [lower, name] of declared) {
      // Content-Type is described by `content`, never as a header (OpenAPI ignores it there).
      if (lower === 'content-type') continue;
      const header = resolve(document, `${pointer}/headers/${escapePointer(name)}`);
      const value = observed.headers[lower];
      if (value === undefined) {
        // A declared header is a promise unless the document says it may be left out.
        if (header?.value.required !== false)
          violations.push(`declared header ${name} is missing (${label} ${observed.status})`);
        continue;
      }
      const schema = header && resolve(document, `${header.pointer}/schema`, false);
      if (!schema) continue;
      const validate = validatorFor(schema.pointer);
      if (!validate(headerValue(value, schema.value))) {
        violations.push(`header ${name}: ${JSON.stringify(value)} is off its schema: ${describeErrors(validate)}`);
      }
    }
    for (const name of Object.keys(observed.headers)) {
      if (ownHeaderPattern.test(name) && !declared.has(name)) {
        violations.push(`header ${name} is sent but not declared for ${label} ${observed.status}`);
      }
    }
    return violations;
  }

  function checkBody(observed: ObservedResponse, response: JsonObject, pointer: string, label: string): string[] {
    const content = (response.content as JsonObject | undefined) ?? {};
    const mediaTypes = Object.keys(content);
    if (!observed.body) {
      return mediaTypes.length
        ? [`${label} ${observed.status} documents a body (${mediaTypes.join(', ')}) but none was sent`]
        : [];
    }
    if (!mediaTypes.length) return [`${label} ${observed.status} documents no body but one was sent`];
    const sent = mediaTypeOf(observed.headers['content-type']);
    const mediaType = mediaTypes.find((type) => type.toLowerCase() === sent);
    if (!mediaType) {
      return [
        `content type ${JSON.stringify(sent)} is not documented for ${label} ${observed.status} (${mediaTypes.join(', ')})`,
      ];
    }
    const schema = resolve(document, `${pointer}/content/${escapePointer(mediaType)}/schema`, false);
    if (!schema) return [];
    if (!/[/+]json$/.test(mediaType)) return [];
    let body: unknown;
    try {
      body = JSON.parse(observed.body);
    } catch {
      return [`the ${mediaType} body is not JSON`];
    }
    const validate = validatorFor(schema.pointer);
    return validate(body) ? [] : [`body is off the schema of ${label} ${observed.status}: ${describeErrors(validate)}`];
  }

  return { check, operationOf };
}

export type ResponseContract = ReturnType<typeof responseContract>;

/**
 * Every JSON Pointer whose schema the check may validate against: each response's bodies and headers. Compiling
 * these once (contract-validators.ts) is what keeps the check fast.
 */
export function schemaPointers(document: ContractDocument): string[] {
  const pointers = new Set<string>();
  for (const path of Object.keys(document.paths)) {
    for (const method of methods) {
      const responses = resolve(document, `#/paths/${escapePointer(path)}/${method}/responses`);
      if (!responses) continue;
      for (const status of Object.keys(responses.value)) {
        const response = resolve(document, `${responses.pointer}/${escapePointer(status)}`);
        if (!response) continue;
        for (const type of Object.keys((response.value.content as JsonObject | undefined) ?? {})) {
          const schema = resolve(document, `${response.pointer}/content/${escapePointer(type)}/schema`, false);
          if (schema) pointers.add(schema.pointer);
        }
        for (const name of Object.keys((response.value.headers as JsonObject | undefined) ?? {})) {
          const header = resolve(document, `${response.pointer}/headers/${escapePointer(name)}`);
          const schema = header && resolve(document, `${header.pointer}/schema`, false);
          if (schema) pointers.add(schema.pointer);
        }
      }
    }
  }
  return [...pointers].sort();
}
