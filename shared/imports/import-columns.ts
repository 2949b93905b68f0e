import { check, type Schema } from '../modules/validate';
import type { ModuleDeclaration, ModuleName } from '../modules/registry';

/**
 * How a CSV file's columns become a module's fields, and one row a record's fields: the header names fields by
 * dotted paths (`portal.enabled`, `billingAddress.city`), or a mapping says which field another header means; each
 * cell is typed from the module's own schema (booleans, numbers, `;`-separated lists) and the row is then validated
 * by that schema, so an import accepts exactly what the API accepts.
 */

/** Modules a CSV import can fill: every people module and both kinds of organization. */
export const importModules = [
  'contacts',
  'leads',
  'partner-contacts',
  'organizations',
  'partner-organizations',
] as const satisfies readonly ModuleName[];
export type ImportModule = (typeof importModules)[number];

/** The column that matches a row to a record across imports, whatever the module; stored on the record. */
export const externalIdField = 'externalId';
export const maxExternalIdLength = 200;

/** Header as written in the file → the field it holds, or `null` for a column the import ignores. */
export type ColumnMapping = Readonly<Record<string, string | null>>;

/** How a cell's text becomes the field's value. */
export type CellKind = 'string' | 'boolean' | 'number' | 'list';

export interface ImportColumn {
  /** The header as written in the file. */
  readonly header: string;
  /** The field, as a dotted path (`portal.enabled`), or `externalId`. */
  readonly field: string;
  readonly kind: CellKind;
}

/** A problem with the file as a whole (its header): nothing of it is imported until it is fixed. */
export interface FileProblem {
  readonly column: string;
  readonly reason: string;
}

/** One refused row: its number in the file (the header is row 1), the field (dotted path) and why. */
export interface RowError {
  readonly row: number;
  readonly field: string;
  readonly reason: string;
}

export type KeyKind = 'email' | 'externalId';

export interface ColumnPlan {
  readonly columns: readonly ImportColumn[];
  /** What matches a row to an existing record: the externalId column when present, else (people) the email. */
  readonly keyKind: KeyKind;
  readonly problems: readonly FileProblem[];
}

/** Fields a file may not set: the write-only PIN is chosen by the person, never carried in a spreadsheet. */
const notImportable = new Set(['portal.pin']);

/** What of a valibot schema the column planner reads: its type, what it wraps, an object's members. */
type SchemaNode = {
  readonly type: string;
  readonly wrapped?: SchemaNode;
  readonly entries?: Record<string, SchemaNode>;
};

/**
 * Optional and nullable wrap the schema that says what a value is. A valibot pipe is its first schema with the
 * actions added (same type, same members), so it needs no unwrapping.
 */
function unwrap(schema: SchemaNode): SchemaNode {
  let current = schema;
  while (current.wrapped) current = current.wrapped;
  return current;
}

const objectTypes = new Set(['object', 'strict_object', 'loose_object']);

/** The kind of the field at `path` in the module's schema, or `undefined` when the schema has no such leaf. */
export function cellKindAt(module: Pick<ModuleDeclaration, 'schema'>, path: readonly string[]): CellKind | undefined {
  let schema = unwrap(module.schema as unknown as SchemaNode);
  for (const segment of path) {
    const entries = objectTypes.has(schema.type) ? schema.entries : undefined;
    const next = entries && Object.hasOwn(entries, segment) ? entries[segment] : undefined;
    if (!next) return undefined;
    schema = unwrap(next);
  }
  switch (schema.type) {
    case 'string':
    case 'picklist':
    case 'enum':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'number':
      return 'number';
    case 'array':
      return 'list';
    default:
      // An object (`portal`, `billingAddress`) is filled by its leaves, never by one cell.
      return undefined;
  }
}

/**
 * Reads the header: each column's field (through `mapping` when it names the header), unknown and repeated fields,
 * and how rows will be matched. Organizations have no natural key, so their files need an externalId column.
 */
export function planColumns(
  module: Pick<ModuleDeclaration, 'schema' | 'kind' | 'label'>,
  headers: readonly string[],
  mapping: ColumnMapping = {},
): ColumnPlan {
  const problems: FileProblem[] = [];
  const columns: ImportColumn[] = [];
  const seen = new Map<string, string>();
  for (const raw of headers) {
    const header = raw.trim();
    const mapped = Object.hasOwn(mapping, header) ? mapping[header] : header;
    // An ignored column is read past: its cells still count towards the row's width, and set nothing.
    if (mapped === null) continue;
    const field = (mapped ?? header).trim();
    if (!header) {
      problems.push({ column: raw, reason: 'a column has no name in the header row' });
      continue;
    }
    const kind =
      field === externalIdField
        ? 'string'
        : notImportable.has(field)
          ? undefined
          : cellKindAt(module, field.split('.'));
    if (!kind) {
      problems.push({
        column: header,
        reason: notImportable.has(field)
          ? `${field} cannot be imported`
          : `unknown column: no field ${field} on a ${module.label} (name fields by their dotted path, e.g. portal.enabled, or map the column)`,
      });
      continue;
    }
    const earlier = seen.get(field);
    if (earlier !== undefined) {
      problems.push({ column: header, reason: `names the same field (${field}) as the column ${earlier}` });
      continue;
    }
    seen.set(field, header);
    columns.push({ header, field, kind });
  }
  for (const header of Object.keys(mapping)) {
    if (!headers.some((candidate) => candidate.trim() === header)) {
      problems.push({ column: header, reason: 'the mapping names a column the file does not have' });
    }
  }
  const keyKind: KeyKind = seen.has(externalIdField) ? 'externalId' : 'email';
  if (keyKind === 'email' && module.kind !== 'person') {
    problems.push({
      column: externalIdField,
      reason: `an externalId column is needed: it is what matches each row to a ${module.label} when the file is imported again`,
    });
  } else if (keyKind === 'email' && !seen.has('email')) {
    problems.push({
      column: 'email',
      reason: 'an email or externalId column is needed: it is what matches each row to a person',
    });
  }
  return { columns, keyKind, problems };
}

