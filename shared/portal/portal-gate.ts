import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Forbidden, NotFound } from '../http/errors';
import { defaultPortalComponents, findModule, idPrefixes, type ModuleDeclaration } from '../modules/registry';
import { isRecordIdOf, portalViewerKey, portalViewerOf } from '../data/keys';
import { partnerOrganizationIdOf, type Organization, type Person } from '../people/person-loader';
import { readRecord } from '../data/read-records';
import { evaluateAccess, todayIn } from '../access/evaluate-access';
import { refusalMessage } from './portal-session';

/**
 * The checks every portal request starts with, shared by all the portal's services: the person's access is effective
 * now (so a revocation or the end of the support window takes effect on the next request), their portal includes the
 * section, and (`createRecordVisibility`) a record is theirs to see. Kept apart from the reads and PIN writes of
 * `./portal-service.ts` and `./portal-pin.ts`, so a function that needs only the checks (deals, colleagues) does not
 * bundle those.
 */

export interface PortalGateDependencies {
  readonly dynamo: DynamoDBClient;
  readonly tableName: string;
  readonly timeZone: string;
  readonly now?: () => Date;
}

/** Where a portal request came from, as a signature or a quote decision records it. */
export interface RequestOrigin {
  readonly sourceIp: string;
  readonly userAgent: string;
}

export const fullName = (person: Person) => [person.firstName, person.lastName].filter(Boolean).join(' ');

/**
 * Awaits every promise, then answers as if they had been awaited one after another: what the first of them (in the
 * order given) threw is thrown. So a portal request can start its own reads beside the access re-check (it then waits
 * for one round trip, not two or three) and still answer a refused session with the 403, whatever a read
 * beside it met; and no rejection goes unhandled.
 */
export async function inOrder<T extends readonly unknown[]>(
  ...promises: { readonly [K in keyof T]: Promise<T[K]> }
): Promise<T> {
  const settled = await Promise.allSettled(promises);
  return settled.map((outcome) => {
    if (outcome.status === 'rejected') throw outcome.reason;
    return outcome.value;
  }) as unknown as T;
}

/** A promise's outcome, kept (never thrown, so never unhandled) until the session says whether it may be shown. */
const settle = <T>(promise: Promise<T>) => Promise.allSettled([promise]).then(([outcome]) => outcome!);

const nothing = () => Promise.resolve(undefined);

export function createPortalGate(deps: PortalGateDependencies) {
  const now = deps.now ?? (() => new Date());

  /**
   * The session, and the request's read of what the person sees (`read(viewer)`, the viewer as `portalViewerKey`
   * names it) started as soon as the viewer is known rather than after the check: at once for someone who sees as
   * themself, beside their organization's read for a partner contact. A refusal is the same 403 whatever the reason,
   * and whatever the read met. `seen()` gives what was read (or throws what the read threw): the caller calls it after
   * its own checks (the section, the admin right), so those refusals come first too.
   */
  async function sessionWith<T>(personId: string, read: (viewer: string) => Promise<T>) {
    // A partner contact sees as their organization, known once their record is read.
    const early = personId.startsWith(`${idPrefixes['partner-contacts']}_`) ? undefined : settle(read(personId));
    const person = await readRecord<Person>(deps, personId);
    const organizationId = partnerOrganizationIdOf(person);
    const viewer = person && portalViewerKey(person);
    const [organization, outcome] = await Promise.all([
      organizationId ? readRecord<Organization>(deps, organizationId) : undefined,
      // The early read stands only if it was for this viewer: else it is dropped and read again.
      viewer === undefined ? undefined : early && viewer === personId ? early : settle(read(viewer)),
    ]);
    // The date only for a person with a support window: most have none, and a zone's first date costs ICU's start-up.
    const verdict = evaluateAccess(person, organization, () => todayIn(deps.timeZone, now()));
    if (!verdict.effective || !person || !outcome) throw new Forbidden(refusalMessage);
    const seen = () => {
      if (outcome.status === 'rejected') throw outcome.reason;
      return outcome.value;
    };
    return { person, organization, seen };
  }

  /** The person (and a partner contact's organization), if their access is effective now; otherwise a 403. */
  const session = (personId: string) => sessionWith(personId, nothing);

  /** The components someone's portal includes: all of them when staff never narrowed it. */
  const componentsOf = (person: { readonly portal?: unknown }): readonly string[] =>
    (person.portal as Person['portal'])?.components ?? defaultPortalComponents;

  function portalModule(person: Person, moduleName: string): ModuleDeclaration {
    const module = findModule(moduleName);
    if (!module?.portalVisible) throw new NotFound(`There is no portal section ${moduleName}.`);
    if (!componentsOf(person).includes(module.name))
      throw new Forbidden(`Your portal does not include ${module.name}.`);
    return module;
  }

  return { session, sessionWith, componentsOf, portalModule };
}

export type PortalGate = ReturnType<typeof createPortalGate>;

/**
 * A record this person may see, or a 404 that does not say whether it exists: for the portal's services that open one
 * record (./portal-service.ts adds it to the gate). Apart from the gate, so the functions that never open a single
 * record (deals, colleagues) do not bundle it.
 */
export function createRecordVisibility(deps: Pick<PortalGateDependencies, 'dynamo' | 'tableName'>) {
  /**
   * The record `id` names if it can be one of `module`'s and the module is a portal section, read strongly
   * consistent: what `visibleIn` checks. A portal request may start it beside the session (`inOrder`), its id and
   * section being in the path, so a path naming anything else reads nothing.
   */
  const readRecordIn = (module: ModuleDeclaration | undefined, id: string) =>
    module?.portalVisible && isRecordIdOf(module, id) ? readRecord(deps, id) : Promise.resolve(undefined);

  /** The record `readRecordIn` found, if this person may see it; otherwise a 404 that does not say whether it exists. */
  function visibleIn(person: Person, module: ModuleDeclaration, id: string, item: Record<string, unknown> | undefined) {
    if (
      !item ||
      !isRecordIdOf(module, id) ||
      item.showOnPortal !== true ||
      portalViewerOf(item) !== portalViewerKey(person)
    )
      throw new NotFound(`There is no ${module.label} ${id} in your portal.`);
    return item;
  }

  return { readRecordIn, visibleIn };
}

/** The gate and the single-record check: what the portal's record services are given. */
export type PortalRecordGate = PortalGate & ReturnType<typeof createRecordVisibility>;

/**
 * The person and one record of a portal section, the record read beside the session (`inOrder`). Refused in the
 * order the refusals are told: a refused session's 403, then a section not in their portal, then the 404 of a record
 * that is not theirs. A caller with a check of its own between those (signing: may they e-sign) composes the parts.
 */
export async function sessionAndRecord(gate: PortalRecordGate, personId: string, moduleName: string, id: string) {
  const [{ person }, item] = await inOrder(gate.session(personId), gate.readRecordIn(findModule(moduleName), id));
  return { person, record: gate.visibleIn(person, gate.portalModule(person, moduleName), id, item) };
}
