import { GetItemCommand } from '../aws/client-dynamodb';
import { marshall, unmarshall } from '../aws/util-dynamodb';
import { portalPartition, recordKey } from '../data/keys';
import { findModule } from '../modules/registry';
import { portalPartitionPage } from './portal-partition-page';
import { createPortalGate, createRecordVisibility, sessionAndRecord, type PortalGateDependencies } from './portal-gate';
import { portalView } from './portal-view';

/**
 * What a signed-in partner or customer can see: their profile, and the portal's records. Every call first re-checks
 * that their access is effective now (./portal-gate.ts), so a revocation or the end of the support window takes
 * effect on the next request. Their PIN and signatures are ./portal-pin.ts.
 */

export type PortalServiceDependencies = PortalGateDependencies;

export function createPortalService(deps: PortalServiceDependencies) {
  const { dynamo, tableName } = deps;
  const gate = { ...createPortalGate(deps), ...createRecordVisibility(deps) };
  const { session, sessionWith, componentsOf, portalModule } = gate;

  async function me(personId: string) {
    const { person, organization } = await session(personId);
    // A customer's organization is not needed for the access check, only for the profile.
    const customerOrganization =
      !organization && typeof person.organizationId === 'string'
        ? (
            await dynamo.send(
              new GetItemCommand({ TableName: tableName, Key: marshall(recordKey(person.organizationId)) }),
            )
          ).Item
        : undefined;
    const organizationName = (organization?.name ??
      (customerOrganization ? unmarshall(customerOrganization).name : undefined)) as string | undefined;
    const portal = person.portal ?? {};
    return {
      id: person.id,
      module: person.module,
      firstName: person.firstName ?? null,
      lastName: person.lastName ?? null,
      email: person.email ?? null,
      phone: person.phone ?? null,
      mobile: person.mobile ?? null,
      title: person.title ?? null,
      mailingAddress: person.mailingAddress ?? null,
      organizationName: organizationName ?? (typeof person.company === 'string' ? person.company : null),
      components: componentsOf(person),
      canESign: portal.canESign === true,
      partnerAdmin: person.module === 'partner-contacts' && portal.partnerAdmin === true,
      pinReset: portal.pinReset === true,
      hasPin: typeof portal.pinHash === 'string',
      supportStartDate: portal.supportStartDate ?? null,
      supportEndDate: portal.supportEndDate ?? null,
    };
  }

  /**
   * One Query of the sparse portal index: only records linked to this person (or their partner organization) and
   * shown on the portal, started beside the access re-check; the section is checked against their portal after it.
   */
  async function list(personId: string, moduleName: string, page: { limit: number; cursor?: string }) {
    const section = findModule(moduleName);
    const { person, seen } = await sessionWith(personId, (viewer) =>
      section?.portalVisible
        ? portalPartitionPage({ dynamo, tableName }, portalPartition(viewer, section.name), page)
        : Promise.resolve(undefined),
    );
    portalModule(person, moduleName);
    const found = seen()!;
    return { items: found.items.map(portalView), nextCursor: found.nextCursor };
  }

  /** One record, read beside the access re-check. */
  async function get(personId: string, moduleName: string, id: string) {
    return portalView((await sessionAndRecord(gate, personId, moduleName, id)).record);
  }

  // The gate's checks too, for the portal's other services (shared/tickets, shared/portal).
  return { ...gate, me, list, get };
}
