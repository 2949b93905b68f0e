import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as v from 'valibot';
import { Forbidden } from '../http/errors';
import { onFirstUse } from '../modules/on-first-use';
import { dealRegistrationFields, findModule } from '../modules/registry';
import { validate } from '../modules/validate';
import type { Person } from '../people/person-loader';
import type { PortalGate } from '../portal/portal-gate';
import { portalView } from '../portal/portal-view';
import { createRecordCreator } from '../records/record-create';
import { prospectKeyWrites } from './deal-writes';
import { recheckProspectConflicts } from './prospect-conflicts';

/**
 * A partner registers a deal. Main course: the access re-check; a partner contact whose portal includes
 * `deal-registrations` (403 otherwise); the registration written `submitted`, linked to the contact and its partner
 * organization (whose contacts all see it), with its prospect keys in the same transaction; then conflict detection
 * (shared/deals/prospect-conflicts.ts) flags it for staff. The answer is the portal's view: no `conflicts`.
 */

export const dealRegistrationInput = onFirstUse(() => v.strictObject(dealRegistrationFields()));

/** The partner's own check for a partner-only component: a partner contact, holding it. */
export function requirePartnerComponent(
  portal: PortalGate,
  person: Person,
  component: 'deal-registrations' | 'leads',
): string {
  if (person.module !== 'partner-contacts' || typeof person.organizationId !== 'string') {
    throw new Forbidden(`Only partners have ${component} on their portal.`);
  }
  if (!portal.componentsOf(person).includes(component))
    throw new Forbidden(`Your portal does not include ${component}.`);
  return person.organizationId;
}

export function createPartnerDeals(deps: {
  readonly dynamo: DynamoDBClient;
  readonly tableName: string;
  readonly portal: PortalGate;
  readonly now?: () => Date;
}) {
  const { dynamo, tableName, portal } = deps;
  const now = deps.now ?? (() => new Date());
  const records = createRecordCreator({
    dynamo,
    tableName,
    now,
    // Created `submitted`: no review step applies, so only the prospect keys go with it.
    companionWrites: prospectKeyWrites(),
  });

  async function register(personId: string, body: unknown) {
    const { person } = await portal.session(personId);
    const organizationId = requirePartnerComponent(portal, person, 'deal-registrations');
    const input = validate(dealRegistrationInput(), body, 'deal registration');
    const registration = await records.create(
      findModule('deal-registrations')!,
      { ...input, status: 'submitted', contactId: person.id, organizationId, showOnPortal: true },
      `portal:${person.id}`,
    );
    await recheckProspectConflicts({ dynamo, tableName }, registration, now().toISOString());
    return portalView(registration);
  }

  return { register };
}
