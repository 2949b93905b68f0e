/**
 * The form engine's view of a module: what input each field gets, read from the module's input JSON Schema (the
 * one the OpenAPI document publishes, derived from shared/modules/registry.ts). A field added to the registry gets
 * an input without screen code; only its label may earn an entry in `labelOverrides`.
 */

/** The subset of JSON Schema the registry's zod schemas produce (z.toJSONSchema, io: 'input'). */
export interface JsonSchema {
  readonly type?: string;
  readonly format?: string;
  readonly pattern?: string;
  readonly enum?: readonly unknown[];
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly maxItems?: number;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly items?: JsonSchema;
}

export type FieldKind =
  | 'text'
  | 'multiline'
  | 'email'
  | 'phone'
  | 'url'
  | 'date'
  | 'currency'
  | 'picklist'
  | 'choices'
  | 'checkbox'
  | 'money'
  | 'quantity'
  | 'reference'
  | 'secret'
  | 'group'
  | 'lineItems';

export interface FieldSpec {
  /** Property name in its object. */
  readonly key: string;
  /** JSON Pointer of the field in a request body (`/portal/supportEndDate`), as problem+json `errors[].path` names it. */
  readonly pointer: string;
  readonly label: string;
  readonly kind: FieldKind;
  readonly required: boolean;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  /** Picklist / choices values, in the registry's order. */
  readonly options?: readonly string[];
  /** Reference fields: the id prefixes the referenced record may have (`pcon`). */
  readonly referencePrefixes?: readonly string[];
  /** Reference fields: the modules the referenced record may belong to (`partner-contacts`). */
  readonly referenceModules?: readonly string[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly maxItems?: number;
  /** Group (address, portal settings) and line items: the fields of each member or row. */
  readonly fields?: readonly FieldSpec[];
}

/** Names the CRM articles spell their own way; everything else is its camelCase name in words. */
const labelOverrides: Readonly<Record<string, string>> = {
  canESign: 'Can eSign',
  pinReset: 'PIN Reset',
  pin: 'Set PIN',
  enabled: 'Portal user',
  organizationId: 'Organization',
  contactId: 'Contact',
  primaryContactId: 'Primary Contact',
  partnerStatus: 'Partner Status',
  partnerType: 'Type',
  supportStartDate: 'Support start date',
  supportEndDate: 'Support end date',
  showOnPortal: 'Show on portal',
  emailOptOut: 'Email opt-out',
  portal: 'Portal',
  lineItems: 'Line items',
  unitPrice: 'Unit price',
  postalCode: 'Postal code',
  url: 'URL',
  notifications: 'Record notifications',
};

/** Write-only fields: never shown back, typed without echo. */
const secretKeys = new Set(['pin']);

export function labelOf(key: string): string {
  const override = labelOverrides[key];
  if (override) return override;
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** `^(pcon)_[0-9a-f]{8}-…` (shared/modules/fields.ts `reference`) → `['pcon']`. */
function referencePrefixesOf(pattern: string | undefined): string[] | undefined {
  const match = pattern?.match(/^\^\(([a-z|]+)\)_\[0-9a-f\]\{8\}/);
  return match?.[1]?.split('|');
}

const phonePattern = /^\^\[0-9A-Za-z\+\(\)/;

function kindOf(key: string, schema: JsonSchema, insideRows: boolean): FieldKind {
  if (schema.type === 'boolean') return 'checkbox';
  if (schema.type === 'number' || schema.type === 'integer')
    return schema.exclusiveMinimum !== undefined ? 'quantity' : 'money';
  if (schema.type === 'object') return 'group';
  if (schema.type === 'array') return schema.items?.type === 'object' ? 'lineItems' : 'choices';
  if (schema.enum) return 'picklist';
  if (secretKeys.has(key)) return 'secret';
  if (schema.format === 'email') return 'email';
  if (schema.format === 'date') return 'date';
  if (schema.format === 'uri') return 'url';
  if (referencePrefixesOf(schema.pattern)) return 'reference';
  if (schema.pattern === '^[A-Z]{3}$') return 'currency';
  if (schema.pattern && phonePattern.test(schema.pattern)) return 'phone';
  // Long free text (a description, a street) gets room to write; a line item's description stays on its row.
  if (!insideRows && (schema.maxLength ?? 0) >= 300) return 'multiline';
  return 'text';
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function specsOf(schema: JsonSchema, base: string, insideRows: boolean): FieldSpec[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([key, property]) => {
    const pointer = `${base}/${escapePointer(key)}`;
    const kind = kindOf(key, property, insideRows);
    const spec: FieldSpec = {
      key,
      pointer,
      label: labelOf(key),
      kind,
      required: required.has(key),
      ...(property.minLength !== undefined && { minLength: property.minLength }),
      ...(property.maxLength !== undefined && { maxLength: property.maxLength }),
      ...(property.pattern !== undefined && kind !== 'reference' && { pattern: property.pattern }),
      ...(property.minimum !== undefined && { minimum: property.minimum }),
      ...(property.maximum !== undefined && { maximum: property.maximum }),
      ...(property.exclusiveMinimum !== undefined && { exclusiveMinimum: property.exclusiveMinimum }),
      ...(property.maxItems !== undefined && { maxItems: property.maxItems }),
    };
    if (kind === 'picklist') return { ...spec, options: (property.enum ?? []).map(String) };
    if (kind === 'choices') return { ...spec, options: (property.items?.enum ?? []).map(String) };
    if (kind === 'reference') return { ...spec, referencePrefixes: referencePrefixesOf(property.pattern) ?? [] };
    if (kind === 'group') return { ...spec, fields: specsOf(property, pointer, insideRows) };
    // A row's fields are addressed relative to the row: `/lineItems/2` + `/quantity`.
    if (kind === 'lineItems') return { ...spec, fields: specsOf(property.items ?? {}, '', true) };
    return spec;
  });
}

/** The inputs of a module's form, in the registry's field order. */
export function fieldSpecs(schema: JsonSchema): FieldSpec[] {
  return specsOf(schema, '', false);
}

/** Every spec, groups opened, with line-item rows left as one entry. */
export function flattenSpecs(specs: readonly FieldSpec[]): FieldSpec[] {
  return specs.flatMap((spec) => (spec.kind === 'group' ? flattenSpecs(spec.fields ?? []) : [spec]));
}

/**
 * The field metadata the console is generated with (console/src/module-meta-types.ts `FieldMeta`, written by
 * `npm run console:meta`), structurally: the form engine reads only these members.
 */
export interface MetaField {
  readonly name: string;
  readonly label: string;
  readonly type: string;
  readonly required: boolean;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly values?: readonly string[];
  readonly modules?: readonly string[];
  readonly fields?: readonly MetaField[];
}

const metaKinds: Readonly<Record<string, FieldKind>> = {
  text: 'text',
  multiline: 'multiline',
  email: 'email',
  phone: 'phone',
  url: 'url',
  date: 'date',
  money: 'money',
  number: 'quantity',
  currency: 'currency',
  boolean: 'checkbox',
  picklist: 'picklist',
  'multi-picklist': 'choices',
  reference: 'reference',
  address: 'group',
  group: 'group',
  'line-items': 'lineItems',
};

function specsOfMeta(fields: readonly MetaField[], base: string, insideRows: boolean): FieldSpec[] {
  return fields.map((field) => {
    const pointer = `${base}/${escapePointer(field.name)}`;
    const declared = metaKinds[field.type] ?? 'text';
    const kind: FieldKind = secretKeys.has(field.name) ? 'secret' : declared;
    const spec: FieldSpec = {
      key: field.name,
      pointer,
      label: labelOverrides[field.name] ?? field.label,
      kind,
      required: field.required,
      ...(field.maxLength !== undefined && { maxLength: field.maxLength }),
      ...(field.pattern !== undefined && { pattern: field.pattern }),
      // Amounts are never negative (shared/modules/fields.ts `money`), quantities always positive.
      ...(kind === 'money' && { minimum: 0 }),
      ...(kind === 'quantity' && { exclusiveMinimum: 0 }),
    };
    if (kind === 'picklist' || kind === 'choices') return { ...spec, options: field.values ?? [] };
    if (kind === 'reference') return { ...spec, referenceModules: field.modules ?? [] };
    if (kind === 'group') return { ...spec, fields: specsOfMeta(field.fields ?? [], pointer, insideRows) };
    if (kind === 'lineItems') return { ...spec, fields: specsOfMeta(field.fields ?? [], '', true) };
    return spec;
  });
}

/** The inputs of a module's form from its generated metadata, in the registry's field order. */
export function specsFromMeta(fields: readonly MetaField[]): FieldSpec[] {
  return specsOfMeta(fields, '', false);
}
