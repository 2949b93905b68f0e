import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { logger } from '../observability/logger';
import { createPersonLoader, greetingNameOf, type Organization, type Person } from '../people/person-loader';
import { createAccessMachine } from './access-machine';
import type { AccessState } from './access-state';
import { eachConcurrently } from './each-concurrently';
import type { Branding } from '../branding/branding';
import { supportEndingReminder } from './emails';
import { evaluateAccess, todayIn, type AccessVerdict } from './evaluate-access';
import type { Provisioner } from './provisioning';

/**
 * The daily access check (functions/portal-access-daily.ts, just after midnight in the deployment's zone):
 *
 * 1. Walk every ACCESS item through the access index (gsi1pk = `portal-access`), one Query per page, never a Scan.
 * 2. For each page, read the people and their partner organizations (BatchGetItem) and evaluate access today.
 * 3. Where the verdict and the recorded state disagree (a window ended: the login is still enabled; a window began:
 *    it is still disabled), run the provisioning controller's reconcile for that person, which brings Cognito in
 *    line and records the status (`suspended` / `outsideSupportWindow`, or back to `active` / `invited`).
 * 4. With reminders on, send one reminder per window end, N days before it (a conditional write claims it first).
 *
 * People already in line cost table reads only: no Cognito call, no write. A person that fails is recorded on
 * their access (as the stream does) and the run ends in an error after the others, so Lambda retries it and, in
 * the end, the event lands in the failure queue (an alarm watches it).
 */

export interface DailyPlan {
  /** The login may not match today's verdict: reconcile the person. */
  readonly reconcile: boolean;
  /** The window end to remind the person of now, if any. */
  readonly remindOf?: string;
}

type Recorded = Pick<AccessState, 'status' | 'reason'> & {
  readonly supportEndReminder?: { readonly endDate?: string };
};

/** `date` (YYYY-MM-DD) plus `days`, in calendar days. */
export function addDays(date: string, days: number): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}

/** What the daily check does for one person, from the recorded state, today's verdict and the window. Pure. */
export function planDailyCheck(
  recorded: Recorded,
  verdict: AccessVerdict,
  person: Pick<Person, 'portal'> | undefined,
  today: string,
  reminderDays: number,
): DailyPlan {
  const settled = recorded.status === 'suspended' || recorded.status === 'revoked';
  const reconcile = verdict.effective
    ? settled
    : recorded.status !== 'none' && (!settled || recorded.reason !== verdict.reason);
  const end = person?.portal?.supportEndDate;
  const remindOf =
    reminderDays > 0 &&
    verdict.effective &&
    (recorded.status === 'active' || recorded.status === 'invited') &&
    typeof end === 'string' &&
    end >= today &&
    end <= addDays(today, reminderDays) &&
    recorded.supportEndReminder?.endDate !== end
      ? end
      : undefined;
  return { reconcile, ...(remindOf ? { remindOf } : {}) };
}

export interface DailyAccessCheckDependencies {
  readonly dynamo: DynamoDBClient;
  readonly tableName: string;
  readonly timeZone: string;
  readonly provisioner: Pick<Provisioner, 'reconcilePerson' | 'recordFailure' | 'sendEmail'>;
  /** Days before a window's end to send the reminder; 0 turns reminders off. */
  readonly reminderDays: number;
  /** The portal's address, put in reminders. */
  readonly signInUrl: string;
  /** The deployment's name, logo and accent colour, which reminders carry. */
  readonly branding?: Branding;
  readonly now?: () => Date;
  /** People checked at once; Cognito's quotas, not this, are the limit that matters (SDK retries absorb throttling). */
  readonly concurrency?: number;
}

export interface DailyCheckSummary {
  readonly today: string;
  readonly checked: number;
  readonly reconciled: number;
  readonly reminded: number;
  readonly failed: readonly string[];
}

type AccessItem = AccessState & { readonly supportEndReminder?: { readonly endDate?: string } };

