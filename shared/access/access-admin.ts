import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Conflict, NotFound, TooManyRequests } from '../http/errors';
import type { ModuleDeclaration } from '../modules/registry';
import { createPersonLoader, type Person } from '../people/person-loader';
import { isRecordIdOf } from '../data/keys';
import { createAccessMachine } from './access-machine';
import { accessActor, statusNow, type AccessState } from './access-state';
import { evaluateAccess, todayIn } from './evaluate-access';
import type { LoginPasswordReset } from './login-password-reset';
import type { Provisioner } from './provisioning';

/** How often staff may ask for a fresh invitation for one person. */
export const resendIntervalSeconds = 60;
/** How often staff may send one person a password reset code: as often as an invitation. */
export const passwordResetIntervalSeconds = resendIntervalSeconds;
const historyShown = 50;
/** Cognito states in which a person has a password of their own to replace. */
export const resettableLoginStatuses: readonly string[] = ['CONFIRMED', 'RESET_REQUIRED'];

function assertPersonId(module: ModuleDeclaration, personId: string) {
  if (module.kind !== 'person' || !isRecordIdOf(module, personId))
    throw new NotFound(`There is no ${module.label} with id ${personId}.`);
}

interface AccessAdminDependencies {
  readonly dynamo: DynamoDBClient;
  readonly tableName: string;
  readonly provisioner: Provisioner;
  /** Cognito's side of a staff password reset; only the staff API needs it. */
  readonly passwordReset?: LoginPasswordReset;
  /** Support windows are dates in this zone. */
  readonly timeZone: string;
  readonly now?: () => Date;
}

/**
 * Staff's resend, on its own for a partner admin's Colleagues page (functions/portal-colleagues.ts), which asks
 * nothing else of access administration and so does not bundle the rest.
 */
export function createInvitationResender(deps: Omit<AccessAdminDependencies, 'passwordReset' | 'timeZone'>) {
  const { provisioner } = deps;
  const now = deps.now ?? (() => new Date());
  const machine = createAccessMachine(deps);

  /**
   * A fresh invitation with a new temporary password, for someone invited who has not signed in yet or whose
   * invitation failed; at most one a minute per person.
   */
  async function resendInvitation(module: ModuleDeclaration, personId: string, actor: string) {
    assertPersonId(module, personId);
    const at = now();
    const cutoff = new Date(at.getTime() - resendIntervalSeconds * 1000).toISOString();
    const outcome = await machine.requestResend(personId, actor, at.toISOString(), cutoff);
    if (!outcome.applied) {
      const state = outcome.current;
      if (state && (state.status === 'invited' || state.status === 'failed') && state.lastResendAt) {
        const wait = resendIntervalSeconds - (at.getTime() - Date.parse(state.lastResendAt)) / 1000;
        throw new TooManyRequests(
          `An invitation was sent less than a minute ago; try again in ${Math.ceil(wait)} s.`,
          wait,
        );
      }
      throw new Conflict(
        `An invitation can be sent again only to someone invited or whose invitation failed; this person is ${state?.status ?? 'not invited'}.`,
      );
    }
    return provisioner.reconcilePerson(personId, accessActor(actor));
  }

  return { resendInvitation };
}

