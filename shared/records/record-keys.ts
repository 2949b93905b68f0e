import { randomUUID } from 'node:crypto';
import { indexes, tableDesign } from '../data/table-design';
import type { ModuleDeclaration } from '../modules/registry';

/** Key layout of the single table; docs/data-model.md explains each attribute. */
export const recordSortKey = 'RECORD';
export const claimSortKey = 'UNIQUE';
export const pinAttemptsSortKey = 'PIN_ATTEMPTS';

export type ClaimKind = 'email' | 'username';

export function newRecordId(module: ModuleDeclaration): string {
  return `${module.idPrefix}_${randomUUID()}`;
}

const uuid = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/** Whether `id` has the shape of an id of `module`: anything else cannot exist, and never reaches DynamoDB. */
export function isRecordIdOf(module: ModuleDeclaration, id: string): boolean {
  return new RegExp(`^${module.idPrefix}_${uuid}$`).test(id);
}

export function recordKey(id: string): Record<string, string> {
  return { [tableDesign.partitionKey]: id, [tableDesign.sortKey]: recordSortKey };
}

export function claimKey(kind: ClaimKind, value: string): Record<string, string> {
  return { [tableDesign.partitionKey]: `UNIQUE#${kind}#${value.toLowerCase()}`, [tableDesign.sortKey]: claimSortKey };
}

/** The item counting a person's PIN attempts (shared/portal/pin-attempts.ts), beside their record. */
export function pinAttemptsKey(personId: string): Record<string, string> {
  return { [tableDesign.partitionKey]: personId, [tableDesign.sortKey]: pinAttemptsSortKey };
}

/** Names of the attributes that only the storage layer sees. */
export const internalAttributes = new Set<string>([
  tableDesign.partitionKey,
  tableDesign.sortKey,
  ...tableDesign.globalSecondaryIndexes.flatMap((index) => [index.partitionKey, index.sortKey]),
  'linkCount',
  'module',
]);

/** Index attributes of a record item: the list, link and lookup patterns of docs/data-model.md. */
export function indexAttributes(
  module: ModuleDeclaration,
  item: { id: string; createdAt: string } & Record<string, unknown>,
): Record<string, string> {
  const { byType, byLink, byLookup } = indexes;
  const order = `${module.name}#${item.createdAt}#${item.id}`;
  const attributes: Record<string, string> = {
    [byType.partitionKey]: module.name,
    [byType.sortKey]: `${item.createdAt}#${item.id}`,
  };
  if (typeof item.organizationId === 'string') {
    attributes[byLink.partitionKey] = `LINK#${item.organizationId}`;
    attributes[byLink.sortKey] = order;
  }
  const lookup =
    module.kind === 'person' && typeof item.email === 'string'
      ? `EMAIL#${item.email}`
      : module.kind === 'record' && typeof item.contactId === 'string'
        ? `LINK#${item.contactId}`
        : undefined;
  if (lookup) {
    attributes[byLookup.partitionKey] = lookup;
    attributes[byLookup.sortKey] = order;
  }
  const viewer = module.portalVisible && item.showOnPortal === true ? portalViewerOf(item) : undefined;
  if (viewer) {
    attributes[indexes.byPortal.partitionKey] = portalPartition(viewer, module.name);
    attributes[indexes.byPortal.sortKey] = `${item.createdAt}#${item.id}`;
  }
  return attributes;
}

/**
 * Who sees a portal record: its partner organization (all of that organization's partner contacts see it), or
 * else the person it is linked to. A customer organization's own records are not shown to its contacts.
 * The record service keeps partner records consistent (a partner contact's record carries its organization),
 * so each visible record has exactly one viewer key and a portal list is one Query.
 */
export function portalViewerOf(item: Record<string, unknown>): string | undefined {
  const organizationId = typeof item.organizationId === 'string' ? item.organizationId : undefined;
  if (organizationId?.startsWith('porg_')) return organizationId;
  return typeof item.contactId === 'string' ? item.contactId : undefined;
}

/** The viewer key of a signed-in person: a partner contact sees as its organization, anyone else as themself. */
export function portalViewerKey(person: { id: string; module: string; organizationId?: unknown }): string {
  return person.module === 'partner-contacts' && typeof person.organizationId === 'string'
    ? person.organizationId
    : person.id;
}

export function portalPartition(viewer: string, moduleName: string): string {
  return `PORTAL#${viewer}#${moduleName}`;
}
