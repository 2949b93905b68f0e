import { GetItemCommand } from '../aws/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '../aws/util-dynamodb';
import { isRecordIdOf, portalPartition, portalViewerKey, recordKey } from '../data/keys';
import { withRetriedConflicts } from '../data/retry-conflicts';
import { indexes, tableDesign } from '../data/table-design';
import { NotFound } from '../http/errors';
import { findModule } from '../modules/registry';
import { validate } from '../modules/validate';
import { fullName, inOrder, sessionAndRecord, type PortalRecordGate } from '../portal/portal-gate';
import {
  createTicketComments,
  portalCommentInput,
  portalCommentView,
  staffCommentInput,
  staffCommentView,
} from './ticket-comments';

/**
 * Both sides of a ticket's conversation. The portal side re-checks access and the `tickets` component, and
 * answers 404 for a ticket the person cannot see now, on every request; the write's condition repeats the
 * visibility check (the ticket is still in the person's portal partition), so a ticket hidden meanwhile takes no
 * comment. Staff see and write internal notes; the portal never returns them.
 */

const busy = 'The ticket is being commented on by others right now; try again.';
const tickets = findModule('tickets')!;

export interface Page {
  readonly limit: number;
  readonly cursor?: string;
}

export function createPortalConversation(deps: {
  readonly dynamo: DynamoDBClient;
  readonly tableName: string;
  readonly portal: PortalRecordGate;
  readonly now?: () => Date;
}) {
  const { portal } = deps;
  const comments = createTicketComments(deps);

  /** The person, once their session holds and the ticket is in their portal: the ticket read beside the session. */
  async function visibleTicket(personId: string, ticketId: string) {
    return (await sessionAndRecord(portal, personId, tickets.name, ticketId)).person;
  }

  /** The conversation read beside the checks; shown only once they hold, their refusals first. */
  async function list(personId: string, ticketId: string, page: Page) {
    const [, result] = await inOrder(
      visibleTicket(personId, ticketId),
      isRecordIdOf(tickets, ticketId) ? comments.page(ticketId, page, 'portal') : Promise.resolve(undefined),
    );
    return { items: result!.items.map(portalCommentView), nextCursor: result!.nextCursor };
  }

  async function add(personId: string, ticketId: string, body: unknown) {
    const person = await visibleTicket(personId, ticketId);
    const input = validate(portalCommentInput(), body, 'comment');
    const comment = await withRetriedConflicts(
      () =>
        comments.add(
          ticketId,
          { kind: 'person', id: `person:${person.id}`, name: fullName(person) },
          input.body,
          false,
          {
            expression: '#portal = :portal',
            names: { '#portal': indexes.byPortal.partitionKey },
            values: { ':portal': portalPartition(portalViewerKey(person), tickets.name) },
            explain: () => new NotFound(`There is no ticket ${ticketId} in your portal.`),
          },
        ),
      busy,
    );
    return portalCommentView(comment);
  }

  return { list, add };
}

export function createStaffConversation(deps: {
  readonly dynamo: DynamoDBClient;
  readonly tableName: string;
  readonly now?: () => Date;
}) {
  const { dynamo, tableName } = deps;
  const comments = createTicketComments(deps);
  const notFound = (ticketId: string) => new NotFound(`There is no ticket with id ${ticketId}.`);

  async function list(ticketId: string, page: Page) {
    if (!isRecordIdOf(tickets, ticketId)) throw notFound(ticketId);
    const ticket = await dynamo.send(
      new GetItemCommand({
        TableName: tableName,
        Key: marshall(recordKey(ticketId)),
        ProjectionExpression: '#pk',
        ExpressionAttributeNames: { '#pk': tableDesign.partitionKey },
      }),
    );
    if (!ticket.Item) throw notFound(ticketId);
    const result = await comments.page(ticketId, page, 'staff');
    return { items: result.items.map(staffCommentView), nextCursor: result.nextCursor };
  }

  async function add(ticketId: string, staff: { sub: string; name: string }, body: unknown) {
    const input = validate(staffCommentInput(), body, 'comment');
    if (!isRecordIdOf(tickets, ticketId)) throw notFound(ticketId);
    const comment = await withRetriedConflicts(
      () =>
        comments.add(
          ticketId,
          { kind: 'staff', id: `staff:${staff.sub}`, name: staff.name },
          input.body,
          input.internal === true,
          {
            expression: 'attribute_exists(#pk)',
            names: { '#pk': tableDesign.partitionKey },
            explain: () => notFound(ticketId),
          },
        ),
      busy,
    );
    return staffCommentView(comment);
  }

  return { list, add };
}
