import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as v from 'valibot';
import { idPrefixes, modules, type ModuleDeclaration, type ModuleName } from '../shared/modules/registry';
import { maxMoney } from '../shared/modules/fields';
import { entriesOf, type Schema } from '../shared/modules/validate';
import { jsonSchemaOf } from '../shared/openapi/json-schema';
import type { FieldMeta, ModuleMeta } from '../console/src/module-meta-types';

/**
 * `npm run console:meta`: what the staff console's screens know of the modules, generated from the module registry
 * (shared/modules/registry.ts) into console/src/generated/module-meta.ts: modules, labels, fields with their input
 * types, picklist values, filters and related modules. A new module or field appears in the console without new screen
 * code. Committed, so a change shows in review; the unit test console-meta.test.ts fails while it is stale.
 * `--check` only says whether the committed file is current (exit code 1 when it is not).
 */

export const consoleMetaFile = resolve(__dirname, '..', 'console', 'src', 'generated', 'module-meta.ts');

type JsonSchema = {
  type?: string;
  enum?: string[];
  format?: string;
  pattern?: string;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
};

/** Words a mechanical label would get wrong. */
const labelOverrides: Record<string, string> = {
  canESign: 'Can eSign',
  pinReset: 'PIN reset',
  pin: 'PIN',
  url: 'URL',
  emailOptOut: 'Email opt-out',
  enabled: 'Portal user',
  portal: 'Customer portal information',
};

