/**
 * The shape of the module metadata the console's screens are built from (generated/module-meta.ts, written by
 * `npm run console:meta` from shared/modules/registry.ts). Types only: the generator and the app both read them.
 */

/** How the console edits and shows a field. */
export type FieldType =
  | 'text'
  | 'multiline'
  | 'email'
  | 'phone'
  | 'url'
  | 'date'
  | 'money'
  | 'number'
  | 'currency'
  | 'boolean'
  | 'picklist'
  | 'multi-picklist'
  | 'reference'
  | 'address'
  | 'line-items'
  | 'group';

export interface FieldMeta {
  readonly name: string;
  /** Sentence case: "Primary contact". */
  readonly label: string;
  readonly type: FieldType;
  readonly required: boolean;
  readonly maxLength?: number;
  /** A pattern the value must match (a client-side hint; the API checks again). */
  readonly pattern?: string;
  /** Picklist values, in the registry's order. */
  readonly values?: readonly string[];
  /** For references: the modules the id may belong to. */
  readonly modules?: readonly string[];
  /** For addresses, line items and groups (the portal settings): their own fields. */
  readonly fields?: readonly FieldMeta[];
}

export interface ModuleMeta {
  /** Path segment of the API and of the console's routes: `partner-organizations`. */
  readonly name: string;
  /** Singular, lower case: "partner organization". */
  readonly label: string;
  /** Ids of its records read `<idPrefix>_<uuid>`: a reference names its module. */
  readonly idPrefix: string;
  /** For navigation and headings: "Partner organizations". */
  readonly pluralLabel: string;
  readonly kind: 'organization' | 'person' | 'record';
  readonly portalVisible: boolean;
  /** The fields staff may write, in the registry's order. */
  readonly fields: readonly FieldMeta[];
  /** The fields a list shows, in order. */
  readonly listColumns: readonly string[];
  /** List filters the API offers for this module (one at a time). */
  readonly filters: readonly string[];
  /** Modules whose records link here, and by which field (a person's tickets: `{ module: 'tickets', field: 'contactId' }`). */
  readonly related: readonly { readonly module: string; readonly field: string }[];
}