/** What staff see of a person's portal access, and what they can ask of it. */
export function createAccessAdmin(deps: AccessAdminDependencies) {
  const { provisioner } = deps;
  const now = deps.now ?? (() => new Date());
  const machine = createAccessMachine(deps);
  const people = createPersonLoader(deps);

  /**
   * The person's access as it is now: effectiveness evaluated at this moment from the stored records and the clock
   * (support window in the deployment's zone), never a value remembered from the last edit, with the reason when it
   * is not effective. `recordedStatus` appears when the controller has yet to bring the login in line.
   */
  async function status(module: ModuleDeclaration, personId: string) {
    assertPersonId(module, personId);
    // The date only for a person with a support window: a zone's first date costs ICU's start-up (issue 18).
    const today = () => todayIn(deps.timeZone, now());
    // The record, the ACCESS item and the history share the person's partition: one Query reads them for most people.
    const { person: stored, access, history } = await machine.personWithAccess(personId, historyShown);
    const person = stored as Person | undefined;
    const organization = await people.organizationOf(person);
    if (!person && !access) throw new NotFound(`There is no ${module.label} with id ${personId}.`);
    const verdict = evaluateAccess(person, organization, today);
    const state: Partial<AccessState> = access ?? {};
    const current = statusNow(access, verdict);
    return {
      status: current.status,
      ...(current.reason ? { reason: current.reason } : {}),
      ...(current.status !== (state.status ?? 'none') ? { recordedStatus: state.status } : {}),
      effective: verdict.effective,
      ...(verdict.effective ? {} : { ineffectiveBecause: verdict.reason }),
      ...(state.invitedAt ? { invitedAt: state.invitedAt } : {}),
      ...(state.activatedAt ? { activatedAt: state.activatedAt } : {}),
      ...(state.lastSignInAt ? { lastSignInAt: state.lastSignInAt } : {}),
      ...(state.lastError ? { lastError: state.lastError } : {}),
      history,
    };
  }

  /**
   * A password reset code by email for someone active (they chose a password and may sign in now): Cognito's
   * AdminResetUserPassword, at most one a minute per person. The rate limit, the status check and the history entry
   * naming who asked are one conditional write, made before Cognito is called; a failed call gives the minute back.
   */
  async function requestPasswordReset(module: ModuleDeclaration, personId: string, actor: string) {
    if (!deps.passwordReset) throw new Error('createAccessAdmin needs passwordReset to reset passwords');
    // Effective access now (support window, organization, flag, email): 404 for nobody, as status answers.
    const view = await status(module, personId);
    if (!view.effective)
      throw new Conflict(
        `A password can be reset only for someone whose portal access is in effect; this person's is not (${view.ineffectiveBecause ?? view.status}).`,
      );
    const login = await deps.passwordReset.login(personId);
    if (view.status === 'active' && (!login || !login.enabled || !resettableLoginStatuses.includes(login.status)))
      throw new Conflict(
        login?.status === 'FORCE_CHANGE_PASSWORD'
          ? 'This person has not chosen a password yet: send the invitation again instead.'
          : 'This person has no usable portal login right now; reconcile their access first.',
      );
    const at = now().toISOString();
    const cutoff = new Date(Date.parse(at) - passwordResetIntervalSeconds * 1000).toISOString();
    const outcome = await machine.requestPasswordReset(personId, actor, at, cutoff);
    if (!outcome.applied) {
      const state = outcome.current as (AccessState & { lastPasswordResetAt?: string }) | undefined;
      if (state?.status === 'active' && state.lastPasswordResetAt) {
        const wait = passwordResetIntervalSeconds - (Date.parse(at) - Date.parse(state.lastPasswordResetAt)) / 1000;
        throw new TooManyRequests(
          `A password reset code was sent less than a minute ago; try again in ${Math.ceil(wait)} s.`,
          wait,
        );
      }
      throw new Conflict(
        `A password can be reset only for someone active (who has chosen a password); this person is ${state?.status ?? 'not invited'}. An invited person gets a fresh invitation instead.`,
      );
    }
    try {
      await deps.passwordReset.reset(personId);
    } catch (error) {
      // Lets staff ask again at once: removes this request's mark, and only it.
      await machine.giveBackPasswordReset(personId, at).catch(() => {});
      throw error;
    }
    return { personId, status: 'active', passwordResetRequestedAt: at };
  }

  /**
   * Brings the login in line with the CRM. An id that names nothing (no person, no access item, no login: the run
   * found nothing to do and recorded nothing) is a 404, as `status` answers; a deleted person whose login or access
   * item is left is reconciled (the login goes).
   */
  async function reconcile(module: ModuleDeclaration, personId: string, actor: string) {
    assertPersonId(module, personId);
    const outcome = await provisioner.reconcilePerson(personId, `staff:${actor}`);
    const nothingThere =
      outcome.status === 'none' &&
      !outcome.verdict.effective &&
      outcome.verdict.reason === 'personDeleted' &&
      outcome.actions.length === 0;
    if (nothingThere) throw new NotFound(`There is no ${module.label} with id ${personId}.`);
    return outcome;
  }

  const { resendInvitation } = createInvitationResender(deps);

  return { status, resendInvitation, requestPasswordReset, reconcile };
}
