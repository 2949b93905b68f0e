import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '../aws/util-dynamodb';
import * as v from 'valibot';
import { todayIn } from '../access/evaluate-access';
import { startOfNextDayIn } from './day-boundary';
import { ticketCountKey } from '../data/keys';
import { tableDesign } from '../data/table-design';
import { TooManyRequests } from '../http/errors';
import { withRetriedConflicts } from '../data/retry-conflicts';
import { multilineText } from '../modules/fields';
import { onFirstUse } from '../modules/on-first-use';
import { ticketFields } from '../modules/registry';
import { validate } from '../modules/validate';
import type { PortalGate } from '../portal/portal-gate';
import { portalView } from '../portal/portal-view';
import { createRecordCreator } from '../records/record-create';

/**
 * A person raises a ticket on the portal. Main course: the access re-check, the `tickets` component (403 without
 * it), then ONE transaction that counts the ticket against the person's limit for the day (a conditional counter
 * update) and writes the ticket linked to them (a partner contact's also to its organization, by the record
 * service's rules), shown on the portal, `source: portal`. Concurrent requests at the limit cannot exceed it: the
 * counter's condition and the ticket commit or fail together.
 */

/** What the portal's "raise a ticket" form sends: the tickets module's own fields, a description required. */
export const portalTicketInput = onFirstUse(() => {
  const { title, priority } = ticketFields();
  return v.strictObject({ title, description: multilineText(10_000), priority });
});

export interface PortalTicketsDependencies {
  readonly dynamo: DynamoDBClient;
  readonly tableName: string;
  readonly timeZone: string;
  readonly ticketsPerDay: number;
  readonly portal: PortalGate;
  readonly now?: () => Date;
}

export function createPortalTickets(deps: PortalTicketsDependencies) {
  const { dynamo, tableName, portal } = deps;
  const now = deps.now ?? (() => new Date());
  const records = createRecordCreator({ dynamo, tableName, now });

  async function raise(personId: string, body: unknown) {
    const { person } = await portal.session(personId);
    const module = portal.portalModule(person, 'tickets');
    const input = validate(portalTicketInput(), body, 'ticket');
    const at = now();
    const day = todayIn(deps.timeZone, at);
    const nextDay = startOfNextDayIn(deps.timeZone, at);
    const limit = deps.ticketsPerDay;
    const counted = (): TooManyRequests =>
      new TooManyRequests(
        `You can raise ${limit} tickets a day on the portal; you can raise more from ${nextDay.toISOString()}.`,
        (nextDay.getTime() - at.getTime()) / 1000,
      );
    const organizationId =
      // A customer's ticket is filed under their organization too; a partner contact's gets its partner
      // organization from the record service (that is who sees it on the portal).
      person.module === 'contacts' && typeof person.organizationId === 'string' ? person.organizationId : undefined;
    const ticket = await withRetriedConflicts(
      () =>
        records.create(
          module,
          {
            ...input,
            status: 'Open',
            contactId: person.id,
            ...(organizationId ? { organizationId } : {}),
            showOnPortal: true,
          },
          `portal:${person.id}`,
          {
            serverOwned: { source: 'portal', awaitingReply: false },
            alsoWrite: (plan) =>
              plan.add(
                {
                  Update: {
                    TableName: tableName,
                    Key: marshall(ticketCountKey(person.id, day)),
                    UpdateExpression: 'SET #count = if_not_exists(#count, :zero) + :one, #expires = :expires',
                    ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
                    ExpressionAttributeNames: { '#count': 'count', '#expires': tableDesign.ttlAttribute },
                    ExpressionAttributeValues: marshall({
                      ':zero': 0,
                      ':one': 1,
                      ':limit': limit,
                      // Kept a day past its own, then DynamoDB deletes it.
                      ':expires': Math.ceil(nextDay.getTime() / 1000) + 86_400,
                    }),
                  },
                },
                counted,
              ),
          },
        ),
      'Many tickets are being raised at once; try again.',
    );
    return portalView(ticket);
  }

  return { raise };
}
