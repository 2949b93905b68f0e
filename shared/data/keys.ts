import { randomUUID } from 'node:crypto';
import { idPrefixes } from '../modules/module-names';
import type { ModuleDeclaration } from '../modules/registry';
import { indexes, tableDesign } from './table-design';

/**
 * The key catalog: every item type's keys in the single table (pk/sk and the four indexes' attributes), built here
 * and nowhere else. docs/data-model.md's items table is checked against `itemCatalog` below
 * (tests/unit/data-keys.test.ts), and tests/unit/architecture-layers.test.ts refuses a key literal in any other file.
 */

/** Sort keys of the items kept under a record id (its own partition). */
export const recordSortKey = 'RECORD';
export const accessSortKey = 'ACCESS';
export const pinAttemptsSortKey = 'PIN_ATTEMPTS';
export const claimSortKey = 'UNIQUE';
/** History entries sort by time under this prefix, after the access state they describe. */
export const historyPrefix = 'HISTORY#';
/** A ticket's comments sort by time under this prefix, in the ticket's partition. */
export const commentPrefix = 'COMMENT#';
/** A person's count of tickets raised on the portal on one day sorts under this prefix, in their partition. */
export const ticketCountPrefix = 'TICKETS#';
/** A record's files (a ticket's attachments, a document's file) sort by their time-ordered id under this prefix. */
export const filePrefix = 'FILE#';
/** Search term items' partitions start with this (`searchPartition`). */
export const searchPrefix = 'SEARCH#';
/** A CSV import's own item (shared/imports), in the import's partition; its `module` attribute is `importItemModule`. */
export const importSortKey = 'IMPORT';
/** An import's chunks sort under this prefix in its partition, by phase and index. */
export const importChunkPrefix = 'CHUNK#';
/** The sort key of the item that says which record an import key (email or externalId) of a module matched. */
export const importKeySortKey = 'IMPORTKEY';
/** The `module` attribute of import items, which the import worker's stream interest selects them by. */
export const importItemModule = 'imports';
/** ACCESS items are listed (gsi1) under this pseudo-module, for `reconcile --all`. */
export const accessListName = 'portal-access';

type Key = Record<string, string>;
const { partitionKey: pk, sortKey: sk } = tableDesign;

/** A new record's id, which is its partition key: `<prefix>_<uuid>`, so a reference names its module. */
export function newRecordId(module: Pick<ModuleDeclaration, 'idPrefix'>): string {
  return `${module.idPrefix}_${randomUUID()}`;
}

const uuid = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/** Whether `id` has the shape of an id of `module`: anything else cannot exist, and never reaches DynamoDB. */
export function isRecordIdOf(module: Pick<ModuleDeclaration, 'idPrefix'>, id: string): boolean {
  return new RegExp(`^${module.idPrefix}_${uuid}$`).test(id);
}

/** Names of the attributes that only the storage layer sees: the keys, and a record's bookkeeping. */
export const internalAttributes = new Set<string>([
  pk,
  sk,
  ...tableDesign.globalSecondaryIndexes.flatMap((index) => [index.partitionKey, index.sortKey]),
  'linkCount',
  'module',
]);

/** A record of any module: its id is the partition. */
export function recordKey(id: string): Key {
  return { [pk]: id, [sk]: recordSortKey };
}

export type ClaimKind = 'email' | 'username';

/** A uniqueness claim: one per portal email and portal username held by a portal-enabled person. */
export function claimKey(kind: ClaimKind, value: string): Key {
  return { [pk]: `UNIQUE#${kind}#${value.toLowerCase()}`, [sk]: claimSortKey };
}

/** A person's portal-access state, beside their record. */
export function accessKey(personId: string): Key {
  return { [pk]: personId, [sk]: accessSortKey };
}

/** Index attributes that list every ACCESS item (gsi1), so `reconcile --all` never scans. */
export function accessListAttributes(personId: string): Key {
  return { [indexes.byType.partitionKey]: accessListName, [indexes.byType.sortKey]: personId };
}

/** gsi2's partition of the ACCESS items with one recorded status (`GET /portal-users?status=`). */
export function accessStatusPartition(status: string): string {
  return `ACCESS#${status}`;
}

/**
 * Index attributes an ACCESS item gets with every status it records (the access machine sets them in the same
 * write): gsi2 lists the people of one status, most recent change first.
 */
