import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Branding } from '../branding/branding';
import type { AccessEmailSender } from '../access/access-email-sender';
import { evaluateAccess, todayIn } from '../access/evaluate-access';
import { portalViewerKey, portalViewerOf } from '../data/keys';
import { eachConcurrently } from '../access/each-concurrently';
import { defaultPortalComponents, findModule, moduleOfId } from '../modules/registry';
import { logger } from '../observability/logger';
import { createPersonLoader, greetingNameOf, type Person } from '../people/person-loader';
import { listRecords } from '../records/record-list';
import { notificationEmail } from './notification-emails';
import { audienceOf, awaitsThePerson, eventName, type NotificationEvent } from './notification-events';
import type { NotificationLedger } from './notification-ledger';
import { readRecord } from '../data/read-records';

/** Another worker is sending this notification and its lease has long to run: retry the record later. */
export class NotificationInProgress extends Error {
  override readonly name = 'NotificationInProgress';
}

/** An event as logs may show it: without the reply's text. */
export const described = ({ reply: _reply, ...event }: NotificationEvent) => event;

/** What became of one event: sent now, sent before (a replay), or nothing to send, and why. */
export type NotificationOutcome =
  | { readonly outcome: 'sent'; readonly messageId?: string; readonly recipients?: number }
  | { readonly outcome: 'already-sent' }
  | { readonly outcome: 'skipped'; readonly reason: SkipReason };

export type SkipReason =
  | 'record-gone'
  | 'no-longer-shown'
  | 'no-longer-awaiting'
  | 'no-recipient'
  | 'access-not-effective'
  | 'component-not-shown'
  | 'opted-out';

export interface NotificationSenderDependencies {
  readonly dynamo: DynamoDBClient;
  readonly tableName: string;
  readonly timeZone: string;
  readonly ledger: NotificationLedger;
  readonly sendEmail: AccessEmailSender;
  readonly branding: Branding;
  readonly portalUrl: string;
  /** How long a claim protects a send in progress before another worker may take over. */
  readonly leaseMs: number;
  readonly now: () => Date;
  readonly sleep: (ms: number) => Promise<void>;
}

type Item = Record<string, unknown>;

/**
 * One notification event, sent once: check, at sending time, that the record is still shown to its audience (and
 * still awaits them), that the recipient's access is effective and includes the module, and that they have not
 * turned notifications off; then claim the event, send, and record it sent (./notification-ledger.ts).
 */
