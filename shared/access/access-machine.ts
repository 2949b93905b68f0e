import { randomUUID } from 'node:crypto';
import { PutItemCommand } from '../aws/client-dynamodb';
import type { DynamoDBClient, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { tableDesign } from '../data/table-design';
import { createAccessReads } from './access-reads';
import {
  accessActor,
  type AccessState,
  type AccessStatus,
  type AccessTransitionName,
  type HistoryEntry,
  type InvitationClaim,
} from './access-state';
import {
  accessWriteItems,
  conditionalWrite,
  historyWriteItem,
  setExpression,
  statusListAssignments,
  type AccessWrite,
  type AccessWriteOutcome,
} from './access-machine-writes';

/**
 * The owner of a person's ACCESS item and its history entries: no other module writes them
 * (tests/unit/architecture-access-owner.test.ts fails if one does). Each transition is a named function making ONE
 * conditional write (with its history entry in the same transaction where it has one); its allowed starting
 * statuses are declared in `accessTransitions` (access-state.ts) and become part of that write's condition.
 *
 * | transition                   | from               | to        | written by                                   |
 * | ---------------------------- | ------------------ | --------- | -------------------------------------------- |
 * | markPending                  | any                | pending   | staff tick the portal flag (the record write) |
 * | ensureEnablement, renew…     | any                | same      | controller: one invitation per enablement    |
 * | claimInvitation, release…    | any                | same      | controller: the invitation lease             |
 * | markInvited                  | any                | invited   | controller, once SES accepted the invitation |
 * | confirmInvited               | any                | invited   | controller: status follows the login         |
 * | confirmActive                | any                | active    | controller: the person chose a password      |
 * | suspend                      | any                | suspended | controller: window, organization, email      |
 * | revoke                       | any                | revoked   | controller: flag off, person deleted         |
 * | recordFailure                | any                | same      | controller, daily check: an error counted    |
 * | markFailed                   | all but failed     | failed    | controller: too many errors in a row         |
 * | markEmailFailed              | all but none       | failed    | SES bounce/complaint on the latest invitation |
 * | markActive                   | invited            | active    | sign-in with a password the person chose     |
 * | recordSignIn                 | any (item exists)  | same      | sign-in                                      |
 * | requestResend                | invited, failed    | same      | staff, at most one a minute                  |
 * | requestPasswordReset         | active             | same      | staff, at most one a minute                  |
 * | giveBackPasswordReset        | any                | same      | staff: Cognito refused the reset             |
 * | noteEmailChange, mark…, …    | any                | same      | controller: email and username follow        |
 * | claimReminder, release…, …   | any (item exists)  | same      | daily check: the support-end reminder        |
 */

export type { AccessWriteOutcome };

/** The transaction items of a staff write that ticks (or unticks) the portal flag. */
export function portalFlagItems(
  tableName: string,
  change: { readonly personId: string; readonly enabled: boolean; readonly actor: string; readonly at: string },
): TransactWriteItem[] {
  const entry = {
    at: change.at,
    actor: accessActor(change.actor),
    event: change.enabled ? 'portalEnabled' : 'portalDisabled',
  };
  if (!change.enabled) return [historyWriteItem(tableName, change.personId, entry)];
  const { personId, at } = change;
  // A new enablement: one invitation per enablement.
  const set = setExpression(
    personId,
    { status: 'pending', enablementId: randomUUID(), failures: 0 },
    ['reason', 'lastError'],
    at,
  );
  return accessWriteItems(tableName, personId, { transition: 'markPending', ...set, history: entry });
}

/**
 * The history entry of a change of the portal components someone may see (a partner admin's edit of a colleague),
 * for the same transaction as the record write; staff edits of components are ordinary record edits.
 */
export function componentsChangeItem(
  tableName: string,
  change: {
    readonly personId: string;
    readonly actor: string;
    readonly at: string;
    readonly from: readonly string[] | null;
    readonly to: readonly string[];
  },
): TransactWriteItem {
  return historyWriteItem(tableName, change.personId, {
    at: change.at,
    actor: accessActor(change.actor),
    event: 'componentsChanged',
    detail: { from: change.from, to: change.to },
  });
}

/** Where a run of the controller leaves the status once the login agrees with the verdict. */
export type SettledStatus = 'invited' | 'active' | 'suspended' | 'revoked';
/** What a controller run records with the status it leaves. */
export interface Settlement {
  readonly reason?: string;
  readonly activatedAt?: string;
  /** When the status or reason changed. */
  readonly history?: Omit<HistoryEntry, 'at'>;
}

export function createAccessMachine(deps: {
  readonly dynamo: DynamoDBClient;
  readonly tableName: string;
  readonly now?: () => Date;
}) {
  const { dynamo, tableName } = deps;
  const now = () => (deps.now?.() ?? new Date()).toISOString();

  const write = (personId: string, change: AccessWrite) => conditionalWrite(deps, personId, change);

  /** Whole attributes set and removed (with the index attributes), and the history entry naming the step. */
  function record(
    transition: AccessTransitionName,
    personId: string,
    change: { set?: Record<string, unknown>; remove?: readonly string[]; history?: Omit<HistoryEntry, 'at'> },
    at = now(),
  ) {
    const expression = setExpression(personId, change.set ?? {}, change.remove ?? [], at);
    return write(personId, {
      transition,
      ...expression,
      ...(change.history ? { history: { ...change.history, at } } : {}),
    });
  }

  function settle(transition: AccessTransitionName, personId: string, status: SettledStatus, change: Settlement) {
    const { reason, activatedAt } = change;
    return record(transition, personId, {
      set: { status, ...(reason ? { reason } : {}), ...(activatedAt ? { activatedAt } : {}), failures: 0 },
      remove: [...(reason ? [] : ['reason']), 'lastError'],
      history: change.history,
    });
  }

  const ifExists = { condition: 'attribute_exists(#pk)', names: { '#pk': tableDesign.partitionKey } };

  return {
    ...createAccessReads(deps),

    /** A person enabled before the ACCESS item existed (or by drift) gets an enablement now. */
    async ensureEnablement(personId: string): Promise<string> {
      const update = 'SET enablementId = if_not_exists(enablementId, :id)';
      const outcome = await write(personId, {
        transition: 'ensureEnablement',
        update,
        values: { ':id': randomUUID() },
        returnNew: true,
      });
      return (outcome as { item: AccessState }).item.enablementId!;
    },

    /**
     * Replaces the enablement of the access state `seen`, unless the item moved on since: another run renewed it, or
     * claimed or sent an invitation (its view of the login may be newer than ours). Then that run's enablement is
     * the one to invite for, and its claim decides who sends.
     */
    async renewEnablement(personId: string, seen: AccessState | undefined): Promise<string> {
      const invitation = seen?.invitation;
      const outcome = await write(personId, {
        transition: 'renewEnablement',
        update: 'SET enablementId = :fresh',
        condition: [
          seen?.enablementId ? 'enablementId = :seen' : 'attribute_not_exists(enablementId)',
          invitation
            ? 'invitation.claimedAt = :seenClaim AND invitation.enablementId = :seenInvitation'
            : 'attribute_not_exists(invitation)',
        ].join(' AND '),
        values: {
          ':fresh': randomUUID(),
          ...(seen?.enablementId ? { ':seen': seen.enablementId } : {}),
          ...(invitation ? { ':seenClaim': invitation.claimedAt, ':seenInvitation': invitation.enablementId } : {}),
        },
        returnNew: true,
      });
      if (outcome.applied) return outcome.item!.enablementId!;
      return (outcome.current ?? (await this.read(personId)))!.enablementId!;
    },

    /** Claims the send of `enablementId`'s invitation unless sent, or claimed by another worker less than a lease ago. */
    async claimInvitation(personId: string, enablementId: string, claimedAt: Date, leaseMs: number) {
      const outcome = await write(personId, {
        transition: 'claimInvitation',
        update: 'SET invitation = :claim',
        // Only for the current enablement: a run that renewed it since owns the new one's invitation.
        condition:
          'enablementId = :enablement AND (attribute_not_exists(invitation) OR ' +
          'invitation.enablementId <> :enablement OR (invitation.#state = :sending AND invitation.claimedAt < :stale))',
        names: { '#state': 'state' },
        values: {
          ':claim': { enablementId, state: 'sending', claimedAt: claimedAt.toISOString() } satisfies InvitationClaim,
          ':enablement': enablementId,
          ':sending': 'sending',
          ':stale': new Date(claimedAt.getTime() - leaseMs).toISOString(),
        },
      });
      if (outcome.applied) return { claimed: true as const };
      const current = outcome.current ?? (await this.read(personId));
      // No item, or another enablement: there is nothing of ours to send (and nothing to wait for).
      if (current?.enablementId !== enablementId) return { claimed: false as const, superseded: true };
      const invitation = current.invitation;
      return { claimed: false as const, held: invitation?.enablementId === enablementId ? invitation : undefined };
    },

    /** Gives up our claim after a failure before the email could have gone, so a retry need not wait out the lease. */
    async releaseInvitation(personId: string, claimedAt: string) {
      await write(personId, {
        transition: 'releaseInvitation',
        update: 'REMOVE invitation',
        condition: 'invitation.claimedAt = :claimedAt AND invitation.#state = :sending',
        names: { '#state': 'state' },
        values: { ':claimedAt': claimedAt, ':sending': 'sending' },
      });
    },

    /** One write records the send and the status it leads to; the history entry names the transition. */
    markInvited(personId: string, invitation: InvitationClaim, detail: Record<string, unknown>) {
      return record('markInvited', personId, {
        set: { invitation, status: 'invited', invitedAt: invitation.claimedAt, failures: 0 },
        remove: ['reason', 'lastError'],
        history: { actor: 'controller', event: 'invitationSent', detail },
      });
    },

    /** The status a controller run leaves once the login agrees (failures cleared): invited, */
    confirmInvited: (personId: string, change: Settlement) => settle('confirmInvited', personId, 'invited', change),
    /** …active (the person chose a password), */
    confirmActive: (personId: string, change: Settlement) => settle('confirmActive', personId, 'active', change),
    /** …suspended (access may come back without staff: window, organization, email), */
    suspend: (personId: string, change: Settlement) => settle('suspend', personId, 'suspended', change),
    /** …revoked (taken away by staff: flag off, person deleted). */
    revoke: (personId: string, change: Settlement) => settle('revoke', personId, 'revoked', change),

    /** Counts a failed attempt; answers the state as it is now. */
    async recordFailure(personId: string, message: string): Promise<AccessState> {
      const outcome = await write(personId, {
        transition: 'recordFailure',
        update: 'ADD failures :one SET lastError = :message, updatedAt = :now',
        values: { ':one': 1, ':message': message, ':now': now() },
        returnNew: true,
      });
      return (outcome as { item: AccessState }).item;
    },

    markFailed(personId: string, from: AccessStatus, error: string) {
      return record('markFailed', personId, {
        set: { status: 'failed' },
        history: { actor: 'controller', event: 'statusChanged', detail: { from, to: 'failed', error } },
      });
    },

    /** A bounce or complaint on the latest invitation only: feedback on an older one must not undo a newer success. */
    markEmailFailed(personId: string, messageId: string, reason: 'emailBounced' | 'emailComplaint', error: string) {
      const at = now();
      const list = statusListAssignments(personId, 'failed', at);
      return write(personId, {
        transition: 'markEmailFailed',
        update: `SET #status = :failed, reason = :reason, lastError = :error, updatedAt = :at, ${list.assignments}`,
        condition: 'invitation.messageId = :message',
        names: { '#status': 'status', ...list.names },
        values: {
          ':failed': 'failed',
          ':reason': reason,
          ':error': error,
          ':at': at,
          ':message': messageId,
          ...list.values,
        },
        history: { at, actor: 'ses', event: reason, detail: { messageId } },
      });
    },

    /** A sign-in with a password the person chose. */
    markActive(personId: string, at: string) {
      const list = statusListAssignments(personId, 'active', at);
      return write(personId, {
        transition: 'markActive',
        update: `SET #status = :active, activatedAt = if_not_exists(activatedAt, :at), updatedAt = :at, ${list.assignments}`,
        names: list.names,
        values: { ':active': 'active', ':at': at, ...list.values },
        history: { at, actor: 'sign-in', event: 'statusChanged', detail: { from: 'invited', to: 'active' } },
      });
    },

    recordSignIn: (personId: string, at: string) =>
      write(personId, {
        transition: 'recordSignIn',
        update: 'SET lastSignInAt = :at',
        ...ifExists,
        values: { ':at': at },
      }),

    /** A refused token issue: staff see why someone could not sign in. History only. */
    async recordRefusedSignIn(personId: string, detail: Record<string, unknown>, at: string) {
      const entry = { at, actor: 'sign-in', event: 'signInRefused', detail };
      await dynamo.send(new PutItemCommand(historyWriteItem(tableName, personId, entry).Put!));
    },

    /** A fresh enablement (hence invitation), at most one per `cutoff`. */
    requestResend(personId: string, actor: string, at: string, cutoff: string) {
      return write(personId, {
        transition: 'requestResend',
        update: 'SET enablementId = :enablement, lastResendAt = :at, updatedAt = :at',
        condition: '(attribute_not_exists(lastResendAt) OR lastResendAt <= :cutoff)',
        values: { ':enablement': randomUUID(), ':at': at, ':cutoff': cutoff },
        history: { at, actor: accessActor(actor), event: 'invitationRequested' },
      });
    },

    requestPasswordReset(personId: string, actor: string, at: string, cutoff: string) {
      return write(personId, {
        transition: 'requestPasswordReset',
        update: 'SET lastPasswordResetAt = :at, updatedAt = :at',
        condition: '(attribute_not_exists(lastPasswordResetAt) OR lastPasswordResetAt <= :cutoff)',
        values: { ':at': at, ':cutoff': cutoff },
        history: { at, actor: `staff:${actor}`, event: 'passwordResetRequested' },
      });
    },

    /** Removes this request's mark, and only it, so staff may ask again at once after Cognito failed. */
    giveBackPasswordReset: (personId: string, at: string) =>
      write(personId, {
        transition: 'giveBackPasswordReset',
        update: 'REMOVE lastPasswordResetAt',
        condition: 'lastPasswordResetAt = :at',
        values: { ':at': at },
      }),

    /** Recorded before Cognito changes: if we crash after, the retry still owes both notices. */
    noteEmailChange: (personId: string, change: { from: string; to: string }) =>
      record('noteEmailChange', personId, { set: { pendingEmailNotice: change } }),

    markEmailChangeAnnounced: (personId: string, detail: Record<string, unknown>) =>
      record('markEmailChangeAnnounced', personId, {
        remove: ['pendingEmailNotice'],
        history: { actor: 'controller', event: 'emailChanged', detail },
      }),

    recordUsernameChange: (personId: string, from: string | null, to: string | null) =>
      record('recordUsernameChange', personId, {
        history: { actor: 'controller', event: 'usernameChanged', detail: { from, to } },
      }),

    /** Claims the reminder of one window end; false when it was claimed (or sent) already. */
    async claimReminder(personId: string, endDate: string, claim: string, at: string) {
      const outcome = await write(personId, {
        transition: 'claimReminder',
        update: 'SET supportEndReminder = :claim',
        condition:
          'attribute_exists(personId) AND (attribute_not_exists(supportEndReminder) OR supportEndReminder.endDate <> :end)',
        values: { ':claim': { endDate, claim, claimedAt: at }, ':end': endDate },
      });
      return outcome.applied;
    },

    releaseReminder: (personId: string, claim: string) =>
      write(personId, {
        transition: 'releaseReminder',
        update: 'REMOVE supportEndReminder',
        condition: 'supportEndReminder.claim = :claim',
        values: { ':claim': claim },
      }),

    markReminderSent: (personId: string, claim: string, messageId: string | undefined, history: HistoryEntry) =>
      write(personId, {
        transition: 'markReminderSent',
        update: 'SET supportEndReminder.sentAt = :at, supportEndReminder.messageId = :message',
        condition: 'supportEndReminder.claim = :claim',
        values: { ':at': now(), ':message': messageId ?? 'unknown', ':claim': claim },
        history,
      }),
  };
}

export type AccessMachine = ReturnType<typeof createAccessMachine>;
