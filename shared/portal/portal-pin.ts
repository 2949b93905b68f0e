import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Conflict, Forbidden } from '../http/errors';
import { withUnsafeCharactersReplaced } from '../modules/safe-text';
import { salesOrderContentHash, type Signature } from '../modules/sales-order-content';
import { updateRecord } from '../records/update-record';
import { hashPin, verifyPin } from '../security/pin-hash';
import { findModule } from '../modules/registry';
import { fullName, inOrder, type PortalRecordGate, type RequestOrigin } from './portal-gate';
import { createPinAttempts } from './pin-attempts';

/**
 * What a person does with their PIN: set or change it (`PUT /portal/pin`) and sign a sales order with it. Both count
 * wrong PINs (./pin-attempts.ts). Only the functions serving these routes bundle it.
 */

const salesOrders = findModule('sales-orders')!;

export interface PortalPinDependencies {
  readonly dynamo: DynamoDBClient;
  readonly tableName: string;
  readonly gate: PortalRecordGate;
  readonly now?: () => Date;
}

export function createPortalPin(deps: PortalPinDependencies) {
  const { dynamo, tableName, gate } = deps;
  const now = deps.now ?? (() => new Date());
  const pinAttempts = createPinAttempts({ dynamo, tableName, now });

  /** Sets the first PIN (when the person may e-sign), or changes it (when PIN reset is allowed and the current PIN is right). */
  async function setPin(personId: string, request: { currentPin?: string; newPin: string }) {
    const { person } = await gate.session(personId);
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
    // The order is read beside the session; the checks then run in the order a refusal is told.
    const [{ person }, read] = await inOrder(gate.session(personId), gate.readRecordIn(salesOrders, orderId));
    const module = gate.portalModule(person, salesOrders.name);
    const portal = person.portal ?? {};
    if (portal.canESign !== true) throw new Forbidden('Your account cannot sign documents.');
    const order = gate.visibleIn(person, module, orderId, read);
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

  return { setPin, signSalesOrder };
}
