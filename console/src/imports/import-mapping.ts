import type { FieldMeta, ModuleMeta } from '../module-meta-types';

/**
 * The import screen's mapping step, as pure functions: read a CSV file's header row in the browser, list the fields a
 * column can fill (dotted paths for nested fields, as the API names them), guess each header's field, and turn the
 * choices into the `mapping` POST /imports takes (shared/imports/import-columns.ts applies it).
 */

/** The column that matches a row to a record across imports (shared/imports/import-columns.ts `externalIdField`). */
export const externalIdPath = 'externalId';

/** A field a column can fill: its dotted path and how staff know it ("Mailing address: City"). */
export interface ImportTarget {
  readonly path: string;
  readonly label: string;
}

/** Kinds that are no one cell: line items are rows of their own. */
const notOneCell = new Set<FieldMeta['type']>(['line-items']);
/** The write-only PIN is chosen by the person, never carried in a spreadsheet (the API refuses it too). */
const notImportable = new Set(['portal.pin']);

function leaves(fields: readonly FieldMeta[], prefix: string, labelPrefix: string): ImportTarget[] {
  return fields.flatMap((field) => {
    const path = `${prefix}${field.name}`;
    const label = `${labelPrefix}${field.label}`;
    if (field.fields && (field.type === 'address' || field.type === 'group'))
      return leaves(field.fields, `${path}.`, `${label}: `);
    if (notOneCell.has(field.type) || notImportable.has(path)) return [];
    return [{ path, label }];
  });
}

/** Every field of the module a CSV column can fill, in the registry's order, then the external id. */
export function importTargets(module: ModuleMeta): ImportTarget[] {
  return [...leaves(module.fields, '', ''), { path: externalIdPath, label: 'External id (matches re-imports)' }];
}

/** Lower case with spaces, dashes and underscores gone: "E-mail" and "e_mail" both read "email". */
const squash = (text: string) => text.toLowerCase().replace(/[\s_-]+/g, '');

/**
 * The field a header names, if any: its dotted path exactly, else the path or the label written loosely ("Last name",
 * "PORTAL.ENABLED", "Mailing address: City"). `undefined` when staff must choose.
 */
export function suggestTarget(header: string, targets: readonly ImportTarget[]): string | undefined {
  const trimmed = header.trim();
  const exact = targets.find((target) => target.path === trimmed);
  if (exact) return exact.path;
  const loose = squash(trimmed);
  return targets.find((target) => squash(target.path) === loose || squash(target.label) === loose)?.path;
}

/** A column's choice: a field's path, or `null` to ignore the column; `undefined` while not chosen yet. */
export type ColumnChoice = string | null | undefined;

/**
 * The `mapping` for POST /imports: each header whose choice is not the header itself, to that field, or to `null`
 * (ignored). A header naming its field exactly needs no entry; an empty mapping is left out.
 */
export function mappingOf(
  headers: readonly string[],
  choices: readonly ColumnChoice[],
): Record<string, string | null> | undefined {
  const mapping: Record<string, string | null> = {};
  headers.forEach((raw, index) => {
    const header = raw.trim();
    const choice = choices[index];
    if (choice === undefined || choice === header) return;
    mapping[header] = choice;
  });
  return Object.keys(mapping).length ? mapping : undefined;
}

/** Why the chosen columns cannot be sent as they are, as sentences; empty when they can. */
export function mappingRefusals(
  headers: readonly string[],
  choices: readonly ColumnChoice[],
  targets: readonly ImportTarget[],
  kind: ModuleMeta['kind'],
): string[] {
  const refusals: string[] = [];
  const labelOf = (path: string) => targets.find((target) => target.path === path)?.label ?? path;
  const firstColumnOf = new Map<string, string>();
  headers.forEach((raw, index) => {
    const header = raw.trim() || `column ${index + 1}`;
    const choice = choices[index];
    if (choice === undefined) {
      refusals.push(`Choose a field for the column “${header}”, or ignore it.`);
      return;
    }
    if (choice === null) return;
    const earlier = firstColumnOf.get(choice);
    if (earlier !== undefined)
      refusals.push(`The columns “${earlier}” and “${header}” both fill ${labelOf(choice)}: ignore one of them.`);
    else firstColumnOf.set(choice, header);
  });
  if (!firstColumnOf.has(externalIdPath)) {
    if (kind === 'organization')
      refusals.push(
        'Organizations need an external id column: it is what matches each row to its organization when the file is imported again.',
      );
    else if (!firstColumnOf.has('email'))
      refusals.push('People need an email or external id column: it is what matches each row to a person.');
  }
  return refusals;
}

/**
 * The header row of a CSV file's first bytes (RFC 4180: commas, double quotes, `""` inside quotes), or `undefined`
 * when no complete header line is there (`whole`: the text is the whole file, so its end ends the line too). One
 * record is all the mapping step needs; the API parses the whole file.
 */
export function readCsvHeader(text: string, whole = false): string[] | undefined {
  const source = text.replace(/^\uFEFF/, '');
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < source.length; i++) {
    const char = source[i]!;
    if (quoted) {
      if (char === '"' && source[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"' && cell === '') quoted = true;
    else if (char === ',') {
      cells.push(cell);
      cell = '';
    } else if (char === '\n' || char === '\r') {
      cells.push(cell);
      return cells;
    } else cell += char;
  }
  if (!whole || quoted || (cells.length === 0 && cell === '')) return undefined;
  cells.push(cell);
  return cells;
}
