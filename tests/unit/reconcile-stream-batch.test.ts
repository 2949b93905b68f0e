import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { TooManyRequestsException as SesThrottled } from '@aws-sdk/client-sesv2';

import {
  access,
  batch,
  contactId,
  disableRecord,
  emailOf,
  enablePerson,
  enableRecord,
  expectConverged,
  failures,
  fakeDateOnly,
  fakes,
  forUser,
  handler,
  LEASE,
  partnerContactId,
  partnerOrgId,
  streamRecord,
  throttledCognito,
  titleRecord,
  toAddress,
  setUpProvisioningScenario,
} from './support/provisioning-scenario';

/**
 * The controller's stream batch (shared/access/reconcile-stream-batch.ts): a partial batch names exactly its failing
 * records, and a partner organization's status change reaches its contacts.
 */

setUpProvisioningScenario();

describe('6. a partial batch', () => {
  it("names exactly the failing people's first sequence numbers, in numeric order; the rest is done once", async () => {
    fakeDateOnly();
    const [a, b, c] = [contactId(0xa1), contactId(0xb1), contactId(0xc1)];
    for (const id of [a, b, c]) await enablePerson(id);
    fakes.cognito.faults.add({ op: 'AdminCreateUser', match: forUser(a), error: throttledCognito });
    fakes.ses.faults.add({
      op: 'SendEmail',
      match: toAddress(emailOf(c)),
      error: () => new SesThrottled({ message: 'Maximum sending rate exceeded.', $metadata: {} }),
    });
    // Sequence numbers beyond 2^53 and of different lengths: a string sort would put A before C.
    const records = [
      titleRecord('99999999999999999998', c, { portal: { enabled: false } }), // C not yet enabled: ignored
      enableRecord('99999999999999999999', c),
      enableRecord('100000000000000000000', b),
      enableRecord('100000000000000000001', a),
      titleRecord('100000000000000000002', a),
      titleRecord('100000000000000000003', b),
      disableRecord('100000000000000000004', c),
    ];
    const first = await handler(batch(...records));
    expect(failures(first)).toEqual(['99999999999999999999', '100000000000000000001']);
    await expectConverged(b);
    expect(fakes.ses.invitations(a)).toHaveLength(0);
    expect(fakes.ses.invitations(c)).toHaveLength(0);

    // Lambda retries from the lowest failure, at once: A and C are still "in progress", B is not redone.
    const retried = records.slice(1);
    expect(failures(await handler(batch(...retried)))).toEqual(['99999999999999999999', '100000000000000000001']);

    // The faults clear; after the lease the retry finishes A and C.
    fakes.cognito.faults.clear();
    fakes.ses.faults.clear();
    jest.setSystemTime(Date.now() + LEASE + 1_000);
    expect(failures(await handler(batch(...retried)))).toEqual([]);
    for (const id of [a, b, c]) await expectConverged(id);
    expect(fakes.ses.invitations(b)).toHaveLength(1);
    expect(fakes.ses.sent).toHaveLength(3);
  });

  it("a partner organization's status change reaches its contacts; a listing failure names the organization's record", async () => {
    fakeDateOnly();
    const org = partnerOrgId(1);
    const contacts = [partnerContactId(1), partnerContactId(2)];
    const orgItem = (partnerStatus: string) => ({
      pk: org,
      sk: 'RECORD',
      id: org,
      module: 'partner-organizations',
      name: 'Partner Ltd',
      partnerStatus,
      version: 1,
    });
    await fakes.table.put(orgItem('Active'));
    for (const id of contacts) await enablePerson(id, { organizationId: org });
    expect(
      failures(await handler(batch(...contacts.map((id, i) => enableRecord(`70${i}`, id, { organizationId: org }))))),
    ).toEqual([]);
    for (const id of contacts) await expectConverged(id);

    // Deactivated: both logins disabled and signed out everywhere, with the reason.
    await fakes.table.put(orgItem('Inactive'));
    expect(failures(await handler(batch(streamRecord('710', orgItem('Active'), orgItem('Inactive')))))).toEqual([]);
    for (const id of contacts) {
      expect(fakes.cognito.users.get(id)).toMatchObject({ enabled: false, signOuts: 1 });
      expect(await access(id)).toMatchObject({ status: 'suspended', reason: 'organizationInactive' });
    }

    // Re-activated, but the listing is throttled: the organization's record is what Lambda retries.
    await fakes.table.put(orgItem('Active'));
    fakes.table.faults.add({
      op: 'Query',
      times: 1,
      error: () => new ProvisionedThroughputExceededException({ message: 'throttled', $metadata: {} }),
    });
    const reactivation = batch(streamRecord('720', orgItem('Inactive'), orgItem('Active')));
    expect(failures(await handler(reactivation))).toEqual(['720']);
    expect(failures(await handler(reactivation))).toEqual([]);
    for (const id of contacts) {
      // Never signed in: a fresh enablement, hence exactly one fresh invitation each.
      expect(fakes.cognito.users.get(id)).toMatchObject({ enabled: true });
      expect(fakes.ses.invitations(id)).toHaveLength(2);
      expect(await access(id)).toMatchObject({ status: 'invited', failures: 0 });
      expect(await access(id)).not.toHaveProperty('reason');
    }
  });
});
