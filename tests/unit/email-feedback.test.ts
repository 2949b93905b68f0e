import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { applyEmailFeedback, type SesEvent } from '../../shared/access/email-feedback';

import {
  access,
  clock,
  contactId,
  emailOf,
  enablePerson,
  fakes,
  history,
  mocks,
  pendingAccess,
  personItem,
  provisioner,
  TABLE,
  setUpProvisioningScenario,
} from './support/provisioning-scenario';

/** SES bounces and complaints on the latest invitation mark the person failed; others change nothing. */

setUpProvisioningScenario();

describe('10. applyEmailFeedback', () => {
  const id = contactId(10);
  const deps = () => ({ dynamo: new DynamoDBClient({ region: 'eu-west-1' }), tableName: TABLE, now: clock.now });
  const event = (fields: Partial<SesEvent> & { messageId?: string; purpose?: string } = {}): SesEvent => ({
    eventType: 'Bounce',
    bounce: { bounceType: 'Permanent', bouncedRecipients: [{ emailAddress: emailOf(id) }] },
    ...fields,
    mail: {
      messageId: fields.messageId ?? 'msg-2',
      tags: { personId: [id], purpose: [fields.purpose ?? 'invitation'] },
    },
  });

  beforeEach(async () => {
    await fakes.table.put(personItem(id));
    await fakes.table.put(
      pendingAccess(id, 'enablement-2', {
        status: 'invited',
        invitation: {
          enablementId: 'enablement-2',
          state: 'sent',
          claimedAt: '2026-03-01T08:00:00.000Z',
          messageId: 'msg-2',
        },
      }),
    );
  });

  it('a permanent bounce of the latest invitation marks the person failed with emailBounced', async () => {
    expect(await applyEmailFeedback(deps(), event())).toBe('marked');
    expect(await access(id)).toMatchObject({
      status: 'failed',
      reason: 'emailBounced',
      lastError: 'The invitation bounced permanently.',
      updatedAt: '2026-03-01T09:00:00.000Z',
    });
    expect(await history(id)).toEqual([
      expect.objectContaining({ actor: 'ses', event: 'emailBounced', detail: { messageId: 'msg-2' } }),
    ]);
  });

  it('a bounce of an older invitation is stale and changes nothing', async () => {
    const before = await access(id);
    expect(await applyEmailFeedback(deps(), event({ messageId: 'msg-1' }))).toBe('stale');
    expect(await access(id)).toEqual(before);
    expect(await history(id)).toEqual([]);
  });

  it('a transient bounce is ignored without a write', async () => {
    const transient = event({ bounce: { bounceType: 'Transient' } });
    expect(await applyEmailFeedback(deps(), transient)).toBe('ignored');
    expect(await applyEmailFeedback(deps(), event({ bounce: { bounceType: 'Undetermined' } }))).toBe('ignored');
    expect(mocks.dynamo.calls()).toHaveLength(0);
    expect((await access(id)).status).toBe('invited');
  });

  it('a complaint marks emailComplaint (SES event publishing or SNS notification form)', async () => {
    expect(await applyEmailFeedback(deps(), event({ eventType: 'Complaint', bounce: undefined }))).toBe('marked');
    expect(await access(id)).toMatchObject({ status: 'failed', reason: 'emailComplaint' });
    await fakes.table.put(
      pendingAccess(id, 'e', { status: 'invited', invitation: { messageId: 'msg-2', state: 'sent' } }),
    );
    expect(await applyEmailFeedback(deps(), { ...event(), eventType: undefined, notificationType: 'Complaint' })).toBe(
      'marked',
    );
    expect(await access(id)).toMatchObject({ reason: 'emailComplaint' });
  });

  it('feedback on other mail (email-change notices), or without a person or message id, is ignored', async () => {
    expect(await applyEmailFeedback(deps(), event({ purpose: 'email-change' }))).toBe('ignored');
    expect(
      await applyEmailFeedback(deps(), { ...event(), mail: { messageId: 'msg-2', tags: { purpose: ['invitation'] } } }),
    ).toBe('ignored');
    expect(
      await applyEmailFeedback(deps(), { ...event(), mail: { tags: { personId: [id], purpose: ['invitation'] } } }),
    ).toBe('ignored');
    expect(await applyEmailFeedback(deps(), { ...event(), eventType: 'Delivery' })).toBe('ignored');
    expect(mocks.dynamo.calls()).toHaveLength(0);
  });

  it('feedback for a person without an ACCESS item is stale and creates none', async () => {
    await fakes.table.delete(id, 'ACCESS');
    expect(await applyEmailFeedback(deps(), event())).toBe('stale');
    expect(await fakes.table.get(id, 'ACCESS')).toBeUndefined();
  });

  it('end to end: the bounce of the invitation the controller sent (its SES message id) is marked', async () => {
    const other = contactId(11);
    await enablePerson(other);
    await provisioner().reconcilePerson(other);
    const [sent] = fakes.ses.invitations(other);
    const bounce: SesEvent = {
      eventType: 'Bounce',
      bounce: { bounceType: 'Permanent' },
      mail: {
        messageId: sent!.messageId,
        tags: Object.fromEntries(Object.entries(sent!.tags).map(([k, v]) => [k, [v]])),
      },
    };
    expect(await applyEmailFeedback(deps(), bounce)).toBe('marked');
    expect(await access(other)).toMatchObject({ status: 'failed', reason: 'emailBounced' });
  });

  // A reconcile that sends nothing must not erase the bounce staff need to see.
  it('a bounce is not erased by a later reconcile that sends nothing', async () => {
    const other = contactId(12);
    await enablePerson(other);
    const p = provisioner();
    await p.reconcilePerson(other);
    const [sent] = fakes.ses.invitations(other);
    await applyEmailFeedback(deps(), {
      eventType: 'Bounce',
      bounce: { bounceType: 'Permanent' },
      mail: { messageId: sent!.messageId, tags: { personId: [other], purpose: ['invitation'] } },
    });
    clock.advance(60_000);
    await p.reconcilePerson(other); // e.g. the same stream record replayed
    expect(fakes.ses.invitations(other)).toHaveLength(1);
    expect(await access(other)).toMatchObject({ status: 'failed', reason: 'emailBounced' });
  });
});
