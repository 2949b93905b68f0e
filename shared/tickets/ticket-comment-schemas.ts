import type { JsonSchema } from '../http/route-contract';
import { commentBodyMax } from './ticket-comments';

/**
 * A ticket's comments as the API returns them (ticket-comments.ts `portalCommentView`, `staffCommentView`), for the
 * contracts of both sides of the conversation.
 */

const author = (withId: boolean): JsonSchema => ({
  type: 'object',
  properties: {
    kind: { type: 'string', enum: ['staff', 'person'] },
    ...(withId ? { id: { type: 'string', description: '`staff:<sub>` or `person:<id>`.' } } : {}),
    name: { type: 'string' },
  },
  required: withId ? ['kind', 'id', 'name'] : ['kind', 'name'],
  additionalProperties: false,
});

const common = {
  id: { type: 'string' },
  body: { type: 'string', maxLength: commentBodyMax, description: 'Plain text; line breaks are kept.' },
  createdAt: { type: 'string', format: 'date-time' },
} as const;

/** A comment on the portal: only public ones are ever shown there, and no staff ids. */
export const portalComment: JsonSchema = {
  type: 'object',
  properties: { id: common.id, body: common.body, author: author(false), createdAt: common.createdAt },
  required: ['id', 'body', 'author', 'createdAt'],
  additionalProperties: false,
};

/** A comment as staff see it: who exactly wrote it, and whether it is an internal note. */
export const staffComment: JsonSchema = {
  type: 'object',
  properties: {
    id: common.id,
    body: common.body,
    author: author(true),
    internal: { type: 'boolean', description: 'An internal note: never shown on the portal.' },
    createdAt: common.createdAt,
  },
  required: ['id', 'body', 'author', 'internal', 'createdAt'],
  additionalProperties: false,
};

/** One page of a conversation, oldest first. */
export const commentPage = (comment: JsonSchema): JsonSchema => ({
  type: 'object',
  properties: {
    items: { type: 'array', items: comment, description: 'Oldest first.' },
    nextCursor: {
      type: ['string', 'null'],
      description: 'Pass as `cursor` for the next page; `null` on the last page.',
    },
  },
  required: ['items', 'nextCursor'],
  additionalProperties: false,
});