export function accessStatusAttributes(personId: string, status: string, at: string): Key {
  return {
    [indexes.byLink.partitionKey]: accessStatusPartition(status),
    [indexes.byLink.sortKey]: `${at}#${personId}`,
  };
}

/** One entry of a person's access history; the random tail keeps two entries of the same instant apart. */
export function historyKey(personId: string, at: string, tail: string = randomUUID().slice(0, 8)): Key {
  return { [pk]: personId, [sk]: `${historyPrefix}${at}#${tail}` };
}

/** A history item: its key and the entry. */
export function historyItem<Entry extends { readonly at: string }>(personId: string, entry: Entry) {
  return { ...historyKey(personId, entry.at), ...entry };
}

/** The item counting a person's wrong PINs (shared/portal/pin-attempts.ts), beside their record. */
export function pinAttemptsKey(personId: string): Key {
  return { [pk]: personId, [sk]: pinAttemptsSortKey };
}

/**
 * The record of one portal notification (shared/notifications/notification-ledger.ts), beside the record it is
 * about: `event` names what happened (`<kind>#<what caused it>`), so a replayed stream record finds it and sends
 * nothing twice.
 */
export function notificationKey(recordId: string, event: string): Key {
  return { [pk]: recordId, [sk]: `NOTIFICATION#${event}` };
}

/** One comment of a ticket (shared/tickets/ticket-comments.ts): its partition is the ticket's, oldest first. */
export function commentKey(ticketId: string, at: string, commentId: string): Key {
  return { [pk]: ticketId, [sk]: `${commentPrefix}${at}#${commentId}` };
}

/** How many tickets a person raised on the portal on `day` (shared/tickets/portal-tickets.ts), beside their record. */
export function ticketCountKey(personId: string, day: string): Key {
  return { [pk]: personId, [sk]: `${ticketCountPrefix}${day}` };
}

/** A file of a record (shared/files/file-service.ts): a ticket's attachment or a document's file, in its partition. */
export function fileKey(recordId: string, fileId: string): Key {
  return { [pk]: recordId, [sk]: `${filePrefix}${fileId}` };
}

/**
 * The partition of a module's search terms that start with the character `term` starts with: a prefix search is
 * one Query of it (`begins_with(sk, <prefix>)`), and the terms of a module spread over many partitions.
 */
export function searchPartition(moduleName: string, term: string): string {
  return `${searchPrefix}${moduleName}#${Array.from(term)[0] ?? ''}`;
}

/** One search term of a record (shared/records/search-terms.ts normalises it, so it holds no `#`). */
export function searchTermKey(moduleName: string, term: string, recordId: string): Key {
  return { [pk]: searchPartition(moduleName, term), [sk]: `${term}#${recordId}` };
}

/** What a prospect key normalises: a company's name, or an email's domain (shared/deals/prospect-keys.ts). */
export type ProspectKeyKind = 'company' | 'domain';

/** gsi-free lookup of the registrations and leads naming one prospect: one partition per normalised value. */
export function prospectPartition(kind: ProspectKeyKind, value: string): string {
  return `PROSPECT#${kind}#${value}`;
}

/** One record (a deal registration or a lead) naming a prospect, in that prospect's partition. */
export function prospectKey(kind: ProspectKeyKind, value: string, recordId: string): Key {
  return { [pk]: prospectPartition(kind, value), [sk]: recordId };
}

/** A CSV import (shared/imports/import-service.ts): its partition holds the import and its chunks. */
export function importKey(importId: string): Key {
  return { [pk]: `IMPORT#${importId}`, [sk]: importSortKey };
}

/** One chunk of an import's rows in one phase (`dryRun`, `commit`); the index is zero-padded so chunks sort in order. */
export function importChunkKey(importId: string, phase: string, index: number | '<index>'): Key {
  const position = typeof index === 'number' ? String(index).padStart(6, '0') : index;
  return { [pk]: `IMPORT#${importId}`, [sk]: `${importChunkPrefix}${phase}#${position}` };
}

/** The partition of an import and its chunks, for a Query of the chunks. */
export function importPartition(importId: string): string {
  return `IMPORT#${importId}`;
}

/**
 * Which record of `module` an import key (an email or an externalId) stands for: imports upsert by reading this one
 * item and create a record only together with it (a conditional write), so a key never makes two records.
 */
