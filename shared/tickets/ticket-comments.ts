import { randomUUID } from 'node:crypto';
import { QueryCommand } from '../aws/client-dynamodb';
import type { DynamoDBClient, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '../aws/util-dynamodb';
import * as v from 'valibot';
import { commentKey, commentPrefix, recordKey } from '../data/keys';
import { tableDesign } from '../data/table-design';
import { WritePlan } from '../data/write-plan';
import { ValidationFailed, type DomainError } from '../http/errors';
import { multilineText } from '../modules/fields';
import { onFirstUse } from '../modules/on-first-use';
import { decodeCursor, encodeCursor } from '../records/cursor';

/**
 * A ticket's conversation: comments are append-only items in the ticket's own partition, sorted by time, so a
 * page is one Query (oldest first, newest last). Each comment and the ticket's `awaitingReply` flag change in one
 * transaction: a staff reply sets it (the person's turn), a person's reply clears it, an internal note leaves it.
 *
 * For stream consumers (notifications): a comment item has `sk` starting `COMMENT#`, `author.kind` ('staff' or
 * 'person') and `internal` (true only for a staff note); a staff public reply is `author.kind = 'staff'` with
 * `internal = false`.
 */

/** The longest comment body, in characters: a long email's worth. */
export const commentBodyMax = 10_000;

/** What a person may write. */
export const portalCommentInput = onFirstUse(() => v.strictObject({ body: multilineText(commentBodyMax) }));
/** What staff may write: `internal: true` makes a note the portal never returns. */
export const staffCommentInput = onFirstUse(() =>
  v.strictObject({ body: multilineText(commentBodyMax), internal: v.optional(v.boolean()) }),
);

export type AuthorKind = 'staff' | 'person';

export interface CommentAuthor {
  readonly kind: AuthorKind;
  /** `staff:<sub>` or `person:<id>`. */
  readonly id: string;
  readonly name: string;
}

interface StoredComment {
  readonly id: string;
  readonly ticketId: string;
  readonly body: string;
  readonly author: CommentAuthor;
  readonly internal: boolean;
  readonly createdAt: string;
}

/** A comment as the portal shows it: no internal flag (it only ever sees public ones), no staff ids. */
export const portalCommentView = (comment: StoredComment) => ({
  id: comment.id,
  body: comment.body,
  author: { kind: comment.author.kind, name: comment.author.name },
  createdAt: comment.createdAt,
});

/** A comment as staff see it: who exactly wrote it, and whether it is an internal note. */
export const staffCommentView = (comment: StoredComment) => ({
  id: comment.id,
  body: comment.body,
  author: comment.author,
  internal: comment.internal,
  createdAt: comment.createdAt,
});

/** The condition the ticket must meet for the comment to be written, and what its failure means. */
export interface TicketGuard {
  readonly expression: string;
  readonly names?: Record<string, string>;
  readonly values?: Record<string, unknown>;
  readonly explain: () => DomainError;
}

export interface TicketCommentsDependencies {
  readonly dynamo: DynamoDBClient;
  readonly tableName: string;
  readonly now?: () => Date;
}

const { partitionKey: pk, sortKey: sk } = tableDesign;

export function createTicketComments(deps: TicketCommentsDependencies) {
  const { dynamo, tableName } = deps;
  const now = deps.now ?? (() => new Date());

  /** One page of the conversation, oldest first. The portal's Query filters internal notes out, so its pages may run short. */
  async function page(
    ticketId: string,
    request: { limit: number; cursor?: string },
    audience: 'portal' | 'staff',
  ): Promise<{ items: StoredComment[]; nextCursor: string | null }> {
    let start: ReturnType<typeof decodeCursor> | undefined;
    if (request.cursor) {
      start = decodeCursor(request.cursor, { attributes: [pk, sk], partitionKey: pk, partitionValue: ticketId });
      // A cursor outside the conversation's key range would be refused by DynamoDB as a server error.
      if (!start[sk]?.S?.startsWith(commentPrefix)) {
        throw new ValidationFailed('The cursor is not one this list returned.', [
          { path: '/cursor', message: 'invalid cursor' },
        ]);
      }
    }
    const result = await dynamo.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        ...(audience === 'portal' ? { FilterExpression: '#internal = :false' } : {}),
        ExpressionAttributeNames: {
          '#pk': pk,
          '#sk': sk,
          ...(audience === 'portal' ? { '#internal': 'internal' } : {}),
        },
        ExpressionAttributeValues: marshall({
          ':pk': ticketId,
          ':prefix': commentPrefix,
          ...(audience === 'portal' ? { ':false': false } : {}),
        }),
        ScanIndexForward: true,
        Limit: request.limit,
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    return {
      items: (result.Items ?? []).map((item) => unmarshall(item) as StoredComment),
      nextCursor: encodeCursor(result.LastEvaluatedKey),
    };
  }

  /**
   * Appends a comment, and in the same transaction moves the ticket's `awaitingReply` (and its version and
   * `updatedAt`, like any change of it) under `guard`; an internal note only checks the guard.
   */
  async function add(
    ticketId: string,
    author: CommentAuthor,
    text: string,
    internal: boolean,
    guard: TicketGuard,
  ): Promise<StoredComment> {
    const createdAt = now().toISOString();
    const comment: StoredComment = {
      id: `cmt_${randomUUID()}`,
      ticketId,
      body: text,
      author,
      internal,
      createdAt,
    };
    const ticketAction: TransactWriteItem = internal
      ? {
          ConditionCheck: {
            TableName: tableName,
            Key: marshall(recordKey(ticketId)),
            ConditionExpression: guard.expression,
            ...(guard.names ? { ExpressionAttributeNames: guard.names } : {}),
            ...(guard.values ? { ExpressionAttributeValues: marshall(guard.values) } : {}),
          },
        }
      : {
          Update: {
            TableName: tableName,
            Key: marshall(recordKey(ticketId)),
            UpdateExpression:
              'SET #awaiting = :awaiting, #lastCommentAt = :at, #updatedAt = :at, #version = #version + :one',
            ConditionExpression: guard.expression,
            ExpressionAttributeNames: {
              '#awaiting': 'awaitingReply',
              '#lastCommentAt': 'lastCommentAt',
              '#updatedAt': 'updatedAt',
              '#version': 'version',
              ...guard.names,
            },
            ExpressionAttributeValues: marshall({
              // Staff answered: the person's turn. The person answered: staff's turn.
              ':awaiting': author.kind === 'staff',
              ':at': createdAt,
              ':one': 1,
              ...guard.values,
            }),
          },
        };
    await new WritePlan(tableName)
      .add(
        {
          Put: {
            TableName: tableName,
            Item: marshall({ ...commentKey(ticketId, createdAt, comment.id), ...comment }),
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': pk },
          },
        },
        () => new ValidationFailed('That comment was already written.'),
      )
      .add(ticketAction, guard.explain)
      .commit(dynamo);
    return comment;
  }

  return { page, add };
}
