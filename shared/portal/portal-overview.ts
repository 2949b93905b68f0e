import { QueryCommand } from '../aws/client-dynamodb';
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '../aws/util-dynamodb';
import { defaultPortalComponents, portalModuleNames, type PortalModuleName } from '../modules/registry';
import { portalPartition, portalViewerKey } from '../data/keys';
import { indexes } from '../data/table-design';
import type { Person } from '../people/person-loader';
import type { PortalGate } from './portal-gate';

/**
 * The portal's home page: for each of the person's components, in their order, how many records they see and
 * which need them (a ticket awaiting their reply, a sales order awaiting their signature, a quote awaiting their
 * decision), newest first.
 *
 * Cost: the access re-check and, beside it, ONE Query of the sparse portal index per component (six at most, run at
 * once), reading only the attributes the answer needs. A partition past 1 MB of records takes more pages,
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

/**
 * What makes a record of each module need the person, if anything. Read without the person (the queries start beside
 * the access re-check); what depends on them, the right to e-sign, is applied after (`needsOf`).
 */
const needOf: Record<string, (record: Summary) => NeedReason | undefined> = {
  tickets: (ticket) =>
    ticket.awaitingReply === true && ticket.status !== 'Closed' ? 'awaiting-your-reply' : undefined,
  'sales-orders': (order) => {
    const signature = order.signature as { status?: string } | undefined;
    const unsigned = !signature || signature.status !== 'valid';
    return unsigned && order.status !== 'Cancelled' ? 'awaiting-signature' : undefined;
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

  /** One component's count and the records that may need the viewer, read from their portal partition. */
  async function component(viewer: string, moduleName: PortalModuleName) {
    const partition = portalPartition(viewer, moduleName);
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
        const reason = needOf[moduleName]?.(record);
        if (reason && needsYou.length < maxNeedsPerComponent) {
          needsYou.push({ id: String(record.id), title: titleOf(record), reason });
        }
      }
      start = result.LastEvaluatedKey;
    } while (start && pages < maxPagesPerComponent);
    return { module: moduleName, count, ...(start ? { countIsLowerBound: true } : {}), needsYou };
  }

  /** Only a person who may e-sign is awaited for a signature (a module's needs share one reason, so none are lost). */
  const needsOf = (person: Person, needs: readonly Need[]) =>
    person.portal?.canESign === true ? needs : needs.filter((need) => need.reason !== 'awaiting-signature');

  /**
   * The components' queries start beside the access re-check, for the default components (most people's): a person
   * with others set gets the rest read after it, and what failed in a component they do not have is not their
   * answer. Nothing read is shown unless the session holds.
   */
  async function overview(personId: string) {
    const { person, seen } = await portal.sessionWith(personId, (viewer) =>
      Promise.allSettled(defaultPortalComponents.map((name) => component(viewer, name))),
    );
    const early = seen();
    // The person's portal modules; assigned leads have their own list (GET /portal/leads).
    const names = portal
      .componentsOf(person)
      .filter((name): name is PortalModuleName => (portalModuleNames as readonly string[]).includes(name));
    const viewer = portalViewerKey(person);
    const components = await Promise.all(
      names.map((name) => {
        const read = early[(defaultPortalComponents as readonly string[]).indexOf(name)];
        if (!read) return component(viewer, name);
        // Rejected inside Promise.all, not thrown from map: a query started for a later name stays handled.
        return read.status === 'fulfilled' ? read.value : Promise.reject(read.reason as Error);
      }),
    );
    return { components: components.map((read) => ({ ...read, needsYou: needsOf(person, read.needsYou) })) };
  }

  return { overview };
}
