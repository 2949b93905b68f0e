import type { Organization, Person } from '../people/person-loader';
import { ineffectiveStatus, type AccessState, type AccessStatus } from './access-state';
import type { SettledStatus } from './access-machine';
import type { Login } from './cognito-login-gateway';
import { evaluateAccess, todayIn, type AccessVerdict, type IneffectiveReason } from './evaluate-access';

/**
 * What one reconcile run should do for a person, decided from data and a clock alone (no I/O): the steps that bring
 * the portal login (Cognito) and the ACCESS item in line with what the table says access should be. The executor
 * (reconcile-executor.ts) carries them out in order; the exactly-once guarantees (enablements, the invitation claim,
 * pending email notices) are the access machine's conditional writes that the steps go through.
 */
export type ReconcileStep =
  /** A fresh enablement, hence one fresh invitation: saved before anything else changes. */
  | { readonly kind: 'renewEnablement' }
  | { readonly kind: 'enableLogin' }
  /** The login's email follows the person; both addresses are told. */
  | { readonly kind: 'updateEmail'; readonly from: string; readonly to: string }
  /** A change recorded before a crash whose notices are still owed. */
  | { readonly kind: 'sendEmailChangeNotices'; readonly from: string; readonly to: string }
  | { readonly kind: 'updateUsername'; readonly from?: string; readonly to?: string }
  /** A temporary password and the invitation, once per enablement; a run that sends one ends there. */
  | { readonly kind: 'invite'; readonly createLogin: boolean }
  | { readonly kind: 'deleteLogin' }
  | { readonly kind: 'disableLogin' }
  | { readonly kind: 'signOutEverywhere' }
  /** The status the run leaves; `history` when the status or reason changed. */
  | {
      readonly kind: 'settle';
      readonly status: SettledStatus;
      readonly reason?: IneffectiveReason;
      readonly activatedAt?: string;
      readonly history: boolean;
    };

export interface ReconcileDecision {
  readonly verdict: AccessVerdict;
  readonly steps: readonly ReconcileStep[];
  /** The status the run ends in, unless its invitation step sends one (then `invited`). */
  readonly status: AccessStatus;
}

/** Logins whose person chose a password before (RESET_REQUIRED: then staff reset it, and the code follows). */
const signedInBefore = (login: Login | undefined) =>
  login?.status === 'CONFIRMED' || login?.status === 'RESET_REQUIRED';

function attributeSteps(person: Person, access: AccessState | undefined, login: Login): ReconcileStep[] {
  const steps: ReconcileStep[] = [];
  const notice = access?.pendingEmailNotice;
  if (login.email !== person.email) steps.push({ kind: 'updateEmail', from: login.email ?? '', to: person.email! });
  else if (notice && notice.to === person.email) steps.push({ kind: 'sendEmailChangeNotices', ...notice });
  const username = person.portal?.username;
  if (login.preferredUsername !== username) {
    steps.push({ kind: 'updateUsername', from: login.preferredUsername, to: username });
  }
  return steps;
}

/** Access in effect: the login exists, is enabled, carries the person's attributes, and was invited once. */
function grantSteps(person: Person, access: AccessState | undefined, login: Login | undefined, now: Date) {
  const steps: ReconcileStep[] = [];
  // A fresh enablement means a fresh invitation: for a disabled login that never signed in (its old temporary
  // password may have expired), and for a login that vanished after its invitation was sent.
  const loginLost =
    !login && access?.invitation?.state === 'sent' && access.invitation.enablementId === access.enablementId;
  if ((login && !login.enabled && !signedInBefore(login)) || loginLost) steps.push({ kind: 'renewEnablement' });
  if (login && !login.enabled) steps.push({ kind: 'enableLogin' });
  if (login) steps.push(...attributeSteps(person, access, login));
  if (signedInBefore(login)) {
    return { steps, status: 'active' as const, activatedAt: access?.activatedAt ? undefined : now.toISOString() };
  }
  steps.push({ kind: 'invite', createLogin: !login });
  // Nothing new sent: a bounce or complaint on the invitation stands until staff send another.
  const bounced =
    access?.status === 'failed' && (access.reason === 'emailBounced' || access.reason === 'emailComplaint');
  return { steps, status: bounced ? ('failed' as const) : ('invited' as const) };
}

/**
 * Access not in effect: a deleted person's login is deleted; otherwise it is disabled and signed out everywhere,
 * unless the recorded state says this very revocation was done (the daily check then costs no Cognito write).
 */
function withdrawSteps(reason: IneffectiveReason, access: AccessState | undefined, login: Login | undefined) {
  const steps: ReconcileStep[] = [];
  const target = ineffectiveStatus(reason);
  if (login && reason === 'personDeleted') steps.push({ kind: 'deleteLogin' });
  else if (login?.enabled) steps.push({ kind: 'disableLogin' }, { kind: 'signOutEverywhere' });
  else if (login && !(access?.status === target && access.reason === reason)) steps.push({ kind: 'signOutEverywhere' });
  return { steps, status: access || login ? target : ('none' as const) };
}

export function decideReconcile(
  person: Person | undefined,
  organization: Organization | undefined,
  access: AccessState | undefined,
  login: Login | undefined,
  now: Date,
  timeZone: string,
): ReconcileDecision {
  const verdict = evaluateAccess(person, organization, todayIn(timeZone, now));
  const plan: { steps: ReconcileStep[]; status: AccessStatus; activatedAt?: string } =
    verdict.effective && person
      ? grantSteps(person, access, login, now)
      : withdrawSteps((verdict as { reason: IneffectiveReason }).reason, access, login);
  const { steps, status, activatedAt } = plan;
  if (status === 'failed' || status === 'none' || status === 'pending') return { verdict, steps, status };
  const reason = verdict.effective ? undefined : verdict.reason;
  const changed = status !== access?.status || reason !== access?.reason || activatedAt !== undefined;
  const touchesLogin = steps.some((step) => step.kind !== 'renewEnablement' && step.kind !== 'invite');
  // Written when there is something to record: a change, or failures and errors a success clears.
  if ((access || touchesLogin) && (changed || (access?.failures ?? 0) > 0 || access?.lastError)) {
    steps.push({
      kind: 'settle',
      status,
      ...(reason ? { reason } : {}),
      ...(activatedAt ? { activatedAt } : {}),
      history: changed,
    });
  }
  return { verdict, steps, status };
}