/** A column plan with where each column sits in the header, which rows are read by. */
export type HeaderPlan = ColumnPlan & { readonly headerIndexes: readonly number[]; readonly columnCount: number };

/**
 * The value that matches a row to a record, normalised as the record stores it, or `undefined` when blank: what the
 * planner compares to find a key repeated in the file, without validating the row.
 */
export function rowKeyOf(plan: HeaderPlan, cells: readonly string[]): string | undefined {
  const index = plan.columns.findIndex((column) => column.field === plan.keyKind);
  const cell = index >= 0 ? cells[plan.headerIndexes[index]!]?.trim() : undefined;
  if (!cell) return undefined;
  return plan.keyKind === 'email' ? cell.toLowerCase() : cell;
}

const truthy = new Set(['true', 'yes', 'y', '1']);
const falsy = new Set(['false', 'no', 'n', '0']);

function cellValue(kind: CellKind, text: string): { value: unknown } | { reason: string } {
  switch (kind) {
    case 'string':
      return { value: text };
    case 'boolean': {
      const word = text.trim().toLowerCase();
      if (truthy.has(word)) return { value: true };
      if (falsy.has(word)) return { value: false };
      return { reason: 'must be true or false' };
    }
    case 'number': {
      const number = Number(text.trim());
      return text.trim() !== '' && Number.isFinite(number) ? { value: number } : { reason: 'must be a number' };
    }
    case 'list':
      return {
        value: text
          .split(';')
          .map((part) => part.trim())
          .filter(Boolean),
      };
  }
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const segment of path.slice(0, -1)) {
    node = (node[segment] ??= {}) as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

export type ReadRow =
  | { readonly ok: true; readonly fields: Record<string, unknown>; readonly key: string; readonly externalId?: string }
  | { readonly ok: false; readonly errors: readonly RowError[] };

/**
 * One data row as the record's fields, validated by the module's schema. A blank cell sets nothing (an import never
 * clears a field). `columnCount` is the header's, so a row with more or fewer cells is refused as a whole.
 */
export function readRow(
  module: Pick<ModuleDeclaration, 'schema' | 'label'>,
  plan: HeaderPlan,
  cells: readonly string[],
  row: number,
): ReadRow {
  if (cells.length !== plan.columnCount) {
    return {
      ok: false,
      errors: [
        {
          row,
          field: '',
          reason: `has ${cells.length} values where the header has ${plan.columnCount} columns`,
        },
      ],
    };
  }
  const errors: RowError[] = [];
  const input: Record<string, unknown> = {};
  let externalId: string | undefined;
  plan.columns.forEach((column, index) => {
    const text = cells[plan.headerIndexes[index]!] ?? '';
    if (text.trim() === '') return;
    if (column.field === externalIdField) {
      externalId = text.trim();
      if (externalId.length > maxExternalIdLength) {
        errors.push({ row, field: column.field, reason: `must be at most ${maxExternalIdLength} characters` });
      }
      return;
    }
    const parsed = cellValue(column.kind, text);
    if ('reason' in parsed) errors.push({ row, field: column.field, reason: parsed.reason });
    else setPath(input, column.field.split('.'), parsed.value);
  });
  if (plan.keyKind === 'externalId' && externalId === undefined) {
    errors.push({ row, field: externalIdField, reason: 'required: it matches the row to a record' });
  }
  const result = check(module.schema as Schema<Record<string, unknown>>, input);
  if ('errors' in result) {
    for (const problem of result.errors) {
      const field = problem.path.slice(1).split('/').join('.');
      // A cell that could not be typed has said why already.
      if (!errors.some((error) => error.field === field)) errors.push({ row, field, reason: problem.message });
    }
  }
  const fields = 'output' in result ? result.output : {};
  const key = plan.keyKind === 'externalId' ? externalId : (fields.email as string | undefined);
  if ('output' in result && plan.keyKind === 'email' && key === undefined) {
    errors.push({
      row,
      field: 'email',
      reason: 'required: it matches the row to a person (or add an externalId column)',
    });
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, fields, key: key!, ...(externalId !== undefined ? { externalId } : {}) };
}

/** `planColumns` with where each column sits in the header, which `readRow` and `rowKeyOf` read cells by. */
export function planHeader(
  module: Pick<ModuleDeclaration, 'schema' | 'kind' | 'label'>,
  headers: readonly string[],
  mapping?: ColumnMapping,
): HeaderPlan {
  const plan = planColumns(module, headers, mapping);
  const headerIndexes = plan.columns.map((column) => headers.findIndex((header) => header.trim() === column.header));
  return { ...plan, headerIndexes, columnCount: headers.length };
}
