import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as v from 'valibot';
import { componentsChangeItem } from '../access/access-machine';
import { createAccessReads } from '../access/access-reads';
import type { AccessStatus } from '../access/access-state';
import { isRecordIdOf, recordKey } from '../data/keys';
import { StaleRead, type WritePlan } from '../data/write-plan';
import { Conflict, Forbidden, NotFound, ValidationFailed } from '../http/errors';
import { onFirstUse } from '../modules/on-first-use';
import { email, text } from '../modules/fields';
import {
  defaultPortalComponents,
  findModule,
  portalComponentNames,
  type PortalComponentName,
} from '../modules/registry';
import { validate } from '../modules/validate';
import type { Organization, Person } from '../people/person-loader';
import type { PortalGate } from '../portal/portal-gate';
import { refusalMessage } from '../portal/portal-session';
import type { PublicRecord, RecordEditor } from '../records/record-service';

/**
 * A partner admin manages the colleagues of their own partner organization (the Colleagues page):
 *
 * 1. Every request starts as any portal request does: access effective now (an Inactive organization stops the
 *    admin as it stops everyone: 403), and the person is a partner contact staff flagged `portal.partnerAdmin`.
 * 2. Inviting creates a partner contact in the admin's organization with portal access, by the same staff write
 *    (record, email claim, access state `pending`, history): the stream controller then creates the one login and
 *    sends the one invitation. The email claim makes a retry or a concurrent duplicate a replay, never a second
 *    person.
 * 3. An admin gives only components they hold, never `partnerAdmin`, never staff-only settings (support window,
 *    e-sign, PIN: 400), and never touches themself, another admin, or anyone outside their organization (404).
 * 4. Each write carries conditions on the admin's record (still an enabled admin of that organization, holding the
 *    same components) and on the organization (Active), so a right taken away meanwhile refuses the write.
 * 5. Every change lands in the colleague's access history with actor `partner:<adminId>`; staff see it all as
 *    ordinary CRM data, and can undo any of it.
 */

/** Attempts of an invitation that lost a race with a concurrent one before it is replayed. */
const maxAttempts = 4;

const componentList = () =>
  v.pipe(
    v.array(v.picklist(portalComponentNames)),
    v.minLength(1, 'at least one component'),
    v.check((list) => new Set(list).size === list.length, 'no duplicates'),
  );

/** `POST /portal/colleagues`. */
export const colleagueInvitationInput = onFirstUse(() =>
  v.strictObject({
    firstName: v.optional(text(100)),
    lastName: text(100),
    email: email(),
    components: componentList(),
  }),
);

/** `PATCH /portal/colleagues/{id}`: whether they may sign in, and what they see. */
export const colleagueChangeInput = onFirstUse(() =>
  v.strictObject({
    enabled: v.optional(v.boolean()),
    components: v.optional(componentList()),
  }),
);

/** Settings only staff change; named in the refusal so the admin knows whom to ask. */
const staffOnly = new Set([
  'portal',
  'supportStartDate',
  'supportEndDate',
  'canESign',
  'pinReset',
  'pin',
  'partnerAdmin',
  'username',
  'notifications',
  'organizationId',
]);

function refuseStaffSettings(body: unknown, allowed: readonly string[], sentence: string) {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return;
  const refused = Object.keys(body).filter((name) => !allowed.includes(name));
  if (!refused.length) return;
  throw new ValidationFailed(
    sentence,
    refused.map((name) => ({
      path: `/${name}`,
      message: staffOnly.has(name) ? 'only staff change this; ask your account manager' : 'unknown field',
    })),
  );
}

export type ColleagueView = ReturnType<typeof colleagueView>;

function colleagueView(record: Record<string, unknown>, adminId: string, accessStatus: AccessStatus) {
  const portal = (record.portal ?? {}) as {
    enabled?: boolean;
    components?: PortalComponentName[];
    partnerAdmin?: boolean;
  };
  return {
    id: record.id as string,
    firstName: (record.firstName as string | undefined) ?? null,
    lastName: (record.lastName as string | undefined) ?? null,
    email: (record.email as string | undefined) ?? null,
    enabled: portal.enabled === true,
    components: portal.components ?? [...defaultPortalComponents],
    partnerAdmin: portal.partnerAdmin === true,
    you: record.id === adminId,
    accessStatus,
  };
}

interface AdminContext {
  readonly admin: Person;
  readonly organizationId: string;
  readonly components: readonly string[];
}

