import { greetingNameOf, type Person } from '../people/person-loader';
import type { AccessEmailSender } from './access-email-sender';
import type { AccessMachine } from './access-machine';
import type { AccessState, AccessStatus } from './access-state';
import type { CognitoLoginGateway } from './cognito-login-gateway';
import type { Branding } from '../branding/branding';
import { emailChangedNotice } from './emails';
import type { AccessVerdict } from './evaluate-access';
import type { InvitationSender } from './invitation-sender';
import type { ReconcileDecision, ReconcileStep } from './reconcile-decision';

export interface ReconcileOutcome {
  readonly personId: string;
  readonly status: AccessStatus;
  readonly verdict: AccessVerdict;
  /** What this run changed, in order: empty when everything already agreed. */
  readonly actions: readonly string[];
}

/** Carries out a reconcile decision's steps against Cognito, SES and the table (through the access machine). */
export function createReconcileExecutor(deps: {
  readonly machine: AccessMachine;
  readonly logins: CognitoLoginGateway;
  readonly sendEmail: AccessEmailSender;
  readonly invitations: InvitationSender;
  readonly branding?: Branding;
}) {
  const { machine, logins } = deps;

  async function announceEmailChange(person: Person, change: { from: string; to: string }, actions: string[]) {
    const email = emailChangedNotice({ name: greetingNameOf(person), ...change }, deps.branding);
    const messageIds = [];
    for (const to of new Set([change.from, change.to].filter(Boolean))) {
      messageIds.push(await deps.sendEmail(person.id, to, email, 'email-change'));
    }
    actions.push('sendEmailChangeNotices');
    await machine.markEmailChangeAnnounced(person.id, { ...change, messageIds });
  }

  interface Run {
    readonly personId: string;
    readonly person: Person | undefined;
    readonly access: AccessState | undefined;
    readonly actor: string;
    readonly actions: string[];
    /** The access state the invitation is for: the renewed enablement, once renewed. */
    current: AccessState | undefined;
  }

  /** One step; answers true when the run is over (an invitation was sent, which recorded the whole new state). */
  async function carryOut(step: ReconcileStep, run: Run): Promise<boolean> {
    const { personId, actions } = run;
    switch (step.kind) {
      case 'renewEnablement': {
        const enablementId = await machine.renewEnablement(personId, run.access);
        run.current = { ...(run.access ?? { personId, status: 'none' }), enablementId };
        return false;
      }
      case 'enableLogin':
      case 'disableLogin':
      case 'signOutEverywhere':
      case 'deleteLogin':
        await logins[
          (
            {
              enableLogin: 'enable',
              disableLogin: 'disable',
              deleteLogin: 'delete',
              signOutEverywhere: 'signOutEverywhere',
            } as const
          )[step.kind]
        ](personId);
        actions.push(step.kind);
        return false;
      case 'updateEmail':
        // Recorded first: if we crash after Cognito changes, the retry still owes both notices.
        await machine.noteEmailChange(personId, { from: step.from, to: step.to });
        await logins.updateEmail(personId, step.to);
        actions.push('updateEmail');
        await announceEmailChange(run.person!, step, actions);
        return false;
      case 'sendEmailChangeNotices':
        await announceEmailChange(run.person!, step, actions);
        return false;
      case 'updateUsername':
        await logins.updateUsername(personId, step.to);
        actions.push('updateUsername');
        await machine.recordUsernameChange(personId, step.from ?? null, step.to ?? null);
        return false;
      case 'invite':
        return deps.invitations.invite(run.person!, run.current, step.createLogin, actions);
      case 'settle': {
        const { status, reason, activatedAt } = step;
        const from = run.access?.status ?? 'none';
        const detail = { from, to: status, reason, actions };
        const history = step.history ? { actor: run.actor, event: 'statusChanged', detail } : undefined;
        const transition = (
          { invited: 'confirmInvited', active: 'confirmActive', suspended: 'suspend', revoked: 'revoke' } as const
        )[status];
        await machine[transition](personId, { reason, activatedAt, history });
        return false;
      }
    }
  }

  async function execute(
    personId: string,
    loaded: { readonly person?: Person; readonly access?: AccessState },
    decision: ReconcileDecision,
    actor: string,
  ): Promise<ReconcileOutcome> {
    const run: Run = {
      personId,
      ...loaded,
      person: loaded.person,
      access: loaded.access,
      actor,
      actions: [],
      current: loaded.access,
    };
    for (const step of decision.steps) {
      if (await carryOut(step, run))
        return { personId, status: 'invited', verdict: decision.verdict, actions: run.actions };
    }
    return { personId, status: decision.status, verdict: decision.verdict, actions: run.actions };
  }

  return { execute };
}