export function importRowKey(module: string, kind: string, value: string): Key {
  return { [pk]: `IMPORTKEY#${module}#${kind}#${value}`, [sk]: importKeySortKey };
}

/**
 * One window of an account-wide quota (shared/quotas/account-quota.ts): how many permits were handed out in the
 * window starting at `windowStart` (epoch ms), across every function instance and shard. Gone by TTL soon after.
 */
export function quotaWindowKey(quota: string, windowStart: number | string): Key {
  return { [pk]: `QUOTA#${quota}#${windowStart}`, [sk]: 'QUOTA' };
}

/** The item the health check reads: it never exists, so reading it proves reachability and nothing else. */
export const healthProbeKey = { [pk]: 'HEALTH', [sk]: 'PROBE' } as const;

/** gsi2's partition of an organization's people and records, gsi3's of a person's records. */
export function linkPartition(id: string): string {
  return `LINK#${id}`;
}

/** gsi3's partition of the people with an email. */
export function emailPartition(email: string): string {
  return `EMAIL#${email}`;
}

/** gsi4's partition: the records of one module a viewer (partner organization or person) sees on the portal. */
export function portalPartition(viewer: string, moduleName: string): string {
  return `PORTAL#${viewer}#${moduleName}`;
}

/** Index attributes of a record item: the list, link, lookup and portal patterns of docs/data-model.md. */
export function indexAttributes(
  module: Pick<ModuleDeclaration, 'name' | 'kind' | 'portalVisible' | 'portalAssignmentField'>,
  item: { id: string; createdAt: string } & Record<string, unknown>,
): Key {
  const { byType, byLink, byLookup, byPortal } = indexes;
  const order = `${module.name}#${item.createdAt}#${item.id}`;
  const attributes: Key = {
    [byType.partitionKey]: module.name,
    [byType.sortKey]: `${item.createdAt}#${item.id}`,
  };
  if (typeof item.organizationId === 'string') {
    attributes[byLink.partitionKey] = linkPartition(item.organizationId);
    attributes[byLink.sortKey] = order;
  }
  const lookup =
    module.kind === 'person' && typeof item.email === 'string'
      ? emailPartition(item.email)
      : module.kind === 'record' && typeof item.contactId === 'string'
        ? linkPartition(item.contactId)
        : undefined;
  if (lookup) {
    attributes[byLookup.partitionKey] = lookup;
    attributes[byLookup.sortKey] = order;
  }
  const assignedTo = module.portalAssignmentField ? item[module.portalAssignmentField] : undefined;
  const viewer =
    typeof assignedTo === 'string'
      ? assignedTo
      : module.portalVisible && item.showOnPortal === true
        ? portalViewerOf(item)
        : undefined;
  if (viewer) {
    attributes[byPortal.partitionKey] = portalPartition(viewer, module.name);
    attributes[byPortal.sortKey] = `${item.createdAt}#${item.id}`;
  }
  return attributes;
}

const partnerOrganizationIdPrefix = `${idPrefixes['partner-organizations']}_`;

/**
 * Who sees a portal record: its partner organization (all of that organization's partner contacts see it), or
 * else the person it is linked to. A customer organization's own records are not shown to its contacts.
 * The record service keeps partner records consistent (a partner contact's record carries its organization),
 * so each visible record has exactly one viewer key and a portal list is one Query.
 */
export function portalViewerOf(item: Record<string, unknown>): string | undefined {
  const organizationId = typeof item.organizationId === 'string' ? item.organizationId : undefined;
  if (organizationId?.startsWith(partnerOrganizationIdPrefix)) return organizationId;
  return typeof item.contactId === 'string' ? item.contactId : undefined;
}

/** The viewer key of a signed-in person: a partner contact sees as its organization, anyone else as themself. */
export function portalViewerKey(person: { id: string; module: string; organizationId?: unknown }): string {
  return person.module === 'partner-contacts' && typeof person.organizationId === 'string'
    ? person.organizationId
    : person.id;
}

/** One row of docs/data-model.md's items table: an item type and its keys, as the builders above make them. */
export interface CatalogEntry {
  readonly item: string;
  readonly keys: Key;
  /** When an index attribute pair is present, by index name (gsi2: 'when linked'). */
  readonly when?: Readonly<Record<string, string>>;
  /** Said after the sort key (a TTL, say). */
  readonly note?: string;
}