export function createNotificationSender(deps: NotificationSenderDependencies) {
  const { dynamo, tableName, ledger, now } = deps;
  const people = createPersonLoader({ dynamo, tableName });

  const read = (id: string) => readRecord<Item>({ dynamo, tableName }, id);

  /** The person an audience names: the person themself, or a partner organization's primary contact. */
  async function recipientId(audience: string): Promise<string | undefined> {
    if (moduleOfId(audience)?.kind === 'person') return audience;
    const organization = await read(audience);
    return typeof organization?.primaryContactId === 'string' ? organization.primaryContactId : undefined;
  }

  async function recipientOf(event: NotificationEvent): Promise<{ person: Person; record: Item } | SkipReason> {
    const record = await read(event.recordId);
    if (!record) return 'record-gone';
    const audience = audienceOf(record);
    if (!audience || (event.audience !== undefined && audience !== event.audience)) return 'no-longer-shown';
    if (event.kind === 'awaiting-you' && !awaitsThePerson(event.module, record)) return 'no-longer-awaiting';
    const personId = await recipientId(audience);
    if (!personId) return 'no-recipient';
    const { person, organization } = await people.load(personId);
    if (!evaluateAccess(person, organization, todayIn(deps.timeZone, now())).effective || !person) {
      return 'access-not-effective';
    }
    // The same rule as every portal request: the record is theirs to see, in a section their portal has.
    if (portalViewerOf(record) !== portalViewerKey(person)) return 'no-longer-shown';
    const components: readonly string[] = person.portal?.components ?? defaultPortalComponents;
    if (!components.includes(event.module)) return 'component-not-shown';
    if (person.portal?.notifications === false) return 'opted-out';
    return { person, record };
  }

  /** Claims the event; false if it was sent already. Waits out a live claim, takes over one whose lease ran out. */
  async function claim(event: NotificationEvent, name: string, personId: string): Promise<string | false> {
    for (;;) {
      const claimedAt = now();
      const outcome = await ledger.claim(event.recordId, name, claimedAt, deps.leaseMs, { personId });
      if (outcome.claimed) return claimedAt.toISOString();
      if (outcome.held?.state === 'sent') return false;
      const leaseEndsIn = (outcome.held ? Date.parse(outcome.held.claimedAt) + deps.leaseMs : 0) - claimedAt.getTime();
      // Within one attempt we wait out a lease (the function's timeout allows it); a claim from the future is a skewed
      // clock elsewhere, left to a later retry.
      if (leaseEndsIn > deps.leaseMs) throw new NotificationInProgress(`${name} of ${event.recordId}`);
      await deps.sleep(Math.max(100, Math.min(leaseEndsIn, 1_000)));
    }
  }

  /**
   * Records the email sent. The email went whatever happens here: a failure is retried a few times and then only
   * logged, never thrown, since a failed record would replay the event and send it again.
   */
  async function recordSent(event: NotificationEvent, name: string, claimedAt: string, messageId: string | undefined) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await ledger.markSent(event.recordId, name, claimedAt, { messageId, at: now() });
      } catch (error) {
        if (attempt >= 3) {
          logger.error('Could not record a notification sent; a replay after its lease would send it again', {
            ...described(event),
            messageId,
            error: error as Error,
          });
          return true;
        }
        await deps.sleep(200 * attempt);
      }
    }
  }

  /** The title the email names the record by, as the portal shows it. */
  function titleOf(event: NotificationEvent, record: Item): string {
    if (event.module === 'leads') {
      const name = [record.firstName, record.lastName].filter(Boolean).join(' ');
      return String(record.company ?? (name || event.recordId));
    }
    return String(record.subject ?? record.title ?? record.companyName ?? event.recordId);
  }

  /** Sends the event's email to one recipient once, under the ledger entry `name` (claim, send, record it sent). */
  async function deliver(
    event: NotificationEvent,
    name: string,
    recipient: Person,
    record: Item,
  ): Promise<NotificationOutcome> {
    const claimedAt = await claim(event, name, recipient.id);
    if (!claimedAt) return { outcome: 'already-sent' };
    let messageId: string | undefined;
    try {
      messageId = await deps.sendEmail(
        recipient.id,
        recipient.email!,
        notificationEmail({
          kind: event.kind,
          module: event.module,
          recordId: event.recordId,
          title: titleOf(event, record),
          name: greetingNameOf(recipient),
          branding: deps.branding,
          portalUrl: deps.portalUrl,
          reply: event.reply,
        }),
        'portal-notification',
      );
    } catch (error) {
      // SES refused it, so nothing went (or, if its answer was lost, at worst once): let the retry go ahead at once.
      await ledger.release(event.recordId, name, claimedAt).catch(() => {});
      throw error;
    }
    const recorded = await recordSent(event, name, claimedAt, messageId);
    if (!recorded)
      logger.warn('A notification claim was taken over while its email went', { ...described(event), messageId });
    return { outcome: 'sent', messageId };
  }

  /**
   * The partner contacts of an organization who should hear of a lead assigned to it: access effective now, still
   * in the organization, `leads` in their portal, notifications not turned off. The organization's link partition
   * (gsi2) names them; they and the organization are then read strongly consistent (batched), as every portal
   * request reads its person.
   */
  async function leadRecipients(organizationId: string): Promise<Person[]> {
    const partnerContacts = findModule('partner-contacts')!;
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listRecords({ dynamo, tableName }, partnerContacts, {
        limit: 100,
        cursor,
        filter: { name: 'organizationId', value: organizationId },
      });
      ids.push(...page.items.map((item) => item.id as string));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const today = todayIn(deps.timeZone, now());
    const loaded = await people.loadMany(ids);
    const recipients: Person[] = [];
    for (const id of ids) {
      const { person, organization } = loaded(id);
      if (!person || person.organizationId !== organizationId) continue;
      if (!evaluateAccess(person, organization, today).effective) continue;
      const components: readonly string[] = person.portal?.components ?? defaultPortalComponents;
      if (!components.includes('leads') || person.portal?.notifications === false) continue;
      recipients.push(person);
    }
    return recipients;
  }

  /**
   * A lead assigned to a partner organization: every recipient gets it once, each under their own ledger entry, so
   * a replay after one failed send sends only to those it did not reach. One failure fails the event (after the
   * others were tried), and the stream retries it.
   */
  async function sendToPartner(event: NotificationEvent): Promise<NotificationOutcome> {
    const record = await read(event.recordId);
    if (!record) return { outcome: 'skipped', reason: 'record-gone' };
    if (!event.audience || record.assignedPartnerId !== event.audience)
      return { outcome: 'skipped', reason: 'no-longer-shown' };
    const recipients = await leadRecipients(event.audience);
    if (!recipients.length) return { outcome: 'skipped', reason: 'no-recipient' };
    let sent = 0;
    const failures: unknown[] = [];
    await eachConcurrently(recipients, 4, async (recipient) => {
      try {
        const outcome = await deliver(event, `${eventName(event)}#${recipient.id}`, recipient, record);
        if (outcome.outcome === 'sent') sent++;
      } catch (error) {
        failures.push(error);
      }
    });
    if (failures.length) throw failures[0];
    return sent ? { outcome: 'sent', recipients: sent } : { outcome: 'already-sent' };
  }

  async function send(event: NotificationEvent): Promise<NotificationOutcome> {
    if (event.kind === 'lead-assigned') return sendToPartner(event);
    const found = await recipientOf(event);
    if (typeof found === 'string') return { outcome: 'skipped', reason: found };
    return deliver(event, eventName(event), found.person, found.record);
  }

  return { send };
}

export type NotificationSender = ReturnType<typeof createNotificationSender>;
