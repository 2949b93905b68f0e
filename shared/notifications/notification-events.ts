import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '../aws/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { commentPrefix, portalViewerOf, recordSortKey } from '../data/keys';
import type { StreamInterest } from '../data/stream-interest';

/**
 * Which stream records are something to tell a person about, reduced to notification events. Pure: the sender
 * reads and writes only for what this returns.
 *
 * - `awaiting-you`: a quote or sales order that awaits the person (undecided, unsigned) becomes shown to them:
 *   `showOnPortal` turns true, or the record is linked to them while shown.
 * - `document-shared`: a document becomes shown to them, the same way.
 * - `deal-decided`: staff approve or reject a deal registration (shared/deals/deal-review.ts); the partner contact
 *   who registered it hears of it.
 * - `lead-assigned`: staff assign a lead to a partner organization (`assignedPartnerId` set or changed, shared/deals);
 *   every partner contact of it whose portal includes `leads` hears of it, each once.
 * - `ticket-reply`: staff add a public comment to a ticket (shared/tickets/ticket-comments.ts: `author.kind` 'staff',
 *   `internal` false); never an internal note, never the person's own comment.
 *
 * Each event is named by what caused it (the record version that made it visible), so a replayed stream record is
 * the same event and is sent once (shared/notifications/notification-ledger.ts).
 */

export type NotificationKind = 'awaiting-you' | 'document-shared' | 'ticket-reply' | 'deal-decided' | 'lead-assigned';

/** The modules whose records the stream subscription reads; everything else is dropped before the function runs. */
export const notifiedModules = ['quotes', 'sales-orders', 'documents', 'deal-registrations', 'leads'] as const;
export type NotifiedModule = (typeof notifiedModules)[number] | 'tickets';

export const notificationStreamInterest: StreamInterest = {
  sortKey: recordSortKey,
  modules: notifiedModules,
  insertsUnderPrefixes: [commentPrefix],
};

export interface NotificationEvent {
  readonly kind: NotificationKind;
  readonly module: NotifiedModule;
  readonly recordId: string;
  /**
   * Who the record is shown to: the person it is linked to, or else its partner organization (whose primary contact
   * is told); for an assigned lead, the partner organization it is assigned to. The sender checks the record still has this audience when it sends. A reply has none here: the
   * ticket's audience when it is sent is whom it goes to.
   */
  readonly audience?: string;
  /** What caused it, unique per record and kind: `v<version>` of the record, or a comment's id. */
  readonly cause: string;
  /** The stream record's sequence number (what a batch item failure names). */
  readonly sequence: string;
  /** A staff reply's text (never logged). */
  readonly reply?: string;
}

/** The ledger's name of an event: one per kind and cause under the record. */
export const eventName = (event: Pick<NotificationEvent, 'kind' | 'cause'>) => `${event.kind}#${event.cause}`;

type Image = Record<string, unknown>;

function image(value: Record<string, unknown> | undefined): Image | undefined {
  return value ? (unmarshall(value as Record<string, AttributeValue>) as Image) : undefined;
}

/**
 * Who a record is shown to on the portal, as one id: the linked person when there is one (that is whom it
 * addresses, even on a partner organization's record that all its contacts see), else the partner organization.
 */
export function audienceOf(record: Image | undefined): string | undefined {
  if (!record || record.showOnPortal !== true) return undefined;
  const viewer = portalViewerOf(record);
  if (!viewer) return undefined;
  return typeof record.contactId === 'string' ? record.contactId : viewer;
}

/**
 * Whether a quote or sales order awaits the person: a sales order not cancelled and not validly signed, a quote
 * not accepted or rejected by staff and without a decision that still stands (a staff edit supersedes one).
 */
export function awaitsThePerson(module: string, record: Image): boolean {
  if (module === 'sales-orders') {
    const signature = record.signature as { status?: string } | undefined;
    return record.status !== 'Cancelled' && (!signature || signature.status === 'invalidated');
  }
  if (module === 'quotes') {
    const decision = record.decision as { superseded?: boolean } | undefined;
    return record.status !== 'Accepted' && record.status !== 'Rejected' && (!decision || decision.superseded === true);
  }
  return false;
}

/** The partner organization a lead is assigned to, if any. */
const assignedPartnerOf = (record: Image | undefined) =>
  typeof record?.assignedPartnerId === 'string' ? record.assignedPartnerId : undefined;

/** Whom an event of the record addresses: for a lead its assigned partner, else whom the record is shown to. */
export function eventAudienceOf(module: NotifiedModule, record: Image | undefined): string | undefined {
  return module === 'leads' ? assignedPartnerOf(record) : audienceOf(record);
}

function shownEvent(module: NotifiedModule, before: Image | undefined, after: Image): NotificationKind | undefined {
  if (module === 'leads') {
    const partner = assignedPartnerOf(after);
    return partner && partner !== assignedPartnerOf(before) ? 'lead-assigned' : undefined;
  }
  if (module === 'deal-registrations') {
    const decided = after.status === 'approved' || after.status === 'rejected';
    return decided && before?.status !== after.status && audienceOf(after) ? 'deal-decided' : undefined;
  }
  const audience = audienceOf(after);
  if (!audience || audience === audienceOf(before)) return undefined;
  if (module === 'documents') return 'document-shared';
  return awaitsThePerson(module, after) ? 'awaiting-you' : undefined;
}

/** A staff reply the person should hear of: a new public staff comment. An absent `internal` counts as a note. */
function replyEvent(comment: Image | undefined, sequence: string): NotificationEvent | undefined {
  const author = comment?.author as { kind?: unknown } | undefined;
  if (!comment || author?.kind !== 'staff' || comment.internal !== false) return undefined;
  if (typeof comment.ticketId !== 'string' || typeof comment.id !== 'string') return undefined;
  const reply = typeof comment.body === 'string' ? comment.body : undefined;
  return { kind: 'ticket-reply', module: 'tickets', recordId: comment.ticketId, cause: comment.id, sequence, reply };
}

export function planNotifications(records: readonly DynamoDBRecord[]): NotificationEvent[] {
  const events: NotificationEvent[] = [];
  for (const record of records) {
    const change = record.dynamodb;
    const sequence = change?.SequenceNumber;
    const sortKey = change?.Keys?.sk?.S;
    if (!sequence || record.eventName === 'REMOVE') continue;
    if (record.eventName === 'INSERT' && sortKey?.startsWith(commentPrefix)) {
      const event = replyEvent(image(change.NewImage), sequence);
      if (event) events.push(event);
      continue;
    }
    if (sortKey !== recordSortKey) continue;
    const after = image(change.NewImage);
    const module = after?.module as NotifiedModule | undefined;
    if (!after || !module || !(notifiedModules as readonly string[]).includes(module)) continue;
    const kind = shownEvent(module, image(change.OldImage), after);
    if (!kind || typeof after.id !== 'string' || typeof after.version !== 'number') continue;
    events.push({
      kind,
      module,
      recordId: after.id,
      audience: eventAudienceOf(module, after)!,
      cause: `v${after.version}`,
      sequence,
    });
  }
  return events;
}
