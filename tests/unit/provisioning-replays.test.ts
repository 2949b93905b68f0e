import { InvitationInProgress } from '../../shared/access/provisioning';
import { temporaryPasswordIn } from './support/cognito-ses-fakes';

import {
  access,
  batch,
  clock,
  contactId,
  disableRecord,
  emailOf,
  enablePerson,
  enableRecord,
  expectConverged,
  failures,
  fakeDateOnly,
  fakes,
  handler,
  history,
  LEASE,
  pendingAccess,
  personItem,
  provisioner,
  titleRecord,
  setUpProvisioningScenario,
} from './support/provisioning-scenario';

/**
 * Replayed, duplicated and out-of-order stream records and overlapping reconcile runs: one login and one invitation
 * per enablement, whatever the order (faults the emulators cannot produce; see support/provisioning-scenario.ts).
 */

setUpProvisioningScenario();

/**
 * Staff ticked the flag again (enablement-2) for someone invited under enablement-1 who never signed in: the
 * disabled login's temporary password may have expired, so reconciling renews the enablement and invites afresh.
 */
async function reEnabledNeverSignedIn(id: string) {
  await fakes.table.put(personItem(id));
  await fakes.table.put(
    pendingAccess(id, 'enablement-2', {
      invitation: {
        enablementId: 'enablement-1',
        state: 'sent',
        claimedAt: '2026-02-01T00:00:00.000Z',
        messageId: 'old',
      },
    }),
  );
  fakes.cognito.seed({ username: id, enabled: false, attributes: { email: emailOf(id), email_verified: 'true' } });
}

