import { logger } from '../observability/logger';
import { greetingNameOf, type Person } from '../people/person-loader';
import type { AccessEmailSender } from './access-email-sender';
import type { AccessMachine } from './access-machine';
import type { AccessState } from './access-state';
import type { CognitoLoginGateway } from './cognito-login-gateway';
import type { Branding } from '../branding/branding';
import { invitationEmail } from './emails';

/** Another worker is sending this invitation right now; try again after its lease. */
export class InvitationInProgress extends Error {
  override readonly name = 'InvitationInProgress';
}

export interface InvitationSenderDependencies {
  readonly machine: AccessMachine;
  readonly logins: CognitoLoginGateway;
  readonly sendEmail: AccessEmailSender;
  readonly signInUrl: string;
  /** The deployment's name, logo and accent colour, which the email carries. */
  readonly branding?: Branding;
  readonly temporaryPasswordValidityDays: number;
  /** How long an invitation claim protects a send in progress before another worker may take over. */
  readonly leaseMs: number;
  readonly now: () => Date;
  readonly newPassword: () => string;
  readonly sleep: (ms: number) => Promise<void>;
}

/**
 * The invitation of one enablement, sent once: claim it (a conditional write with a lease), set a fresh temporary
 * password (creating the login if there is none), send the email, and record it sent with the status it leads to.
 */
export function createInvitationSender(deps: InvitationSenderDependencies) {
  const { machine, logins, now } = deps;

  /**
   * Claims the right to send the invitation of `enablementId`. Returns false if it was already sent (or the
   * enablement was renewed by another run, which sends the new one's); waits out
   * (up to its lease) another worker's send in progress; takes over a claim whose lease ran out, since a worker
   * that crashed mid-send may have sent nothing (one duplicate is better than none).
   */
  async function claim(personId: string, enablementId: string): Promise<string | false> {
    for (;;) {
      const claimedAt = now();
      const outcome = await machine.claimInvitation(personId, enablementId, claimedAt, deps.leaseMs);
      if (outcome.claimed) return claimedAt.toISOString();
      // Sent already, or another run renewed the enablement since and sends the invitation of the new one.
      if ('superseded' in outcome || outcome.held?.state === 'sent') return false;
      const leaseEndsIn = (outcome.held ? Date.parse(outcome.held.claimedAt) + deps.leaseMs : 0) - claimedAt.getTime();
      if (leaseEndsIn > 5_000) throw new InvitationInProgress(`An invitation for ${personId} is being sent`);
      await deps.sleep(Math.max(100, Math.min(leaseEndsIn, 1_000)));
    }
  }

  /** A fresh temporary password on the login, creating it if need be; names what it did in `actions`. */
  async function setPassword(person: Person, createLogin: boolean, password: string, actions: string[]) {
    if (createLogin) {
      if (await logins.create(person.id, password, person.email!, person.portal?.username)) {
        return void actions.push('createLogin');
      }
    }
    await logins.setTemporaryPassword(person.id, password);
    actions.push('resetTemporaryPassword');
  }

  /** Answers whether this run sent the invitation (false: it had been sent already). */
  async function invite(person: Person, access: AccessState | undefined, createLogin: boolean, actions: string[]) {
    const enablementId = access?.enablementId ?? (await machine.ensureEnablement(person.id));
    const claimedAt = await claim(person.id, enablementId);
    if (!claimedAt) return false;
    const temporaryPassword = deps.newPassword();
    const issuedAt = now();
    let messageId: string | undefined;
    try {
      await setPassword(person, createLogin, temporaryPassword, actions);
      if (person.emailOptOut === true) {
        // Opting out covers marketing; an invitation is transactional mail the person needs to sign in.
        logger.info('Sending the invitation despite emailOptOut: it is transactional', { personId: person.id });
      }
      messageId = await deps.sendEmail(
        person.id,
        person.email!,
        invitationEmail(
          {
            name: greetingNameOf(person),
            signInUrl: deps.signInUrl,
            email: person.email!,
            username: person.portal?.username,
            temporaryPassword,
            passwordExpiresAt: new Date(issuedAt.getTime() + deps.temporaryPasswordValidityDays * 86_400_000),
            supportStartDate: person.portal?.supportStartDate,
            supportEndDate: person.portal?.supportEndDate,
          },
          deps.branding,
        ),
        'invitation',
      );
    } catch (error) {
      // Nothing was sent (or, if SES failed ambiguously, at worst once): let the retry go ahead at once.
      await machine.releaseInvitation(person.id, claimedAt).catch(() => {});
      throw error;
    }
    actions.push('sendInvitation');
    const invitation = { enablementId, state: 'sent' as const, claimedAt: issuedAt.toISOString(), messageId };
    await machine.markInvited(person.id, invitation, {
      messageId,
      to: person.email,
      enablementId,
      from: access?.status ?? 'none',
      to_status: 'invited',
      actions,
    });
    return true;
  }

  return { invite };
}

export type InvitationSender = ReturnType<typeof createInvitationSender>;
