import { internalAttributes, type ClaimKind } from '../data/keys';
import type { ModuleDeclaration } from '../modules/registry';

/** A record as clients see it, and as the service stores it. */

export type PublicRecord = Record<string, unknown> & { id: string; version: number };

export type StoredRecord = Record<string, unknown> & {
  id: string;
  version: number;
  createdAt: string;
  createdBy: string;
  linkCount?: number;
  portal?: Record<string, unknown>;
};

/** Fields the server owns: clients can neither set nor patch them. */
export const serverFields = ['id', 'version', 'createdAt', 'updatedAt', 'createdBy', 'updatedBy'] as const;

/**
 * Field names in code-unit order: they are ASCII identifiers, and `localeCompare` would start ICU's collator on a
 * cold start's first answer (8 ms of crm-records' first call).
 */
const byName = ([a]: [string, unknown], [b]: [string, unknown]) => (a < b ? -1 : a > b ? 1 : 0);

/** What a client sees: id first, then the fields, then the server's bookkeeping; no keys, no hash. */
export function toPublicRecord(item: Record<string, unknown>): PublicRecord {
  const visible: Record<string, unknown> = { id: item.id };
  for (const [name, value] of Object.entries(item).sort(byName)) {
    if (!internalAttributes.has(name) && !(serverFields as readonly string[]).includes(name)) visible[name] = value;
  }
  for (const name of serverFields) visible[name] = item[name];
  if (visible.portal && typeof visible.portal === 'object') {
    const { pinHash, ...portal } = visible.portal as Record<string, unknown>;
    visible.portal = { ...portal, hasPin: typeof pinHash === 'string' };
  }
  return visible as PublicRecord;
}

/** The fields a client wrote, as a merge patch applies to them: no server fields, no derived ones, no hash. */
export function writableFields(module: ModuleDeclaration, item: StoredRecord): Record<string, unknown> {
  const derived = new Set(Object.keys(module.derive?.({}) ?? {}));
  const fields: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(item)) {
    if (
      internalAttributes.has(name) ||
      (serverFields as readonly string[]).includes(name) ||
      derived.has(name) ||
      module.serverOwned?.includes(name)
    )
      continue;
    fields[name] = value;
  }
  if (fields.portal) {
    const { pinHash: _pinHash, ...portal } = fields.portal as Record<string, unknown>;
    fields.portal = portal;
  }
  return fields;
}

/** Portal uniqueness claims a person holds: its email and username, while portal access is enabled. */
export function claimsOf(module: ModuleDeclaration, fields: Record<string, unknown>): Map<ClaimKind, string> {
  const claims = new Map<ClaimKind, string>();
  const portal = fields.portal as { enabled?: boolean; username?: string } | undefined;
  if (module.kind !== 'person' || portal?.enabled !== true) return claims;
  if (typeof fields.email === 'string') claims.set('email', fields.email);
  if (typeof portal.username === 'string') claims.set('username', portal.username);
  return claims;
}
