import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import standaloneCode from 'ajv/dist/standalone';
import { schemaPointers, type ContractDocument, type SchemaValidator, type ValidatorFor } from './response-contract';

/**
 * The document's schemas as ajv validators (JSON Schema 2020-12, OpenAPI 3.1's dialect). The integration global
 * setup compiles every response schema ONCE per jest run into standalone code (about a second); each test file then
 * loads that code (tens of milliseconds) instead of compiling again.
 */

const documentId = 'openapi.json';

/** A JSON Pointer as a URI fragment ajv resolves: `{module}` and `+` percent-encoded. */
const fragmentOf = (pointer: string) =>
  '#' +
  pointer
    .replace(/^#/, '')
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');

type JsonObject = Record<string, unknown>;
const combinators = ['allOf', 'anyOf', 'oneOf'];
const mapKeywords = ['properties', 'patternProperties', '$defs', 'dependentSchemas'];

/**
 * The document as the check reads it: every object schema closed (`unevaluatedProperties: false`) unless it says
 * otherwise, so a member the API sends that the document does not declare is a violation. The document must tell
 * the whole truth; JSON Schema's default (any other member is fine) would let it say nothing. A schema is closed where
 * it is used, never as a member of `allOf`/`anyOf`/`oneOf` (the schema around them is) nor at its definition in
 * `components/schemas` (the `$ref` to it is), so composition keeps working; a bare `{ type: 'object' }` stays open.
 */
export function closedSchemas(document: ContractDocument): ContractDocument {
  const close = (node: unknown, closable: boolean): unknown => {
    if (Array.isArray(node)) return node.map((item) => close(item, closable));
    if (typeof node !== 'object' || node === null) return node;
    const source = node as JsonObject;
    const result: JsonObject = {};
    for (const [key, value] of Object.entries(source)) {
      const members = (closable: boolean) =>
        Object.fromEntries(
          Object.entries(value as JsonObject).map(([name, schema]) => [name, close(schema, closable)]),
        );
      if (combinators.includes(key) && Array.isArray(value)) result[key] = value.map((member) => close(member, false));
      else if (key === 'schemas' && source === document.components) result[key] = members(false);
      // Maps of names to schemas: a member called `type` or `$ref` is a name here, not a keyword.
      else if (mapKeywords.includes(key) && typeof value === 'object' && value !== null) result[key] = members(true);
      else result[key] = close(value, true);
    }
    const shaped = ['properties', '$ref', ...combinators].some((key) => key in source);
    const open = ['additionalProperties', 'unevaluatedProperties', 'patternProperties'].some((key) => key in source);
    // Only schemas: a response or header object holds `$ref` too, but no `type`/`properties`/combinator next to it.
    const isSchemaRef = '$ref' in source && String(source.$ref).startsWith('#/components/schemas/');
    if (closable && shaped && !open && ('$ref' in source ? isSchemaRef : true)) result.unevaluatedProperties = false;
    return result;
  };
  return close(document, true) as ContractDocument;
}

function ajvFor(document: ContractDocument, source: boolean) {
  // strict off: the document is OpenAPI, not only JSON Schema (`paths`, `example`, `components` are not keywords).
  const ajv = new Ajv2020({ strict: false, allErrors: true, ...(source ? { code: { source: true } } : {}) });
  addFormats(ajv);
  ajv.addSchema(closedSchemas(document) as object, documentId);
  return ajv;
}

/** Compiles on first use, once per pointer: for unit tests that check a handful of answers. */
export function lazyValidators(document: ContractDocument): ValidatorFor {
  const ajv = ajvFor(document, false);
  const cache = new Map<string, SchemaValidator>();
  return (pointer) => {
    let validate = cache.get(pointer);
    if (!validate) {
      validate = ajv.compile({ $ref: `${documentId}${fragmentOf(pointer)}` }) as SchemaValidator;
      cache.set(pointer, validate);
    }
    return validate;
  };
}

const codeFile = 'contract-validators.cjs';
const indexFile = 'contract-validators.json';

/** Writes the document, and a validator for each of its response schemas, into `dir`. */
export function writeContractValidators(document: ContractDocument, dir: string): void {
  const ajv = ajvFor(document, true);
  const pointers = schemaPointers(document);
  const names = pointers.map((_, index) => `v${index}`);
  pointers.forEach((pointer, index) => ajv.addSchema({ $ref: `${documentId}${fragmentOf(pointer)}` }, names[index]));
  writeFileSync(join(dir, codeFile), standaloneCode(ajv, Object.fromEntries(names.map((name) => [name, name]))));
  const index = Object.fromEntries(pointers.map((pointer, i) => [pointer, names[i]]));
  writeFileSync(join(dir, indexFile), JSON.stringify({ document, index }));
}

/** The document and validators `writeContractValidators` wrote. */
export function readContractValidators(dir: string): { document: ContractDocument; validatorFor: ValidatorFor } {
  const { document, index } = JSON.parse(readFileSync(join(dir, indexFile), 'utf8')) as {
    document: ContractDocument;
    index: Record<string, string>;
  };
  // The generated code requires ajv's runtime helpers and ajv-formats: resolve them from this repository.
  const requireFromRepo = createRequire(resolve(__dirname, '..', '..', '..', 'package.json'));
  const module = { exports: {} as Record<string, SchemaValidator> };
  // Our own code, generated by the global setup of this run.
  new Function('module', 'exports', 'require', readFileSync(join(dir, codeFile), 'utf8'))(
    module,
    module.exports,
    requireFromRepo,
  );
  const fallback = lazyValidators(document);
  return {
    document,
    validatorFor: (pointer) => {
      const name = index[pointer];
      return (name && module.exports[name]) || fallback(pointer);
    },
  };
}