/** `primaryContactId` → "Primary contact". */
export function fieldLabel(name: string): string {
  if (labelOverrides[name]) return labelOverrides[name];
  const words = name
    .replace(/Id$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const prefixToModule = new Map<string, string>(Object.entries(idPrefixes).map(([name, prefix]) => [prefix, name]));
const referencePattern = /^\^\(([a-z|]+)\)_\[0-9a-f\]\{8\}/;
const sourceOf = (schema: Schema) => jsonSchemaOf(schema, 'input').pattern;
const phonePattern = sourceOf(v.pipe(v.string(), v.regex(/^[0-9A-Za-z+()\-./#*, ]+$/)));

/** The schema of one property, unwrapped from `optional`, so its behaviour can be probed. */
function propertySchema(schema: Schema | undefined, name: string): Schema | undefined {
  let property = (schema && entriesOf(schema)[name]) as { type?: string; wrapped?: Schema } | undefined;
  while (property?.type === 'optional') property = property.wrapped as typeof property;
  return property as Schema | undefined;
}

/** Text that may hold line breaks (a description, a street) takes a text area; the schema's own check decides. */
const acceptsLineBreaks = (schema: Schema | undefined) =>
  schema !== undefined && v.safeParse(schema, 'first line\nsecond line').success;

function fieldOf(name: string, json: JsonSchema, required: boolean, schema: Schema | undefined): FieldMeta {
  const base = { name, label: fieldLabel(name), required };
  if (json.enum) return { ...base, type: 'picklist', values: json.enum };
  if (json.type === 'boolean') return { ...base, type: 'boolean' };
  if (json.type === 'number')
    return { ...base, type: json.minimum === 0 && json.maximum === maxMoney ? 'money' : 'number' };
  if (json.type === 'array' && json.items?.enum) return { ...base, type: 'multi-picklist', values: json.items.enum };
  if (json.type === 'array' && json.items?.type === 'object')
    return { ...base, type: 'line-items', fields: fieldsOf(json.items, undefined) };
  if (json.type === 'object') {
    const fields = fieldsOf(json, schema);
    const isAddress = fields.some((field) => field.name === 'street');
    return { ...base, type: isAddress ? 'address' : 'group', fields };
  }
  if (json.format === 'email')
    return { ...base, type: 'email', ...(json.maxLength ? { maxLength: json.maxLength } : {}) };
  if (json.format === 'date') return { ...base, type: 'date' };
  if (json.format === 'uri') return { ...base, type: 'url' };
  const reference = json.pattern && referencePattern.exec(json.pattern);
  if (reference) {
    const targets = reference[1]!.split('|').map((prefix) => prefixToModule.get(prefix) ?? prefix);
    return { ...base, type: 'reference', modules: targets };
  }
  if (json.pattern === phonePattern)
    return { ...base, type: 'phone', maxLength: json.maxLength ?? 40, pattern: json.pattern };
  if (json.pattern === '^[A-Z]{3}$') return { ...base, type: 'currency', pattern: json.pattern };
  return {
    ...base,
    type: acceptsLineBreaks(schema) ? 'multiline' : 'text',
    ...(json.maxLength ? { maxLength: json.maxLength } : {}),
    ...(json.pattern ? { pattern: json.pattern } : {}),
  };
}

function fieldsOf(json: JsonSchema, schema: Schema | undefined): FieldMeta[] {
  const required = new Set(json.required ?? []);
  return Object.entries(json.properties ?? {}).map(([name, property]) =>
    fieldOf(name, property, required.has(name), propertySchema(schema, name)),
  );
}

/** "partner-organizations" → "Partner organizations". */
const pluralLabel = (module: ModuleDeclaration) => {
  const words = module.name.replace(/-/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/** The fields a list shows first: a record's name, then what tells two apart. */
function listColumns(module: ModuleDeclaration, fields: readonly FieldMeta[]): string[] {
  const has = (name: string) => fields.some((field) => field.name === name);
  const wanted =
    module.kind === 'person'
      ? ['lastName', 'firstName', 'email', 'company']
      : module.kind === 'organization'
        ? ['name', 'partnerStatus', 'email', 'phone']
        : [...(module.portalColumns ?? []), 'showOnPortal'];
  // Derived fields (a sales order's total) are shown though nobody writes them.
  const derived = Object.keys(module.derive?.({}) ?? {});
  return [...new Set(wanted)].filter((name) => has(name) || derived.includes(name) || name === 'updatedAt').slice(0, 5);
}

/** Modules whose records link to this one (a person's or an organization's tickets, invoices…). */
function relatedModules(module: ModuleDeclaration): { module: ModuleName; field: string }[] {
  return modules.flatMap((other) =>
    other.references
      .filter((reference) => reference.modules.includes(module.name) && !reference.belongsToThisRecord)
      .map((reference) => ({ module: other.name, field: reference.field })),
  );
}

export function consoleModuleMeta(): ModuleMeta[] {
  return modules.map((module) => {
    const json = jsonSchemaOf(module.schema, 'input') as JsonSchema;
    const fields = fieldsOf(json, module.schema);
    return {
      name: module.name,
      label: module.label,
      idPrefix: module.idPrefix,
      pluralLabel: pluralLabel(module),
      kind: module.kind,
      portalVisible: module.portalVisible,
      fields,
      listColumns: listColumns(module, fields),
      filters: [...module.filters],
      related: relatedModules(module),
    };
  });
}

const banner =
  '// Generated by `npm run console:meta` from the module registry (shared/modules/registry.ts). Do not edit.\n';

export function renderConsoleMeta(): string {
  return `${banner}import type { ModuleMeta } from '../module-meta-types';

export const moduleMeta: readonly ModuleMeta[] = ${JSON.stringify(consoleModuleMeta(), null, 2)};
`;
}

function main() {
  const rendered = renderConsoleMeta();
  const check = process.argv.find((arg) => arg === '--check' || arg.startsWith('--check='));
  if (check) {
    const file = check.includes('=') ? check.slice('--check='.length) : consoleMetaFile;
    if (readFileSync(file, 'utf8') !== rendered) {
      console.error(`${file} is stale: run npm run console:meta`);
      process.exitCode = 1;
    }
    return;
  }
  writeFileSync(consoleMetaFile, rendered);
  console.log(`Wrote ${consoleMetaFile}`);
}

if (require.main === module) main();
