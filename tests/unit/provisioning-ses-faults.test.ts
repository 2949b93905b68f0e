import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { MessageRejected, TooManyRequestsException as SesThrottled } from '@aws-sdk/client-sesv2';
import { InvitationInProgress } from '../../shared/access/provisioning';
import { temporaryPasswordIn } from './support/cognito-ses-fakes';
import { rejectionOf } from './support/failures';

import {
  access,
  clock,
  contactId,
  enablePerson,
  expectConverged,
  fakes,
  LEASE,
  provisioner,
  setUpProvisioningScenario,
} from './support/provisioning-scenario';

/**
 * SES rejections and a crash after SES accepted: the claim is released or waited out, and an invitation is never
 * lost (at most one duplicate after a crash, which the test names).
 */

setUpProvisioningScenario();

describe('3. SES rejects the SendEmail', () => {
  const id = contactId(3);
  const sesThrottled = () => new SesThrottled({ message: 'Maximum sending rate exceeded.', $metadata: {} });

  async function firstAttemptFails() {
    await enablePerson(id);
    fakes.ses.faults.add({ op: 'SendEmail', times: 1, error: sesThrottled });
    const p = provisioner();
    const error = await rejectionOf(p.reconcilePerson(id));
    expect(error).toBeInstanceOf(SesThrottled);
    await p.recordFailure(id, error);
    // The login exists, SES accepted nothing, and the claim was given up so a retry need not wait.
    expect(fakes.cognito.users.has(id)).toBe(true);
    expect(fakes.ses.sent).toHaveLength(0);
    expect((await access(id)).invitation).toBeUndefined();
    return p;
  }

  it('a retry right after the rejection goes ahead at once: the claim was released, nothing had been mailed', async () => {
    const p = await firstAttemptFails();
    clock.advance(1_000);
    const outcome = await p.reconcilePerson(id);
    expect(outcome.actions).toEqual(['resetTemporaryPassword', 'sendInvitation']);
    expect(clock.sleeps).toEqual([]);
    expect(fakes.ses.attempts).toHaveLength(2);
    expect(fakes.ses.sent).toHaveLength(1);
    await expectConverged(id);
  });

  it('a claim left by a worker that crashed mid-send is waited out when its lease is nearly over, then taken over', async () => {
    await enablePerson(id);
    const p = provisioner();
    await p.reconcilePerson(id);
    // Simulate a crash after the claim: another enablement claimed 27 s ago and never finished.
    await fakes.table.put({
      ...(await access(id)),
      enablementId: 'enablement-crashed',
      invitation: { enablementId: 'enablement-crashed', state: 'sending', claimedAt: clock.now().toISOString() },
    });
    clock.advance(LEASE - 3_000);
    const outcome = await p.reconcilePerson(id);
    expect(outcome.actions).toEqual(['resetTemporaryPassword', 'sendInvitation']);
    expect(clock.sleeps.reduce((sum, ms) => sum + ms, 0)).toBeGreaterThanOrEqual(3_000);
    expect(Math.max(...clock.sleeps)).toBeLessThanOrEqual(1_000);
    expect(fakes.ses.sent).toHaveLength(2);
  });

  it('the retry uses AdminSetUserPassword (the login exists now) and the first, never-mailed password is gone', async () => {
    const p = await firstAttemptFails();
    await p.reconcilePerson(id);
    expect(fakes.cognito.calls('AdminCreateUser')).toHaveLength(1);
    expect(fakes.cognito.calls('AdminSetUserPassword', 'ok')).toHaveLength(1);
    expect(fakes.ses.attempts).toHaveLength(2);
    const { user } = await expectConverged(id);
    expect(user.password).toBe('Temporary-password-2');
  });

  it('a permanent rejection (MessageRejected) is retried the same way and is not lost', async () => {
    await enablePerson(id);
    fakes.ses.faults.add({
      op: 'SendEmail',
      times: 3,
      error: () => new MessageRejected({ message: 'Email address is not verified.', $metadata: {} }),
    });
    const p = provisioner();
    for (let attempt = 0; attempt < 3; attempt++) {
      await p.recordFailure(id, await rejectionOf(p.reconcilePerson(id)));
      clock.advance(LEASE + 1);
    }
    expect(await access(id)).toMatchObject({
      status: 'failed',
      failures: 3,
      lastError: 'MessageRejected: Email address is not verified.',
    });
    await p.reconcilePerson(id);
    await expectConverged(id);
    expect(fakes.ses.attempts).toHaveLength(4);
  });
});

describe('4. a crash after SES accepted, before the claim was marked sent', () => {
  const id = contactId(4);

  it('the retry after the lease sends again: at least one and at most two invitations, never zero', async () => {
    await enablePerson(id);
    // SES accepts; the write recording it (invitation: sent, with history) is lost: throttled, or the
    // Lambda dies right there.
    fakes.table.faults.add({
      op: 'TransactWriteItems',
      times: 1,
      error: () => new ProvisionedThroughputExceededException({ message: 'throttled', $metadata: {} }),
    });
    const p = provisioner();
    await p.recordFailure(id, await rejectionOf(p.reconcilePerson(id)));
    expect(fakes.ses.sent).toHaveLength(1);
    expect((await access(id)).invitation).toMatchObject({ state: 'sending' });

    // Within the lease: nothing more.
    clock.advance(10_000);
    expect(await rejectionOf(p.reconcilePerson(id))).toBeInstanceOf(InvitationInProgress);
    expect(fakes.ses.sent).toHaveLength(1);

    // After the lease the retry cannot know SES took the first one. The accepted duplicate: a second
    // invitation (with a new temporary password; the first email's one no longer works) rather than risk none.
    clock.advance(LEASE);
    await p.reconcilePerson(id);
    const { invitations } = await expectConverged(id, 2);
    expect(temporaryPasswordIn(invitations[0]!)).not.toBe(temporaryPasswordIn(invitations[1]!));
    expect(fakes.cognito.calls('AdminCreateUser')).toHaveLength(1);

    // And from then on, replays send nothing.
    clock.advance(LEASE * 3);
    await p.reconcilePerson(id);
    expect(fakes.ses.sent.length).toBeGreaterThanOrEqual(1);
    expect(fakes.ses.sent.length).toBeLessThanOrEqual(2);
  });
});
