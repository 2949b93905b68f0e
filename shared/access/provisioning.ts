import { randomUUID } from 'node:crypto';
import {
  AdminCreateUserCommand,
  AdminDeleteUserAttributesCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  AdminUserGlobalSignOutCommand,
  UserNotFoundException,
  UsernameExistsException,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  BatchGetItemCommand,
  ConditionalCheckFailedException,
  GetItemCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { accessSortKey, recordKey, recordSortKey } from '../data/keys';
import { generatePassword } from '../security/generate-password';
import {
  accessKey,
  accessListAttributes,
  historyItem,
  ineffectiveStatus,
  type AccessState,
  type AccessStatus,
  type HistoryEntry,
  type InvitationClaim,
} from './access-state';
import { emailChangedNotice, invitationEmail, type Email } from './emails';
import { evaluateAccess, todayIn, type AccessVerdict } from './evaluate-access';
import type { RateLimiter } from './rate-limiter';
import { logger } from '../observability/logger';

/**
 * The convergent provisioning controller: for one person it reads what the table says access should be,
 * what Cognito has, and drives Cognito (and SES) to agree. Running it twice, out of order, or after a
 * crash does no harm: every step either checks first or is guarded by a conditional write.
 */

export interface ProvisioningDependencies {
  readonly dynamo: DynamoDBClient;
  readonly tableName: string;
  /** Support windows are dates in this zone: outside one, access is not effective and the login is disabled. */
  readonly timeZone: string;
  readonly cognito: CognitoIdentityProviderClient;
  readonly userPoolId: string;
  readonly ses: SESv2Client;
  readonly senderEmail: string;
  readonly configurationSetName?: string;
  readonly signInUrl: string;
  /** Paces AdminCreateUser under the Cognito quota. */
  readonly creations: RateLimiter;
  readonly temporaryPasswordValidityDays: number;
  /** Failed attempts after which the person shows `failed`. */
  readonly maxFailures: number;
  /** How long an invitation claim protects a send in progress before another worker may take over. */
  readonly invitationLeaseMs?: number;
  readonly now?: () => Date;
  readonly newPassword?: () => string;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Another worker is sending this invitation right now; try again after its lease. */
export class InvitationInProgress extends Error {
  override readonly name = 'InvitationInProgress';
}

interface Person extends Record<string, unknown> {
  readonly id: string;
  readonly module: string;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly email?: string;
  readonly organizationId?: string;
  readonly portal?: {
    enabled?: boolean;
    username?: string;
    supportStartDate?: string;
    supportEndDate?: string;
  };
}

interface Login {
  readonly enabled: boolean;
  /** FORCE_CHANGE_PASSWORD until the person has chosen a password. */
  readonly status: string;
  readonly email?: string;
  readonly preferredUsername?: string;
}

export interface ReconcileOutcome {
  readonly personId: string;
  readonly status: AccessStatus;
  readonly verdict: AccessVerdict;
  /** What this run changed, in order: empty when everything already agreed. */
  readonly actions: readonly string[];
}

const nameOf = (person: Person) => [person.firstName, person.lastName].filter(Boolean).join(' ') || 'there';

export function createProvisioner(deps: ProvisioningDependencies) {
  const { dynamo, tableName, cognito, userPoolId, ses } = deps;
  const now = deps.now ?? (() => new Date());
  const newPassword = deps.newPassword ?? (() => generatePassword(20));
  const leaseMs = deps.invitationLeaseMs ?? 30_000;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  async function loadPerson(personId: string): Promise<{ person?: Person; access?: AccessState }> {
    const result = await dynamo.send(
      new BatchGetItemCommand({
        RequestItems: {
          [tableName]: { Keys: [marshall(recordKey(personId)), marshall(accessKey(personId))], ConsistentRead: true },
        },
      }),
    );
    const items = (result.Responses?.[tableName] ?? []).map((item) => unmarshall(item));
    if (Object.keys(result.UnprocessedKeys ?? {}).length) throw new Error('DynamoDB left keys unprocessed; retry');
    const person = items.find((item) => item.sk === recordSortKey) as Person | undefined;
    const access = items.find((item) => item.sk === accessSortKey) as
      (AccessState & Record<string, unknown>) | undefined;
    return { person, access: access ? { ...access, personId } : undefined };
  }

  async function loadOrganization(person: Person | undefined) {
    if (person?.module !== 'partner-contacts' || typeof person.organizationId !== 'string') return undefined;
    const result = await dynamo.send(
      new GetItemCommand({
        TableName: tableName,
        Key: marshall(recordKey(person.organizationId)),
        ConsistentRead: true,
      }),
    );
    return result.Item ? unmarshall(result.Item) : undefined;
  }

  async function getLogin(personId: string): Promise<Login | undefined> {
    try {
      const user = await cognito.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: personId }));
      const attribute = (name: string) => user.UserAttributes?.find((a) => a.Name === name)?.Value;
      return {
        enabled: user.Enabled !== false,
        status: user.UserStatus ?? 'UNKNOWN',
        email: attribute('email'),
        preferredUsername: attribute('preferred_username'),
      };
    } catch (error) {
      if (error instanceof UserNotFoundException || (error as Error).name === 'UserNotFoundException') return undefined;
      throw error;
    }
  }

  /** Updates the ACCESS item (creating it if need be) and appends to the history, in one transaction. */
  async function saveState(
    personId: string,
    set: Record<string, unknown>,
    remove: readonly string[] = [],
    history?: Omit<HistoryEntry, 'at'>,
  ) {
    const at = now().toISOString();
    const values = { ...set, ...accessListAttributes(personId), personId, updatedAt: at };
    const names = Object.fromEntries([...Object.keys(values), ...remove].map((name, i) => [`#a${i}`, name]));
    const alias = (name: string) => Object.entries(names).find(([, n]) => n === name)![0];
    const update = {
      TableName: tableName,
      Key: marshall(accessKey(personId)),
      UpdateExpression:
        `SET ${Object.keys(values)
          .map((name, i) => `${alias(name)} = :v${i}`)
          .join(', ')}` + (remove.length ? ` REMOVE ${remove.map(alias).join(', ')}` : ''),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: marshall(
        Object.fromEntries(Object.values(values).map((value, i) => [`:v${i}`, value])),
        { removeUndefinedValues: true },
      ),
    };
    if (!history) return void (await dynamo.send(new UpdateItemCommand(update)));
    await dynamo.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          { Update: update },
          {
            Put: {
              TableName: tableName,
              Item: marshall(historyItem(personId, { ...history, at }), { removeUndefinedValues: true }),
            },
          },
        ],
      }),
    );
  }

  /** A person enabled before the ACCESS item existed (or by drift) gets an enablement now. */
  async function ensureEnablement(personId: string, access: AccessState | undefined): Promise<string> {
    if (access?.enablementId) return access.enablementId;
    const result = await dynamo.send(
      new UpdateItemCommand({
        TableName: tableName,
        Key: marshall(accessKey(personId)),
        UpdateExpression: 'SET enablementId = if_not_exists(enablementId, :id)',
        ExpressionAttributeValues: marshall({ ':id': randomUUID() }),
        ReturnValues: 'ALL_NEW',
      }),
    );
    return unmarshall(result.Attributes!).enablementId as string;
  }

  /**
   * Replaces the enablement `seen` with a new one, unless another run already did: then that run's
   * enablement is the one to invite for, so two overlapping runs still send one invitation.
   */
  async function renewEnablement(personId: string, seen: string | undefined): Promise<string> {
    try {
      const result = await dynamo.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: marshall(accessKey(personId)),
          UpdateExpression: 'SET enablementId = :fresh',
          ConditionExpression: seen ? 'enablementId = :seen' : 'attribute_not_exists(enablementId)',
          ExpressionAttributeValues: marshall({ ':fresh': randomUUID(), ...(seen ? { ':seen': seen } : {}) }),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return unmarshall(result.Attributes!).enablementId as string;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const current = await dynamo.send(
        new GetItemCommand({ TableName: tableName, Key: marshall(accessKey(personId)), ConsistentRead: true }),
      );
      return unmarshall(current.Item!).enablementId as string;
    }
  }

  /** Gives up our claim after a failure before the email could have gone, so a retry need not wait out the lease. */
  async function releaseClaim(personId: string, claimedAt: string) {
    try {
      await dynamo.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: marshall(accessKey(personId)),
          UpdateExpression: 'REMOVE invitation',
          ConditionExpression: 'invitation.claimedAt = :claimedAt AND invitation.#state = :sending',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: marshall({ ':claimedAt': claimedAt, ':sending': 'sending' }),
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /**
   * Claims the right to send the invitation of `enablementId`. Returns false if it was already sent; waits
   * out (up to its lease) another worker's send in progress; takes over a claim whose lease ran out, since a
   * worker that crashed mid-send may have sent nothing (one duplicate is better than none).
   */
  async function claimInvitation(personId: string, enablementId: string): Promise<string | false> {
    for (;;) {
      const claimedAt = now();
      try {
        await dynamo.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: marshall(accessKey(personId)),
            UpdateExpression: 'SET invitation = :claim',
            ConditionExpression:
              'attribute_not_exists(invitation) OR invitation.enablementId <> :enablement OR ' +
              '(invitation.#state = :sending AND invitation.claimedAt < :stale)',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: marshall({
              ':claim': {
                enablementId,
                state: 'sending',
                claimedAt: claimedAt.toISOString(),
              } satisfies InvitationClaim,
              ':enablement': enablementId,
              ':sending': 'sending',
              ':stale': new Date(claimedAt.getTime() - leaseMs).toISOString(),
            }),
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return claimedAt.toISOString();
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        const held = (error.Item ? unmarshall(error.Item).invitation : undefined) as InvitationClaim | undefined;
        if (held?.state === 'sent') return false;
        const leaseEndsIn = (held ? Date.parse(held.claimedAt) + leaseMs : 0) - claimedAt.getTime();
        if (leaseEndsIn > 5_000) throw new InvitationInProgress(`An invitation for ${personId} is being sent`);
        await sleep(Math.max(100, Math.min(leaseEndsIn, 1_000)));
      }
    }
  }

  async function sendEmail(personId: string, to: string, email: Email, purpose: string): Promise<string | undefined> {
    const result = await ses.send(
      new SendEmailCommand({
        FromEmailAddress: deps.senderEmail,
        Destination: { ToAddresses: [to] },
        Content: {
          Simple: {
            Subject: { Data: email.subject, Charset: 'UTF-8' },
            Body: { Html: { Data: email.html, Charset: 'UTF-8' }, Text: { Data: email.text, Charset: 'UTF-8' } },
          },
        },
        // Bounce and complaint events carry these back to us (functions/ses-feedback.ts).
        EmailTags: [
          { Name: 'personId', Value: personId },
          { Name: 'purpose', Value: purpose },
        ],
        ...(deps.configurationSetName ? { ConfigurationSetName: deps.configurationSetName } : {}),
      }),
    );
    return result.MessageId;
  }

  function userAttributes(person: Person) {
    return [
      { Name: 'email', Value: person.email! },
      { Name: 'email_verified', Value: 'true' },
      ...(person.portal?.username ? [{ Name: 'preferred_username', Value: person.portal.username }] : []),
    ];
  }

  /** Sets a fresh temporary password (creating the login if there is none) and sends the invitation once. */
  async function invite(person: Person, access: AccessState | undefined, login: Login | undefined, actions: string[]) {
    const enablementId = await ensureEnablement(person.id, access);
    const claimedAt = await claimInvitation(person.id, enablementId);
    if (!claimedAt) return false;
    const temporaryPassword = newPassword();
    const issuedAt = now();
    const expiresAt = new Date(issuedAt.getTime() + deps.temporaryPasswordValidityDays * 86_400_000);
    let messageId: string | undefined;
    try {
      if (!login) {
        await deps.creations.take();
        try {
          await cognito.send(
            new AdminCreateUserCommand({
              UserPoolId: userPoolId,
              // The person's immutable id: emails and usernames may change, the login stays the same.
              Username: person.id,
              TemporaryPassword: temporaryPassword,
              MessageAction: 'SUPPRESS',
              UserAttributes: userAttributes(person),
            }),
          );
          actions.push('createLogin');
        } catch (error) {
          if (!(error instanceof UsernameExistsException) && (error as Error).name !== 'UsernameExistsException') {
            throw error;
          }
          await setTemporaryPassword(person.id, temporaryPassword);
          actions.push('resetTemporaryPassword');
        }
      } else {
        await setTemporaryPassword(person.id, temporaryPassword);
        actions.push('resetTemporaryPassword');
      }
      if (person.emailOptOut === true) {
        // Opting out covers marketing; an invitation is transactional mail the person needs to sign in.
        logger.info('Sending the invitation despite emailOptOut: it is transactional', { personId: person.id });
      }
      messageId = await sendEmail(
        person.id,
        person.email!,
        invitationEmail({
          name: nameOf(person),
          signInUrl: deps.signInUrl,
          email: person.email!,
          username: person.portal?.username,
          temporaryPassword,
          passwordExpiresAt: expiresAt,
          supportStartDate: person.portal?.supportStartDate,
          supportEndDate: person.portal?.supportEndDate,
        }),
        'invitation',
      );
    } catch (error) {
      // Nothing was sent (or, if SES failed ambiguously, at worst once): let the retry go ahead at once.
      await releaseClaim(person.id, claimedAt).catch(() => {});
      throw error;
    }
    actions.push('sendInvitation');
    await saveState(
      person.id,
      {
        invitation: {
          enablementId,
          state: 'sent',
          claimedAt: issuedAt.toISOString(),
          messageId,
        } satisfies InvitationClaim,
        status: 'invited',
        invitedAt: issuedAt.toISOString(),
        failures: 0,
      },
      ['reason', 'lastError'],
      // One write records the send and the status it leads to: the history entry names the transition.
      {
        actor: 'controller',
        event: 'invitationSent',
        detail: {
          messageId,
          to: person.email,
          enablementId,
          from: access?.status ?? 'none',
          to_status: 'invited',
          actions,
        },
      },
    );
    return true;
  }

  async function setTemporaryPassword(username: string, password: string) {
    await cognito.send(
      new AdminSetUserPasswordCommand({
        UserPoolId: userPoolId,
        Username: username,
        Password: password,
        Permanent: false,
      }),
    );
  }

  /** Email and username in Cognito follow the person; an email change is announced to both addresses. */
  async function syncAttributes(person: Person, access: AccessState | undefined, login: Login, actions: string[]) {
    const notice = access?.pendingEmailNotice;
    if (login.email !== person.email) {
      const change = { from: login.email ?? '', to: person.email! };
      // Recorded first: if we crash after Cognito changes, the retry still owes both notices.
      await saveState(person.id, { pendingEmailNotice: change });
      await cognito.send(
        new AdminUpdateUserAttributesCommand({
          UserPoolId: userPoolId,
          Username: person.id,
          UserAttributes: [
            { Name: 'email', Value: person.email! },
            { Name: 'email_verified', Value: 'true' },
          ],
        }),
      );
      actions.push('updateEmail');
      await sendEmailChangeNotices(person, change, actions);
    } else if (notice && notice.to === person.email) {
      await sendEmailChangeNotices(person, notice, actions);
    }
    const username = person.portal?.username;
    if (login.preferredUsername !== username) {
      if (username) {
        await cognito.send(
          new AdminUpdateUserAttributesCommand({
            UserPoolId: userPoolId,
            Username: person.id,
            UserAttributes: [{ Name: 'preferred_username', Value: username }],
          }),
        );
      } else {
        await cognito.send(
          new AdminDeleteUserAttributesCommand({
            UserPoolId: userPoolId,
            Username: person.id,
            UserAttributeNames: ['preferred_username'],
          }),
        );
      }
      actions.push('updateUsername');
      await saveState(person.id, {}, [], {
        actor: 'controller',
        event: 'usernameChanged',
        detail: { from: login.preferredUsername ?? null, to: username ?? null },
      });
    }
  }

  async function sendEmailChangeNotices(person: Person, change: { from: string; to: string }, actions: string[]) {
    const email = emailChangedNotice({ name: nameOf(person), ...change });
    const recipients = [...new Set([change.from, change.to].filter(Boolean))];
    const messageIds = [];
    for (const to of recipients) messageIds.push(await sendEmail(person.id, to, email, 'email-change'));
    actions.push('sendEmailChangeNotices');
    await saveState(person.id, {}, ['pendingEmailNotice'], {
      actor: 'controller',
      event: 'emailChanged',
      detail: { ...change, messageIds },
    });
  }

  /**
   * Disables the login and ends its sessions. `settled`: the state already records this very revocation, and the
   * login is disabled, so a sign-out was done before (the daily check then costs no Cognito write per person).
   */
  async function revoke(personId: string, login: Login, settled: boolean, actions: string[]) {
    if (login.enabled) {
      await cognito.send(new AdminDisableUserCommand({ UserPoolId: userPoolId, Username: personId }));
      actions.push('disableLogin');
    } else if (settled) return;
    // Refresh tokens stop working at once; access tokens are refused by the per-request check.
    await cognito.send(new AdminUserGlobalSignOutCommand({ UserPoolId: userPoolId, Username: personId }));
    actions.push('signOutEverywhere');
  }

  async function reconcilePerson(personId: string, actor = 'controller'): Promise<ReconcileOutcome> {
    const { person, access } = await loadPerson(personId);
    const verdict = evaluateAccess(person, await loadOrganization(person), todayIn(deps.timeZone, now()));
    const login = await getLogin(personId);
    const actions: string[] = [];
    let status: AccessStatus = access?.status ?? 'none';
    const extra: Record<string, unknown> = {};

    if (verdict.effective && person) {
      // RESET_REQUIRED: they had chosen a password before staff reset it; the emailed code, not an invitation, follows.
      const signedInBefore = login?.status === 'CONFIRMED' || login?.status === 'RESET_REQUIRED';
      // A fresh enablement means a fresh invitation: for a disabled login that never signed in (its old
      // temporary password may have expired), and for a login that vanished after its invitation was sent.
      // Saved before anything else changes, so a crash in between still ends in exactly one invitation.
      const loginLost =
        !login && access?.invitation?.state === 'sent' && access.invitation.enablementId === access.enablementId;
      let current = access;
      if ((login && !login.enabled && !signedInBefore) || loginLost) {
        const enablementId = await renewEnablement(personId, access?.enablementId);
        current = { ...(access ?? { personId, status }), enablementId };
      }
      if (login && !login.enabled) {
        await cognito.send(new AdminEnableUserCommand({ UserPoolId: userPoolId, Username: personId }));
        actions.push('enableLogin');
      }
      if (login) await syncAttributes(person, current, login, actions);
      if (signedInBefore) {
        status = 'active';
        if (!access?.activatedAt) extra.activatedAt = now().toISOString();
      } else {
        // A sent invitation has recorded the whole new state already.
        if (await invite(person, current, login, actions)) return { personId, status: 'invited', verdict, actions };
        // Nothing new was sent: a bounce or complaint on the invitation stands until staff send another.
        if (access?.status === 'failed' && (access.reason === 'emailBounced' || access.reason === 'emailComplaint')) {
          return { personId, status: 'failed', verdict, actions };
        }
        status = 'invited';
      }
    } else if (!verdict.effective) {
      if (login && verdict.reason === 'personDeleted') {
        await cognito.send(new AdminDeleteUserCommand({ UserPoolId: userPoolId, Username: personId }));
        actions.push('deleteLogin');
      } else if (login) {
        const target = ineffectiveStatus(verdict.reason);
        await revoke(personId, login, access?.status === target && access.reason === verdict.reason, actions);
      }
      if (access || login) status = ineffectiveStatus(verdict.reason);
    }

    const reason = verdict.effective ? undefined : verdict.reason;
    const changed = status !== access?.status || reason !== access?.reason || Object.keys(extra).length > 0;
    if ((access || actions.length) && (changed || (access?.failures ?? 0) > 0 || access?.lastError)) {
      await saveState(
        personId,
        { status, ...(reason ? { reason } : {}), ...extra, failures: 0 },
        [...(reason ? [] : ['reason']), 'lastError'],
        changed
          ? { actor, event: 'statusChanged', detail: { from: access?.status ?? 'none', to: status, reason, actions } }
          : undefined,
      );
    }
    return { personId, status, verdict, actions };
  }

  /** Records a failed attempt; after `maxFailures` in a row the person shows `failed` with the error. */
  async function recordFailure(personId: string, error: unknown): Promise<void> {
    const message = `${(error as Error).name ?? 'Error'}: ${(error as Error).message ?? String(error)}`.slice(0, 500);
    const result = await dynamo.send(
      new UpdateItemCommand({
        TableName: tableName,
        Key: marshall(accessKey(personId)),
        UpdateExpression: 'ADD failures :one SET lastError = :message, updatedAt = :now',
        ExpressionAttributeValues: marshall({ ':one': 1, ':message': message, ':now': now().toISOString() }),
        ReturnValues: 'ALL_NEW',
      }),
    );
    const state = unmarshall(result.Attributes!) as AccessState;
    if ((state.failures ?? 0) >= deps.maxFailures && state.status !== 'failed') {
      await saveState(personId, { status: 'failed' }, [], {
        actor: 'controller',
        event: 'statusChanged',
        detail: { from: state.status ?? 'none', to: 'failed', error: message },
      });
    }
  }

  return { reconcilePerson, recordFailure, loadPerson, saveState, sendEmail };
}

export type Provisioner = ReturnType<typeof createProvisioner>;