/** The run ended with people it could not bring in line; they are named in the log and on their access. */
export class DailyCheckIncomplete extends Error {
  override readonly name = 'DailyCheckIncomplete';
}

export function createDailyAccessCheck(deps: DailyAccessCheckDependencies) {
  const { provisioner } = deps;
  const now = deps.now ?? (() => new Date());
  const machine = createAccessMachine(deps);
  const people = createPersonLoader(deps);

  /**
   * Claims the reminder for this window end with one conditional write, sends it, then records the send (with a
   * history entry). At most once per window end: a failed send gives the claim back so a retry sends it; a crash
   * between claim and send loses that reminder rather than risk sending it twice.
   */
  async function remind(person: Person, endDate: string): Promise<boolean> {
    const claim = randomUUID();
    const at = now().toISOString();
    if (!(await machine.claimReminder(person.id, endDate, claim, at))) return false;
    let messageId: string | undefined;
    try {
      messageId = await provisioner.sendEmail(
        person.id,
        person.email as string,
        supportEndingReminder(
          { name: greetingNameOf(person), supportEndDate: endDate, signInUrl: deps.signInUrl },
          deps.branding,
        ),
        'support-end-reminder',
      );
    } catch (error) {
      await machine.releaseReminder(person.id, claim).catch(() => {});
      throw error;
    }
    await machine.markReminderSent(person.id, claim, messageId, {
      at,
      actor: 'daily-check',
      event: 'supportEndReminderSent',
      detail: { to: person.email, supportEndDate: endDate, messageId },
    });
    return true;
  }

  /** One person, given what the page read: the plan, then the steps it asks for. */
  async function checkLoaded(
    access: AccessItem,
    person: Person | undefined,
    organization: Organization | undefined,
    today: string,
  ): Promise<{ reconciled: boolean; reminded: boolean }> {
    const verdict = evaluateAccess(person, organization, today);
    const plan = planDailyCheck(access, verdict, person, today, deps.reminderDays);
    let reconciled = false;
    if (plan.reconcile) {
      const outcome = await provisioner.reconcilePerson(access.personId, 'daily-check');
      reconciled = true;
      if (outcome.actions.length) logger.info('Daily check brought a login in line', { ...outcome });
    }
    const reminded = plan.remindOf && person ? await remind(person, plan.remindOf) : false;
    return { reconciled, reminded };
  }

  /** Every person with an ACCESS item, page by page. */
  async function run(): Promise<DailyCheckSummary> {
    const today = todayIn(deps.timeZone, now());
    let checked = 0;
    let reconciled = 0;
    let reminded = 0;
    const failed: string[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await machine.listPage(startKey);
      const accessItems = page.items as AccessItem[];
      const loaded = await people.loadMany(accessItems.map((access) => access.personId));
      await eachConcurrently(accessItems, deps.concurrency ?? 8, async (access) => {
        checked++;
        const { person, organization } = loaded(access.personId);
        try {
          const outcome = await checkLoaded(access, person, organization, today);
          if (outcome.reconciled) reconciled++;
          if (outcome.reminded) reminded++;
        } catch (error) {
          failed.push(access.personId);
          logger.error('Daily access check failed for a person', { personId: access.personId, error: error as Error });
          await provisioner
            .recordFailure(access.personId, error)
            .catch((recordError: unknown) =>
              logger.error('Could not record the failure', { personId: access.personId, error: recordError as Error }),
            );
        }
      });
      startKey = page.next;
    } while (startKey);
    return { today, checked, reconciled, reminded, failed };
  }

  /** One person, as the walk checks them (the same plan and steps), without walking everyone else. */
  async function checkPerson(personId: string): Promise<{ reconciled: boolean; reminded: boolean }> {
    const today = todayIn(deps.timeZone, now());
    const access = await machine.read(personId);
    if (!access) return { reconciled: false, reminded: false };
    const { person, organization } = await people.load(personId);
    return checkLoaded(access as AccessItem, person, organization, today);
  }

  return { run, checkPerson };
}