describe('1. replays, duplicates and out-of-order records', () => {
  const id = contactId(1);

  it('the same reconcile run 5 times in a row creates one login and sends one invitation', async () => {
    await enablePerson(id);
    const outcomes = [];
    let written = 0;
    for (let run = 0; run < 5; run++) {
      outcomes.push(await provisioner().reconcilePerson(id));
      if (run === 0) written = (await history(id)).length;
      clock.advance(1_000);
    }
    expect(outcomes.map((o) => o.actions)).toEqual([['createLogin', 'sendInvitation'], [], [], [], []]);
    expect(outcomes.every((o) => o.status === 'invited')).toBe(true);
    await expectConverged(id);
    expect(fakes.cognito.calls('AdminCreateUser')).toHaveLength(1);
    // Replays write nothing more: the history has one invitationSent entry, and nothing after the first run.
    expect((await history(id)).filter((entry) => entry.event === 'invitationSent')).toHaveLength(1);
    expect(await history(id)).toHaveLength(written);
  });

  it('5 concurrent runs: one wins the claim, the others back off with InvitationInProgress', async () => {
    await enablePerson(id);
    const p = provisioner();
    // The winner is held inside its claim (at its AdminCreateUser) until the four others have settled: the runs
    // really overlap, however the machine schedules them.
    const creation = fakes.cognito.hold('AdminCreateUser');
    let settled = 0;
    let fourSettled!: () => void;
    const losersDone = new Promise<void>((resolve) => (fourSettled = resolve));
    const runs = Array.from({ length: 5 }, () => p.reconcilePerson(id));
    const results = Promise.allSettled(runs.map((run) => run.finally(() => ++settled === 4 && fourSettled())));
    await creation.arrived();
    await losersDone;
    creation.release();
    const rejected = (await results).filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(rejected).toHaveLength(4);
    for (const r of rejected) expect(r.reason).toBeInstanceOf(InvitationInProgress);
    // The losers' retries (Lambda's, minutes later) converge without sending again.
    clock.advance(LEASE * 2);
    await Promise.all(Array.from({ length: 5 }, () => p.reconcilePerson(id)));
    expect(fakes.cognito.calls('AdminCreateUser')).toHaveLength(1);
    expect(fakes.ses.attempts).toHaveLength(1);
    await expectConverged(id);
  });

  it('the same batch delivered twice to the controller: still one login, one invitation', async () => {
    const other = contactId(2);
    await enablePerson(id);
    await enablePerson(other);
    const event = batch(enableRecord('100', id), enableRecord('101', other), titleRecord('102', id));
    expect(failures(await handler(event))).toEqual([]);
    expect(failures(await handler(event))).toEqual([]);
    await expectConverged(id);
    await expectConverged(other);
    expect(fakes.ses.sent).toHaveLength(2);
  });

  it('the same batch delivered twice at once: the loser reports the people, its retry changes nothing', async () => {
    fakeDateOnly();
    await enablePerson(id);
    const event = batch(enableRecord('200', id));
    // The first delivery is held inside its claim (at its AdminCreateUser) while the second runs: they overlap
    // exactly, however the machine schedules them.
    const creation = fakes.cognito.hold('AdminCreateUser');
    const first = handler(event);
    let second: Awaited<ReturnType<typeof handler>>;
    try {
      await creation.arrived();
      second = await handler(event);
    } finally {
      creation.release();
    }
    // One delivery reconciled the person; the other found the claim held and asks Lambda to retry.
    expect(failures(await first)).toEqual([]);
    expect(failures(second)).toEqual(['200']);
    jest.setSystemTime(Date.now() + LEASE + 1_000);
    expect(failures(await handler(event))).toEqual([]);
    await expectConverged(id);
    // A claim held elsewhere is no failure of the person's: nothing was counted against them.
    expect((await access(id)).failures).toBe(0);
  });

  it('a "disable" record processed after the "enable" one, while the table says enabled, ends enabled', async () => {
    await enablePerson(id);
    // Staff disabled then re-enabled; the enable was handled, then the older disable arrives (replayed).
    expect(failures(await handler(batch(enableRecord('300', id))))).toEqual([]);
    expect(failures(await handler(batch(disableRecord('299', id))))).toEqual([]);
    // And both in one batch, in either order: the controller follows the table, not the records.
    expect(failures(await handler(batch(enableRecord('301', id), disableRecord('302', id))))).toEqual([]);
    expect(failures(await handler(batch(disableRecord('303', id), enableRecord('304', id))))).toEqual([]);
    await expectConverged(id);
    expect(fakes.cognito.calls('AdminDisableUser')).toHaveLength(0);
    expect(fakes.cognito.calls('AdminUserGlobalSignOut')).toHaveLength(0);
  });

  it('an "enable" record processed after the table says disabled creates nothing', async () => {
    await fakes.table.put(personItem(id, { portal: { enabled: false } }));
    expect(failures(await handler(batch(enableRecord('400', id))))).toEqual([]);
    expect(fakes.cognito.users.size).toBe(0);
    expect(fakes.ses.attempts).toHaveLength(0);
    expect(await fakes.table.get(id, 'ACCESS')).toBeUndefined();
  });

  it('re-enabling someone who never signed in, replayed: one fresh invitation, and the login enabled', async () => {
    await reEnabledNeverSignedIn(id);
    const p = provisioner();
    const first = await p.reconcilePerson(id);
    expect(first.actions).toEqual(['enableLogin', 'resetTemporaryPassword', 'sendInvitation']);
    for (let run = 0; run < 4; run++) expect((await p.reconcilePerson(id)).actions).toEqual([]);
    expect(fakes.ses.invitations(id)).toHaveLength(1);
    expect(fakes.cognito.users.get(id)).toMatchObject({ enabled: true });
    expect(temporaryPasswordIn(fakes.ses.invitations(id)[0]!)).toBe(fakes.cognito.users.get(id)!.password);
  });

  // Overlapping runs must agree on one fresh enablement, or each would claim its own and send its own invitation.
  it('re-enabling: two overlapping runs (controller + staff reconcile) send one invitation', async () => {
    await reEnabledNeverSignedIn(id);
    const p = provisioner();
    await Promise.allSettled([p.reconcilePerson(id, 'controller'), p.reconcilePerson(id, 'staff:someone')]);
    expect(fakes.cognito.calls('AdminSetUserPassword', 'ok')).toHaveLength(1);
    expect(fakes.ses.invitations(id)).toHaveLength(1);
  });

  // The interleaving that once sent two: the second run reads the access item after the first renewed the
  // enablement, but finds the login still disabled (the first has not enabled it yet), so it renews again.
  it('re-enabling: a run that finds the login still disabled after another renewed sends no second invitation', async () => {
    await reEnabledNeverSignedIn(id);
    const p = provisioner();
    const enabling = fakes.cognito.hold('AdminEnableUser');
    const first = p.reconcilePerson(id, 'controller');
    await enabling.arrived(1); // the first run has renewed the enablement and waits to enable the login
    expect((await access(id)).enablementId).not.toBe('enablement-2');
    const second = p.reconcilePerson(id, 'staff:someone');
    await enabling.arrived(2); // the second has read the login still disabled and decided
    enabling.release();
    await Promise.allSettled([first, second]);
    expect(fakes.cognito.calls('AdminSetUserPassword', 'ok')).toHaveLength(1);
    expect(fakes.ses.invitations(id)).toHaveLength(1);
    expect(fakes.cognito.users.get(id)).toMatchObject({ enabled: true });
    expect(temporaryPasswordIn(fakes.ses.invitations(id)[0]!)).toBe(fakes.cognito.users.get(id)!.password);
    expect(await access(id)).toMatchObject({ status: 'invited', invitation: { state: 'sent' } });
  });
});