export function createColleagues(deps: {
  readonly dynamo: DynamoDBClient;
  readonly tableName: string;
  readonly portal: PortalGate;
  readonly records: RecordEditor;
  /** A fresh invitation (the staff resend: invited or failed only, one a minute), naming who asked. */
  readonly resendInvitation: (personId: string, actor: string) => Promise<{ readonly status: AccessStatus }>;
  readonly now?: () => Date;
}) {
  const { portal, records } = deps;
  const now = deps.now ?? (() => new Date());
  const accessReads = createAccessReads(deps);
  const partnerContacts = findModule('partner-contacts')!;

  /** The admin as any portal request sees them (403 when access is not effective), and their organization. */
  async function adminOf(adminId: string): Promise<AdminContext> {
    return asAdmin(await portal.session(adminId));
  }

  function asAdmin({ person, organization }: { person: Person; organization?: Organization }): AdminContext {
    if (person.module !== 'partner-contacts' || person.portal?.partnerAdmin !== true || !organization)
      throw new Forbidden('Only a partner admin manages colleagues; ask your account manager.');
    return { admin: person, organizationId: organization.id, components: portal.componentsOf(person) };
  }

  /** The admin's rights and the organization's status, as conditions of the write itself. */
  function requireAdminRights(plan: WritePlan, context: AdminContext) {
    const { admin, organizationId } = context;
    const components = admin.portal?.components;
    plan.require(
      recordKey(admin.id),
      {
        expression:
          '#portal.#enabled = :adminYes AND #portal.#partnerAdmin = :adminYes AND organizationId = :adminOrg AND ' +
          (components ? '#portal.#components = :adminComponents' : 'attribute_not_exists(#portal.#components)'),
        names: {
          '#portal': 'portal',
          '#enabled': 'enabled',
          '#partnerAdmin': 'partnerAdmin',
          '#components': 'components',
        },
        values: {
          ':adminYes': true,
          ':adminOrg': organizationId,
          ...(components ? { ':adminComponents': components } : {}),
        },
      },
      () => new Forbidden('Your partner admin rights changed meanwhile; reload the page.'),
    );
    plan.require(
      recordKey(organizationId),
      { expression: 'partnerStatus = :orgActive', values: { ':orgActive': 'Active' } },
      () => new Forbidden(refusalMessage),
    );
  }

  function assertHeld(context: AdminContext, components: readonly string[]) {
    const lacking = components.filter((name) => !context.components.includes(name));
    if (lacking.length)
      throw new Forbidden(
        `You can give colleagues only what your own portal includes; it does not include ${lacking.join(', ')}.`,
      );
  }

  const notFound = (id: string) => new NotFound(`There is no colleague ${id} in your organization.`);

  /** A colleague the admin may change: in their organization, not themself, not another admin. */
  function assertManageable(context: AdminContext, colleague: Record<string, unknown>) {
    if (colleague.organizationId !== context.organizationId) throw notFound(colleague.id as string);
    if (colleague.id === context.admin.id)
      throw new Forbidden('You cannot change your own portal access; ask your account manager.');
    if ((colleague.portal as { partnerAdmin?: boolean } | undefined)?.partnerAdmin === true)
      throw new Forbidden("Only staff change a partner admin's portal access; ask your account manager.");
  }

  async function statusOf(personId: string): Promise<AccessStatus> {
    return (await accessReads.read(personId))?.status ?? 'none';
  }

  /** The organization's partner contacts, read beside its own read (the access re-check); shown once that holds. */
  async function list(adminId: string, page: { limit: number; cursor?: string }) {
    const session = await portal.sessionWith(adminId, (viewer) =>
      records.list(partnerContacts, {
        limit: page.limit,
        cursor: page.cursor,
        filter: { name: 'organizationId', value: viewer },
      }),
    );
    asAdmin(session);
    const result = session.seen();
    // The page's access states in one batched read, not one read per colleague.
    const access = await accessReads.readMany(result.items.map((record) => record.id));
    const items = result.items.map((record) =>
      colleagueView(record, adminId, (access.get(record.id)?.status as AccessStatus | undefined) ?? 'none'),
    );
    return { items, nextCursor: result.nextCursor };
  }

  /** Invites a colleague; `created: false` when this colleague was invited already (a retry, a duplicate). */
  async function invite(adminId: string, body: unknown) {
    refuseStaffSettings(
      body,
      Object.keys(colleagueInvitationInput().entries),
      'You can give a colleague a name, an email and portal components; staff set everything else (support window, e-signing, PIN, partner admin) — ask your account manager.',
    );
    const input = validate(colleagueInvitationInput(), body, 'invitation');
    const context = await adminOf(adminId);
    assertHeld(context, input.components);
    const fields = {
      ...(input.firstName ? { firstName: input.firstName } : {}),
      lastName: input.lastName,
      email: input.email,
      organizationId: context.organizationId,
      portal: { enabled: true, components: input.components },
    };
    for (let attempt = 1; ; attempt++) {
      try {
        const record = await records.create(partnerContacts, fields, `partner:${adminId}`, {
          alsoWrite: (plan) => requireAdminRights(plan, context),
        });
        return { created: true, colleague: colleagueView(record, adminId, await statusOf(record.id)) };
      } catch (error) {
        // Concurrent identical invitations collide on the email claim; the next attempt finds it held and replays.
        if (error instanceof StaleRead && attempt < maxAttempts) continue;
        return replayOrRefuse(error);
      }
    }

    async function replayOrRefuse(error: unknown) {
      if (error instanceof StaleRead) throw new Conflict('Others are inviting the same person right now; try again.');
      const held =
        error instanceof Conflict ? (error.extensions.conflict as { field?: string; holderId?: unknown }) : undefined;
      if (held?.field !== 'email') throw error;
      const replay = await sameInvitation(context, fields, held.holderId);
      if (replay) return { created: false, colleague: colleagueView(replay, adminId, await statusOf(replay.id)) };
      // Never says who holds it: the holder may be in another organization.
      throw new Conflict(
        'Someone with this email already has portal access. If they are your colleague, change their access in the list instead.',
      );
    }
  }

  /** The colleague holding the email, when the invitation asks for exactly what they already have. */
  async function sameInvitation(
    context: AdminContext,
    fields: { firstName?: string; lastName: string; email: string; portal: { components: readonly string[] } },
    holderId: unknown,
  ): Promise<PublicRecord | undefined> {
    if (typeof holderId !== 'string' || !isRecordIdOf(partnerContacts, holderId)) return undefined;
    const holder = await records.get(partnerContacts, holderId).catch(() => undefined);
    const portalSettings = holder?.portal as { components?: string[] } | undefined;
    const same =
      holder?.organizationId === context.organizationId &&
      holder.email === fields.email &&
      holder.lastName === fields.lastName &&
      (holder.firstName ?? undefined) === fields.firstName &&
      JSON.stringify([...(portalSettings?.components ?? [])].sort()) ===
        JSON.stringify([...fields.portal.components].sort());
    return same ? holder : undefined;
  }

  async function update(adminId: string, colleagueId: string, body: unknown) {
    refuseStaffSettings(
      body,
      Object.keys(colleagueChangeInput().entries),
      'You can change whether a colleague may sign in and which components they see; staff change everything else — ask your account manager.',
    );
    const change = validate(colleagueChangeInput(), body, 'change');
    const context = await adminOf(adminId);
    if (!isRecordIdOf(partnerContacts, colleagueId)) throw notFound(colleagueId);
    const actor = `partner:${adminId}`;
    const patch = {
      portal: {
        ...(change.enabled !== undefined ? { enabled: change.enabled } : {}),
        ...(change.components ? { components: change.components } : {}),
      },
    };
    const record = await records
      .update(partnerContacts, colleagueId, patch, actor, undefined, {
        check: (current) => {
          assertManageable(context, current);
          // Taking away is always allowed; what is added must be the admin's own.
          const before = portal.componentsOf(current);
          if (change.components)
            assertHeld(
              context,
              change.components.filter((name) => !before.includes(name)),
            );
        },
        alsoWrite: (plan, current) => {
          requireAdminRights(plan, context);
          const from = (current.portal?.components as string[] | undefined) ?? null;
          if (change.components && JSON.stringify(from) !== JSON.stringify(change.components)) {
            const at = now().toISOString();
            plan.add(
              componentsChangeItem(deps.tableName, { personId: colleagueId, actor, at, from, to: change.components }),
            );
          }
        },
      })
      .catch((error: unknown) => {
        // A record service 404 names the module; the admin is told in their own words.
        if (error instanceof NotFound) throw notFound(colleagueId);
        // Never names the holder of a portal email (another organization's person).
        if (error instanceof Conflict && error.extensions.conflict)
          throw new Conflict(
            'Someone else already has portal access with this colleague’s email; ask your account manager.',
          );
        throw error;
      });
    return colleagueView(record, adminId, await statusOf(colleagueId));
  }

  async function resendInvitation(adminId: string, colleagueId: string) {
    const context = await adminOf(adminId);
    if (!isRecordIdOf(partnerContacts, colleagueId)) throw notFound(colleagueId);
    const colleague = await records.get(partnerContacts, colleagueId).catch(() => undefined);
    if (!colleague) throw notFound(colleagueId);
    if (colleague.organizationId !== context.organizationId) throw notFound(colleagueId);
    const outcome = await deps.resendInvitation(colleagueId, `partner:${adminId}`);
    return { id: colleagueId, accessStatus: outcome.status };
  }

  return { list, invite, update, resendInvitation };
}
