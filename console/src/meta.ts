/// <reference lib="dom" />
import { moduleMeta } from './generated/module-meta';
import type { FieldMeta, ModuleMeta } from './module-meta-types';

/** The modules as the registry declares them, in navigation order, and look-ups by name. */
export const consoleModules: readonly ModuleMeta[] = moduleMeta;

export const findModuleMeta = (name: string | undefined) => consoleModules.find((module) => module.name === name);

export const fieldOf = (module: ModuleMeta, name: string): FieldMeta | undefined =>
  module.fields.find((field) => field.name === name);

/** Columns and fields the server keeps (not in the registry's writable fields), with their labels. */
const serverFieldLabels: Record<string, string> = {
  updatedAt: 'Updated',
  createdAt: 'Created',
  total: 'Total',
  signature: 'Signature',
};

export const columnLabel = (module: ModuleMeta, name: string) =>
  fieldOf(module, name)?.label ?? serverFieldLabels[name] ?? name;

/** Labels of the list filters the API offers. */
export const filterLabels: Record<string, { readonly label: string; readonly hint: string }> = {
  organizationId: { label: 'Organization', hint: 'Its id, e.g. org_…' },
  contactId: { label: 'Contact', hint: 'Their id, e.g. con_…' },
  email: { label: 'Email', hint: 'The whole address' },
};

/** The module a record id belongs to, read from its prefix (`pcon_…` → partner contacts). */
export const moduleOfId = (id: string) => consoleModules.find((module) => id.startsWith(`${module.idPrefix}_`));
