import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { Conflict, Forbidden, NotFound } from '../http/errors';
import { defaultPortalComponents, findModule, type ModuleDeclaration } from '../modules/registry';
import { withUnsafeCharactersReplaced } from '../modules/safe-text';
import { isRecordIdOf, portalPartition, portalViewerKey, portalViewerOf, recordKey } from '../data/keys';
import { hashPin, verifyPin } from '../security/pin-hash';
import { createPersonLoader, type Person } from '../people/person-loader';
import { evaluateAccess, todayIn } from '../access/evaluate-access';
import { createPinAttempts } from './pin-attempts';
import { refusalMessage } from './portal-session';
import { salesOrderContentHash, type Signature } from '../modules/sales-order-content';
import { updateRecord } from '../records/update-record';
import { portalPartitionPage } from './portal-partition-page';
import { portalView } from './portal-view';

/**
 * What a signed-in partner or customer can see and do. Every call first re-checks that their access is
 * effective now, so a revocation or the end of the support window takes effect on the next request.
 */

export interface PortalServiceDependencies {
  readonly dynamo: DynamoDBClient;
  readonly tableName: string;
  readonly timeZone: string;
  readonly now?: () => Date;
}

export interface RequestOrigin {
  readonly sourceIp: string;
  readonly userAgent: string;
}

export const fullName = (person: Person) => [person.firstName, person.lastName].filter(Boolean).join(' ');

export function createPortalService(deps: PortalServiceDependencies) {
  const { dynamo, tableName } = deps;
  const now = deps.now ?? (() => new Date());
  const pinAttempts = createPinAttempts({ dynamo, tableName, now });
  const people = createPersonLoader({ dynamo, tableName });

  /** The person, if their access is effective now; otherwise the same 403 whatever the reason. */
  async function session(personId: string) {
    const { person, organization } = await people.load(personId);
    // The date only for a person with a support window: most have none, and a zone's first date costs ICU's start-up.
    const verdict = evaluateAccess(person, organization, () => todayIn(deps.timeZone, now()));
    if (!verdict.effective || !person) throw new Forbidden(refusalMessage);
    return { person, organization };
  }

  const componentsOf = (person: Person): readonly string[] => person.portal?.components ?? defaultPortalComponents;

  function portalModule(person: Person, moduleName: string): ModuleDeclaration {
    const module = findModule(moduleName);
    if (!module?.portalVisible) throw new NotFound(`There is no portal section ${moduleName}.`);
    if (!componentsOf(person).includes(module.name))
      throw new Forbidden(`Your portal does not include ${module.name}.`);
    return module;
  }

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

  /** One Query of the sparse portal index: only records linked to this person (or their partner organization) and shown on the portal. */
  async function list(personId: string, moduleName: string, page: { limit: number; cursor?: string }) {
    const { person } = await session(personId);
    const module = portalModule(person, moduleName);
    const partition = portalPartition(portalViewerKey(person), module.name);
    const found = await portalPartitionPage({ dynamo, tableName }, partition, page);
    return { items: found.items.map(portalView), nextCursor: found.nextCursor };
  }

  /** A record this person may see, or a 404 that does not say whether it exists. */
  async function visibleRecord(person: Person, module: ModuleDeclaration, id: string) {
    const notFound = new NotFound(`There is no ${module.label} ${id} in your portal.`);
    if (!isRecordIdOf(module, id)) throw notFound;
    const result = await dynamo.send(
      new GetItemCommand({ TableName: tableName, Key: marshall(recordKey(id)), ConsistentRead: true }),
    );
    const item = result.Item ? unmarshall(result.Item) : undefined;
    if (!item || item.showOnPortal !== true || portalViewerOf(item) !== portalViewerKey(person)) throw notFound;
    return item;
  }

  async function get(personId: string, moduleName: string, id: string) {
    const { person } = await session(personId);
    return portalView(await visibleRecord(person, portalModule(person, moduleName), id));
  }

  /** Sets the first PIN (when the person may e-sign), or changes it (when PIN reset is allowed and the current PIN is right). */
  async function setPin(personId: string, request: { currentPin?: string; newPin: string }) {
    const { person } = await session(personId);
    const portal = person.portal ?? {};
    if (typeof portal.pinHash !== 'string') {
      if (portal.canESign !== true) throw new Forbidden('Your account cannot sign documents, so it has no PIN.');
    } else {
      if (portal.pinReset !== true)
        throw new Forbidden('Changing your PIN is not enabled; contact your account manager.');
      // A change without the current PIN counts as a wrong one: it is a guess too.
      const { currentPin } = request;
      const storedHash = portal.pinHash;
      await pinAttempts.check(
        personId,
        async () => currentPin !== undefined && (await verifyPin(currentPin, storedHash)),
      );
    }
    const pinHash = await hashPin(request.newPin);
    // A change like any other: the person's version moves, so staff holding an old ETag re-read it.
    const changed = await updateRecord({ dynamo, tableName }, personId, {
      set: { 'portal.pinHash': pinHash, updatedBy: `portal:${personId}` },
      at: now().toISOString(),
      when: { version: person.version as number },
    });
    if (!changed) throw new Conflict('Your profile changed meanwhile; try again.');
  }

  /** Signs a visible, unsigned sales order with the person's PIN; records who, when, from where, and what. */
  async function signSalesOrder(
    personId: string,
    orderId: string,
    pin: string,
    origin: RequestOrigin,
  ): Promise<Signature> {
    const { person } = await session(personId);
    const module = portalModule(person, 'sales-orders');
    const portal = person.portal ?? {};
    if (portal.canESign !== true) throw new Forbidden('Your account cannot sign documents.');
    const order = await visibleRecord(person, module, orderId);
    const existing = order.signature as Signature | undefined;
    if (existing?.status === 'valid') throw new Conflict('This sales order is already signed.');
    if (typeof portal.pinHash !== 'string') throw new Conflict('Set your PIN first, then sign.');
    const storedHash = portal.pinHash;
    await pinAttempts.check(personId, () => verifyPin(pin, storedHash));
    const signature: Signature = {
      status: 'valid',
      contentHash: salesOrderContentHash(order),
      signedAt: now().toISOString(),
      signedBy: { id: person.id, name: fullName(person), email: person.email ?? '' },
      sourceIp: origin.sourceIp,
      // Recorded in a legal record: no control or bidi characters (and no half of a pair cut by the slice).
      userAgent: withUnsafeCharactersReplaced(origin.userAgent.slice(0, 512)),
    };
    // Signed exactly what was read: a staff edit in between fails the condition and the person signs again.
    const signed = await updateRecord({ dynamo, tableName }, orderId, {
      set: { signature, updatedBy: `portal:${personId}` },
      at: signature.signedAt,
      when: { version: order.version as number },
    });
    if (!signed) throw new Conflict('The sales order changed while you were signing; review it and sign again.');
    return signature;
  }

  // session, portalModule and visibleRecord: the checks the portal's other services (shared/tickets, shared/portal) share.
  return { session, componentsOf, portalModule, visibleRecord, me, list, get, setPin, signSalesOrder };
}
