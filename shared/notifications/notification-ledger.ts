import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '../aws/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '../aws/util-dynamodb';
import { notificationKey } from '../data/keys';
import { tableDesign } from '../data/table-design';

/**
 * The record of each notification, one item per event beside the record it is about, written only with conditional
 * writes: `sending` while a worker holds it (a claim with a lease), `sent` once SES accepted the email.
 *
 * Why a lease and not a plain "sent" marker: a marker written before sending loses the email forever if the worker
 * dies before SES answers; one written after sends it twice if the worker dies between the two. The claim lets a
 * replay that finds `sent` do nothing, one that finds a live claim wait for it, and one that finds a claim whose
 * lease ran out (the worker died mid-send, having sent nothing or the email) take over and send: at most one
 * duplicate, in that crash alone, never a lost email (the reasoning of shared/access/invitation-sender.ts).
 */
export interface NotificationClaim {
  readonly state: 'sending' | 'sent';
  readonly claimedAt: string;
  readonly messageId?: string;
}

/** Replays come from the stream, which keeps records 24 hours: the item only has to outlive that, with room. */
const keepDays = 30;

export function createNotificationLedger(deps: { readonly dynamo: DynamoDBClient; readonly tableName: string }) {
  const { dynamo, tableName } = deps;

  /** Claims the event; answers the claim that holds it otherwise (already sent, or another worker's send). */
  async function claim(
    recordId: string,
    event: string,
    claimedAt: Date,
    leaseMs: number,
    detail: { readonly personId: string },
  ): Promise<{ readonly claimed: true } | { readonly claimed: false; readonly held?: NotificationClaim }> {
    try {
      await dynamo.send(
        new PutItemCommand({
          TableName: tableName,
          Item: marshall({
            ...notificationKey(recordId, event),
            state: 'sending',
            claimedAt: claimedAt.toISOString(),
            personId: detail.personId,
            [tableDesign.ttlAttribute]: Math.floor(claimedAt.getTime() / 1000) + keepDays * 86_400,
          }),
          ConditionExpression: 'attribute_not_exists(#pk) OR (#state = :sending AND claimedAt < :stale)',
          ExpressionAttributeNames: { '#pk': tableDesign.partitionKey, '#state': 'state' },
          ExpressionAttributeValues: marshall({
            ':sending': 'sending',
            ':stale': new Date(claimedAt.getTime() - leaseMs).toISOString(),
          }),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { claimed: true };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const held = error.Item ? (unmarshall(error.Item) as NotificationClaim) : undefined;
      return { claimed: false, held };
    }
  }

  /** Gives our claim back after SES refused the email, so a retry need not wait out the lease. */
  async function release(recordId: string, event: string, claimedAt: string): Promise<void> {
    await dynamo
      .send(
        new DeleteItemCommand({
          TableName: tableName,
          Key: marshall(notificationKey(recordId, event)),
          ConditionExpression: '#state = :sending AND claimedAt = :claimedAt',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: marshall({ ':sending': 'sending', ':claimedAt': claimedAt }),
        }),
      )
      .catch((error: unknown) => {
        // Someone else's claim by now (ours ran out): theirs is not ours to give back.
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      });
  }

  /** Records the email sent, under our claim; answers false if our claim had been taken over meanwhile. */
  async function markSent(recordId: string, event: string, claimedAt: string, sent: { messageId?: string; at: Date }) {
    try {
      await dynamo.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: marshall(notificationKey(recordId, event)),
          UpdateExpression: 'SET #state = :sent, sentAt = :at' + (sent.messageId ? ', messageId = :messageId' : ''),
          ConditionExpression: '#state = :sending AND claimedAt = :claimedAt',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: marshall({
            ':sent': 'sent',
            ':sending': 'sending',
            ':at': sent.at.toISOString(),
            ':claimedAt': claimedAt,
            ...(sent.messageId ? { ':messageId': sent.messageId } : {}),
          }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  return { claim, release, markSent };
}

export type NotificationLedger = ReturnType<typeof createNotificationLedger>;
