/**
 * The form engine's view of a module: what input each field gets, read from the console's generated module metadata
 * (console/src/generated/module-meta.ts, `npm run console:meta` from shared/modules/registry.ts). A field added to
 * the registry gets an input without screen code; only its label may earn an entry in `labelOverrides`.
 */

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
  /** Reference fields: the modules the referenced record may belong to (`partner-contacts`). */
  readonly referenceModules?: readonly string[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly maxItems?: number;
  /** Group (address, portal settings) and line items: the fields of each member or row. */
  readonly fields?: readonly FieldSpec[];
}

/** Names the CRM articles spell their own way; everything else keeps the generated label. */
const labelOverrides: Readonly<Record<string, string>> = {
  canESign: 'Can eSign',
  pinReset: 'PIN Reset',
  pin: 'Set PIN',
  primaryContactId: 'Primary Contact',
  partnerStatus: 'Partner Status',
  partnerType: 'Type',
  notifications: 'Record notifications',
};

/** Write-only fields: never shown back, typed without echo. */
const secretKeys = new Set(['pin']);

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
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

function specsOfMeta(fields: readonly MetaField[], base: string): FieldSpec[] {
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
    if (kind === 'group') return { ...spec, fields: specsOfMeta(field.fields ?? [], pointer) };
    if (kind === 'lineItems') return { ...spec, fields: specsOfMeta(field.fields ?? [], '') };
    return spec;
  });
}

/** The inputs of a module's form from its generated metadata, in the registry's field order. */
export function specsFromMeta(fields: readonly MetaField[]): FieldSpec[] {
  return specsOfMeta(fields, '');
}
