import { QueryCommand } from '../aws/client-dynamodb';
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '../aws/util-dynamodb';
import { idPrefixes, portalModuleNames, type PortalModuleName } from '../modules/registry';
import { linkPartition, portalViewerOf } from '../data/keys';
import { indexes } from '../data/table-design';
import type { Person } from '../people/person-loader';
import type { PortalGate } from './portal-gate';

/**
 * The portal's home page: for each of the person's components, in their order, how many records they see and
 * which need them (a ticket awaiting their reply, a sales order awaiting their signature, a quote awaiting their
 * decision), newest first.
 *
 * Cost: the access re-check and, beside it, ONE Query of every record linked to the viewer (a person's on gsi3, a
 * partner organization's on gsi2: docs/data-model.md), every module at once, keeping those shown on the portal, and
 * reading only the attributes the answer needs. The per-module portal index (gsi4) would take one Query per component;
 * on a cold start each request costs its own connection and signing, and the home page is what a person opens first.
 * A viewer past 1 MB of linked records takes more pages, at most `maxPages`; a component the pages did not finish
 * says `countIsLowerBound`.
 */

export type NeedReason = 'awaiting-your-reply' | 'awaiting-signature' | 'awaiting-decision';

export interface Need {
  readonly id: string;
  readonly title: string;
  readonly reason: NeedReason;
}

/** At most this many items needing the person per component: the card links to the list for the rest. */
export const maxNeedsPerComponent = 10;
/** Pages of 1 MB each read of the viewer's linked records (every component's) before the counts stop. */
export const maxPages = 20;

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

const partnerOrganizationPrefix = `${idPrefixes['partner-organizations']}_`;

/** A viewer's linked records: a partner organization's are on gsi2 (with its people), a person's on gsi3. */
const linkIndexOf = (viewer: string) =>
  viewer.startsWith(partnerOrganizationPrefix) ? indexes.byLink : indexes.byLookup;

export function createPortalOverview(deps: {
  readonly dynamo: DynamoDBClient;
  readonly tableName: string;
  readonly portal: PortalGate;
}) {
  const { dynamo, tableName, portal } = deps;

  /**
   * The records the viewer sees on the portal, newest first within each module, by module; and the sort key the
   * pages stopped at, if they did (the link index sorts by `<module>#<createdAt>#<id>`, read here in reverse).
   */
  async function visibleRecords(viewer: string) {
    const index = linkIndexOf(viewer);
    const byModule = new Map<string, Summary[]>();
    let start: Record<string, AttributeValue> | undefined;
    let pages = 0;
    do {
      const result = await dynamo.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: index.indexName,
          KeyConditionExpression: '#pk = :pk',
          FilterExpression: '#showOnPortal = :shown',
          ProjectionExpression:
            '#sk, #id, #contactId, #organizationId, #title, #subject, #companyName, #status, #awaitingReply, #signature, #decision',
          ExpressionAttributeNames: {
            '#pk': index.partitionKey,
            '#sk': index.sortKey,
            '#showOnPortal': 'showOnPortal',
            '#id': 'id',
            '#contactId': 'contactId',
            '#organizationId': 'organizationId',
            '#title': 'title',
            '#subject': 'subject',
            '#companyName': 'companyName',
            '#status': 'status',
            '#awaitingReply': 'awaitingReply',
            '#signature': 'signature',
            '#decision': 'decision',
          },
          ExpressionAttributeValues: marshall({ ':pk': linkPartition(viewer), ':shown': true }),
          ScanIndexForward: false,
          ExclusiveStartKey: start,
        }),
      );
      pages++;
      for (const item of result.Items ?? []) {
        const record = unmarshall(item);
        // Exactly the portal index's rule (keys.ts indexAttributes): shown, and this viewer is who sees it.
        if (portalViewerOf(record) !== viewer) continue;
        const moduleName = String(record[index.sortKey]).split('#')[0]!;
        const list = byModule.get(moduleName);
        if (list) list.push(record);
        else byModule.set(moduleName, [record]);
      }
      start = result.LastEvaluatedKey;
    } while (start && pages < maxPages);
    const stoppedAt = start ? unmarshall(start)[index.sortKey] : undefined;
    return { byModule, stoppedAt: typeof stoppedAt === 'string' ? stoppedAt : undefined };
  }

  /** One component's count and the records that may need the viewer. */
  function component(records: Awaited<ReturnType<typeof visibleRecords>>, moduleName: PortalModuleName) {
    const summaries = records.byModule.get(moduleName) ?? [];
    const needsYou: Need[] = [];
    for (const record of summaries) {
      const reason = needOf[moduleName]?.(record);
      if (reason && needsYou.length < maxNeedsPerComponent) {
        needsYou.push({ id: String(record.id), title: titleOf(record), reason });
      }
    }
    // Read in reverse, the pages finished every module that sorts after the key they stopped at.
    const unfinished = records.stoppedAt !== undefined && `${moduleName}#` <= records.stoppedAt;
    return {
      module: moduleName,
      count: summaries.length,
      ...(unfinished ? { countIsLowerBound: true } : {}),
      needsYou,
    };
  }

  /** Only a person who may e-sign is awaited for a signature (a module's needs share one reason, so none are lost). */
  const needsOf = (person: Person, needs: readonly Need[]) =>
    person.portal?.canESign === true ? needs : needs.filter((need) => need.reason !== 'awaiting-signature');

  /**
   * The viewer's records are read beside the access re-check (for a partner contact, beside their organization's
   * read, once the person names it). Nothing read is shown unless the session holds.
   */
  async function overview(personId: string) {
    const { person, seen } = await portal.sessionWith(personId, visibleRecords);
    const records = seen();
    // The person's portal modules; assigned leads have their own list (GET /portal/leads).
    const names = portal
      .componentsOf(person)
      .filter((name): name is PortalModuleName => (portalModuleNames as readonly string[]).includes(name));
    return {
      components: names.map((name) => {
        const read = component(records, name);
        return { ...read, needsYou: needsOf(person, read.needsYou) };
      }),
    };
  }

  return { overview };
}
