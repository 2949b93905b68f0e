import {
  TooManyRequestsException as CognitoThrottled,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { InvitationInProgress } from '../../shared/access/provisioning';
import { rejectionOf } from './support/failures';

import {
  access,
  batch,
  clock,
  contactId,
  enablePerson,
  enableRecord,
  expectConverged,
  failures,
  fakes,
  forUser,
  handler,
  history,
  LEASE,
  provisioner,
  throttledCognito,
  titleRecord,
  setUpProvisioningScenario,
} from './support/provisioning-scenario';

/**
 * Cognito throttling and a create whose answer was lost: failures counted, claims released, one login and one
 * invitation in the end.
 */

setUpProvisioningScenario();

describe('2. Cognito throttling on AdminCreateUser', () => {
  const a = contactId(0xa);
  const b = contactId(0xb);

  it("defers only that person's first sequence number, never counting throttling as their failure; the others go through", async () => {
    await enablePerson(a);
    await enablePerson(b);
    fakes.cognito.faults.add({ op: 'AdminCreateUser', match: forUser(a), error: throttledCognito });
    const response = await handler(
      batch(enableRecord('500', a), enableRecord('501', b), titleRecord('502', b), titleRecord('503', a)),
    );
    expect(failures(response)).toEqual(['500']);
    await expectConverged(b);
    expect(fakes.cognito.users.has(a)).toBe(false);
    expect(fakes.ses.invitations(a)).toHaveLength(0);
    // Throttling means "later": the person stays pending for Lambda's retry, with no failure recorded.
    expect(await access(a)).toMatchObject({ status: 'pending', failures: 0 });
    expect((await access(a)).lastError).toBeUndefined();
  });

  it('counts failures up to maxFailures (then `failed` with lastError); a later success invites once and clears them', async () => {
    await enablePerson(a);
    const p = provisioner(); // maxFailures: 3
    fakes.cognito.faults.add({ op: 'AdminCreateUser', times: 4, error: throttledCognito });
    const seen: { failures: unknown; status: unknown }[] = [];
    for (let attempt = 0; attempt < 4; attempt++) {
      const error = await rejectionOf(p.reconcilePerson(a));
      expect(error).toBeInstanceOf(CognitoThrottled);
      await p.recordFailure(a, error);
      seen.push({ failures: (await access(a)).failures, status: (await access(a)).status });
      // Lambda's next retry comes after the invitation lease (see the quick-retry test below).
      clock.advance(LEASE + 1_000);
    }
    expect(seen).toEqual([
      { failures: 1, status: 'pending' },
      { failures: 2, status: 'pending' },
      { failures: 3, status: 'failed' },
      { failures: 4, status: 'failed' },
    ]);
    expect((await access(a)).lastError).toBe('TooManyRequestsException: Rate exceeded');
    expect((await history(a)).filter((entry) => entry.event === 'statusChanged')).toEqual([
      expect.objectContaining({
        detail: { from: 'pending', to: 'failed', error: 'TooManyRequestsException: Rate exceeded' },
      }),
    ]);
    expect(fakes.ses.attempts).toHaveLength(0);

    const outcome = await p.reconcilePerson(a);
    expect(outcome).toMatchObject({ status: 'invited', actions: ['createLogin', 'sendInvitation'] });
    expect(fakes.cognito.calls('AdminCreateUser')).toHaveLength(5);
    await expectConverged(a);
    // The history names the way out of `failed`.
    expect((await history(a)).some((entry) => (entry.detail as { from?: string } | undefined)?.from === 'failed')).toBe(
      true,
    );
  });

  it('a failure before anything was mailed releases the claim: the retry goes ahead at once and lastError keeps the cause', async () => {
    await enablePerson(a);
    const p = provisioner();
    fakes.cognito.faults.add({ op: 'AdminCreateUser', times: 1, error: throttledCognito });
    await p.recordFailure(a, await rejectionOf(p.reconcilePerson(a)));
    expect((await access(a)).invitation).toBeUndefined();
    expect((await access(a)).lastError).toBe('TooManyRequestsException: Rate exceeded');
    clock.advance(1_000);
    const outcome = await p.reconcilePerson(a);
    expect(outcome.actions).toEqual(['createLogin', 'sendInvitation']);
    expect(clock.sleeps).toEqual([]);
    expect(fakes.cognito.calls('AdminCreateUser')).toHaveLength(2);
    await expectConverged(a);
  });

  it('InvitationInProgress names itself', () => {
    expect(new InvitationInProgress('x').name).toBe('InvitationInProgress');
  });

  it("the controller does not count another worker's send in progress as a failure of the person", async () => {
    await enablePerson(a);
    // A claim held by another worker, fresh: the controller reports the record for retry and records nothing.
    const p = provisioner();
    await p.reconcilePerson(a);
    await fakes.table.put({
      ...(await access(a)),
      enablementId: 'enablement-2',
      // The handler's provisioner runs on the real clock: a claim made just now is fresh to it.
      invitation: { enablementId: 'enablement-2', state: 'sending', claimedAt: new Date().toISOString() },
    });
    expect(failures(await handler(batch(enableRecord('520', a))))).toEqual(['520']);
    expect((await access(a)).failures ?? 0).toBe(0);
    expect((await access(a)).lastError).toBeUndefined();
  });

  it('a failure to record the failure still fails the batch item', async () => {
    await enablePerson(a);
    fakes.cognito.faults.add({ op: 'AdminCreateUser', error: throttledCognito });
    fakes.table.faults.add({
      op: 'UpdateItem',
      match: (input: { UpdateExpression?: string }) => input.UpdateExpression?.startsWith('ADD failures') === true,
      error: () => new ProvisionedThroughputExceededException({ message: 'throttled', $metadata: {} }),
    });
    expect(failures(await handler(batch(enableRecord('510', a))))).toEqual(['510']);
    expect((await access(a)).failures).toBe(0);
  });
});

describe('5. a crash between AdminCreateUser and the email', () => {
  const id = contactId(5);

  it('the user was created but the answer lost: the retry resets the password instead of creating again', async () => {
    await enablePerson(id);
    fakes.cognito.faults.add({
      op: 'AdminCreateUser',
      when: 'after',
      times: 1,
      error: () => Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }),
    });
    const p = provisioner();
    await p.recordFailure(id, await rejectionOf(p.reconcilePerson(id)));
    expect(fakes.cognito.users.has(id)).toBe(true);
    expect(fakes.ses.attempts).toHaveLength(0);

    clock.advance(LEASE + 1);
    const outcome = await p.reconcilePerson(id);
    expect(outcome.actions).toEqual(['resetTemporaryPassword', 'sendInvitation']);
    expect(fakes.cognito.calls('AdminCreateUser')).toHaveLength(1);
    expect(fakes.cognito.calls('AdminSetUserPassword', 'ok')).toHaveLength(1);
    await expectConverged(id);
  });

  it('a stale read that misses the new user: AdminCreateUser says UsernameExists, the retry sets the password', async () => {
    await enablePerson(id);
    fakes.ses.faults.add({
      op: 'SendEmail',
      times: 1,
      error: () => Object.assign(new Error('Task timed out after 60.00 seconds'), { name: 'Crash' }),
    });
    const p = provisioner();
    await p.recordFailure(id, await rejectionOf(p.reconcilePerson(id)));
    fakes.cognito.faults.add({
      op: 'AdminGetUser',
      times: 1,
      error: () => new UserNotFoundException({ message: 'User does not exist.', $metadata: {} }),
    });
    clock.advance(LEASE + 1);
    await p.reconcilePerson(id);
    expect(fakes.cognito.calls('AdminCreateUser').map((call) => call.outcome)).toEqual(['ok', 'error']);
    expect(fakes.cognito.calls('AdminSetUserPassword', 'ok')).toHaveLength(1);
    await expectConverged(id);
  });
});