/** A module as the catalog shows it: named by a placeholder. */
const placeholderModule = (kind: ModuleDeclaration['kind'], portalVisible: boolean) =>
  ({ name: '<module>', kind, portalVisible }) as unknown as ModuleDeclaration;
const record = { id: '<id>', createdAt: '<createdAt>' };

/**
 * Every item type with its keys, built by the builders above from placeholders: what docs/data-model.md shows. A
 * function, not a value built at load: it calls every builder, so as a constant it ran at every cold start and kept
 * every builder (and the registry) in every function's bundle, the health check's included (issue 18).
 */
export function itemCatalog(): readonly CatalogEntry[] {
  return [
    {
      item: 'organization',
      keys: { ...recordKey('<id>'), ...indexAttributes(placeholderModule('organization', false), record) },
    },
    {
      item: 'person',
      keys: {
        ...recordKey('<id>'),
        ...indexAttributes(placeholderModule('person', false), {
          ...record,
          organizationId: '<organizationId>',
          email: '<email>',
        }),
      },
      when: { gsi2: 'when linked to an organization', gsi3: 'when it has an email' },
    },
    {
      item: 'portal record',
      keys: {
        ...recordKey('<id>'),
        ...indexAttributes(placeholderModule('record', true), {
          ...record,
          organizationId: '<organizationId>',
          contactId: '<contactId>',
          showOnPortal: true,
        }),
        // The viewer is the partner organization, or else the linked person (`portalViewerOf`).
        [indexes.byPortal.partitionKey]: portalPartition('<viewer>', '<module>'),
      },
      when: {
        gsi2: 'when linked to an organization',
        gsi3: 'when linked to a person',
        gsi4: 'when shown on the portal',
      },
    },
    { item: 'email claim', keys: claimKey('email', '<email>') },
    { item: 'username claim', keys: claimKey('username', '<lower-case username>') },
    {
      item: 'portal access state',
      keys: {
        ...accessKey('<personId>'),
        ...accessListAttributes('<personId>'),
        ...accessStatusAttributes('<personId>', '<status>', '<status changed at>'),
      },
      when: { gsi2: 'once a status is recorded' },
    },
    { item: 'access history entry', keys: historyKey('<personId>', '<time>', '<random>') },
    { item: 'wrong-PIN attempts', keys: pinAttemptsKey('<personId>'), note: `TTL \`${tableDesign.ttlAttribute}\`` },
    { item: 'ticket comment', keys: commentKey('<ticketId>', '<time>', '<commentId>') },
    {
      item: 'portal tickets of a day',
      keys: ticketCountKey('<personId>', '<date>'),
      note: `TTL \`${tableDesign.ttlAttribute}\``,
    },
    {
      item: 'portal notification',
      keys: notificationKey('<recordId>', '<kind>#<event>'),
      note: `TTL \`${tableDesign.ttlAttribute}\``,
    },
    {
      item: 'file of a record',
      keys: fileKey('<recordId>', '<fileId>'),
      note: `TTL \`${tableDesign.ttlAttribute}\` while pending`,
    },
    {
      item: 'search term of a record',
      keys: { ...searchTermKey('<module>', '<term>', '<id>'), [pk]: `${searchPrefix}<module>#<first character>` },
    },
    {
      item: 'assigned lead',
      keys: {
        ...recordKey('<id>'),
        [indexes.byPortal.partitionKey]: portalPartition('<assignedPartnerId>', 'leads'),
        [indexes.byPortal.sortKey]: '<createdAt>#<id>',
      },
      when: { gsi4: 'while assigned to a partner organization' },
      note: 'also gsi1/gsi3 as a person',
    },
    { item: 'prospect key', keys: prospectKey('company', '<normalised name>', '<recordId>') },
    { item: 'CSV import', keys: importKey('<importId>') },
    { item: 'CSV import chunk', keys: importChunkKey('<importId>', '<phase>', '<index>') },
    { item: 'CSV import key', keys: importRowKey('<module>', '<email or externalId>', '<value>') },
    {
      item: 'account quota window',
      keys: quotaWindowKey('<quota>', '<windowStart>'),
      note: `TTL \`${tableDesign.ttlAttribute}\``,
    },
    { item: 'health probe (never written)', keys: healthProbeKey },
  ];
}
