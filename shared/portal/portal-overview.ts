import { QueryCommand } from '../aws/client-dynamodb';
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '../aws/util-dynamodb';
import { portalModuleNames } from '../modules/registry';
import { portalPartition, portalViewerKey } from '../data/keys';
import { indexes } from '../data/table-design';
import type { Person } from '../people/person-loader';
import type { PortalGate } from './portal-gate';

/**
 * The portal's home page: for each of the person's components, in their order, how many records they see and
 * which need them (a ticket awaiting their reply, a sales order awaiting their signature, a quote awaiting their
 * decision), newest first.
 *
 * Cost: the access re-check, then ONE Query of the sparse portal index per component (five components at most,
 * run at once), reading only the attributes the answer needs. A partition past 1 MB of records takes more pages,
 * at most `maxPagesPerComponent`; beyond that the count is a lower bound and `countIsLowerBound` says so.
 */

export type NeedReason = 'awaiting-your-reply' | 'awaiting-signature' | 'awaiting-decision';

export interface Need {
  readonly id: string;
  readonly title: string;
  readonly reason: NeedReason;
}

/** At most this many items needing the person per component: the card links to the list for the rest. */
export const maxNeedsPerComponent = 10;
/** Pages of 1 MB each read per component before the count stops. */
export const maxPagesPerComponent = 4;

type Summary = Record<string, unknown>;

/** What makes a record of each module need the person, if anything. */
const needOf: Record<string, (record: Summary, person: Person) => NeedReason | undefined> = {
  tickets: (ticket) =>
    ticket.awaitingReply === true && ticket.status !== 'Closed' ? 'awaiting-your-reply' : undefined,
  'sales-orders': (order, person) => {
    const signature = order.signature as { status?: string } | undefined;
    const unsigned = !signature || signature.status !== 'valid';
    return person.portal?.canESign === true && unsigned && order.status !== 'Cancelled'
      ? 'awaiting-signature'
      : undefined;
  },
  quotes: (quote) => {
    const decision = quote.decision as { superseded?: boolean } | undefined;
    const undecided = !decision || decision.superseded === true;
    return undecided && quote.status !== 'Accepted' && quote.status !== 'Rejected' ? 'awaiting-decision' : undefined;
  },
};

const titleOf = (record: Summary) => String(record.title ?? record.subject ?? record.companyName ?? record.id);

export function createPortalOverview(deps: {
  readonly dynamo: DynamoDBClient;
  readonly tableName: string;
  readonly portal: PortalGate;
}) {
  const { dynamo, tableName, portal } = deps;
  const index = indexes.byPortal;

  async function component(person: Person, moduleName: string) {
    const module = portal.portalModule(person, moduleName);
    const partition = portalPartition(portalViewerKey(person), module.name);
    let count = 0;
    const needsYou: Need[] = [];
    let start: Record<string, AttributeValue> | undefined;
    let pages = 0;
    do {
      const result = await dynamo.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: index.indexName,
          KeyConditionExpression: '#pk = :pk',
          ProjectionExpression: '#id, #title, #subject, #companyName, #status, #awaitingReply, #signature, #decision',
          ExpressionAttributeNames: {
            '#pk': index.partitionKey,
            '#id': 'id',
            '#title': 'title',
            '#subject': 'subject',
            '#companyName': 'companyName',
            '#status': 'status',
            '#awaitingReply': 'awaitingReply',
            '#signature': 'signature',
            '#decision': 'decision',
          },
          ExpressionAttributeValues: marshall({ ':pk': partition }),
          ScanIndexForward: false,
          ExclusiveStartKey: start,
        }),
      );
      pages++;
      for (const item of result.Items ?? []) {
        count++;
        const record = unmarshall(item);
        const reason = needOf[module.name]?.(record, person);
        if (reason && needsYou.length < maxNeedsPerComponent) {
          needsYou.push({ id: String(record.id), title: titleOf(record), reason });
        }
      }
      start = result.LastEvaluatedKey;
    } while (start && pages < maxPagesPerComponent);
    return { module: module.name, count, ...(start ? { countIsLowerBound: true } : {}), needsYou };
  }

  async function overview(personId: string) {
    const { person } = await portal.session(personId);
    // The person's portal modules; assigned leads have their own list (GET /portal/leads).
    const names = portal.componentsOf(person).filter((name) => (portalModuleNames as readonly string[]).includes(name));
    return { components: await Promise.all(names.map((name) => component(person, name))) };
  }

  return { overview };
}
