import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createAccessAdmin } from '../../shared/access/access-admin';
import { Conflict, TooManyRequests } from '../../shared/http/errors';
import { findModule } from '../../shared/modules/registry';
import { temporaryPasswordIn } from './support/cognito-ses-fakes';
import { rejectionOf } from './support/failures';

import {
  access,
  clock,
  contactId,
  enablePerson,
  expectConverged,
  fakes,
  provisioner,
  TABLE,
  setUpProvisioningScenario,
} from './support/provisioning-scenario';

/** Staff resend (rate limited, only for invited or failed) and a login deleted out of band. */

setUpProvisioningScenario();

describe('11. staff resend and drift', () => {
  const id = contactId(13);
  const contacts = findModule('contacts')!;
  const admin = () =>
    createAccessAdmin({
      dynamo: new DynamoDBClient({ region: 'eu-west-1' }),
      tableName: TABLE,
      provisioner: provisioner(),
      timeZone: 'UTC',
      now: clock.now,
    });

  it('resend: a new enablement and exactly one more invitation; 429 within a minute; 409 once signed in', async () => {
    await enablePerson(id);
    await provisioner().reconcilePerson(id);
    clock.advance(5_000);
    const outcome = await admin().resendInvitation(contacts, id, 'staff-1');
    expect(outcome.actions).toEqual(['resetTemporaryPassword', 'sendInvitation']);
    const { invitations, state } = await expectConverged(id, 2);
    expect(state.enablementId).not.toBe('enablement-1');

    clock.advance(30_000);
    const tooSoon = await rejectionOf(admin().resendInvitation(contacts, id, 'staff-1'));
    expect(tooSoon).toBeInstanceOf(TooManyRequests);
    expect((tooSoon as TooManyRequests).headers['retry-after']).toBe('30');
    expect(fakes.ses.sent).toHaveLength(2);

    // The person signs in (Cognito confirms them): the next reconcile shows active; a resend is a conflict.
    fakes.cognito.users.get(id)!.status = 'CONFIRMED';
    expect((await provisioner().reconcilePerson(id)).status).toBe('active');
    clock.advance(60_000);
    const conflict = await rejectionOf(admin().resendInvitation(contacts, id, 'staff-1'));
    expect(conflict).toBeInstanceOf(Conflict);
    expect(conflict.message).toContain('this person is active');
    expect(fakes.ses.sent).toHaveLength(2);
    expect(invitations).toHaveLength(2);
  });

  it('two staff resends at once: one goes through, the other is 429; one more invitation in all', async () => {
    await enablePerson(id);
    await provisioner().reconcilePerson(id);
    clock.advance(120_000);
    const results = await Promise.allSettled([
      admin().resendInvitation(contacts, id, 'staff-1'),
      admin().resendInvitation(contacts, id, 'staff-2'),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
    expect(rejected.reason).toBeInstanceOf(TooManyRequests);
    await expectConverged(id, 2);
  });

  it('a login deleted out of band is recreated by reconcile, with one fresh invitation', async () => {
    await enablePerson(id);
    await provisioner().reconcilePerson(id);
    fakes.cognito.users.delete(id);
    clock.advance(60_000);
    const p = provisioner();
    expect((await p.reconcilePerson(id)).actions).toEqual(['createLogin', 'sendInvitation']);
    expect((await p.reconcilePerson(id)).actions).toEqual([]);
    expect(fakes.cognito.created).toEqual([id, id]);
    expect(fakes.ses.invitations(id)).toHaveLength(2);
    expect(temporaryPasswordIn(fakes.ses.invitations(id)[1]!)).toBe(fakes.cognito.users.get(id)!.password);
    expect(await access(id)).toMatchObject({ status: 'invited', invitation: { state: 'sent' } });
  });

  // As for a re-enable: overlapping runs agree on one fresh enablement, so one new invitation goes out.
  it('a lost login seen by two overlapping runs is recreated with one invitation', async () => {
    await enablePerson(id);
    await provisioner().reconcilePerson(id);
    fakes.cognito.users.delete(id);
    clock.advance(60_000);
    const p = provisioner();
    await Promise.allSettled([p.reconcilePerson(id), p.reconcilePerson(id, 'staff:someone')]);
    expect(fakes.ses.invitations(id)).toHaveLength(2);
  });
});
