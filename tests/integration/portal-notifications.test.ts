import { randomUUID } from 'node:crypto';
import type { MailboxEmail } from '../support/mailbox';
import { localStackContext } from '../support/local-stack-context';
import { portalOnboarding, type OnboardedPerson } from '../support/portal-onboarding';

/**
 * Notification emails on the local stack, sent by the portal-notifications stream subscription through the local
 * mail server: a staff reply, a quote shown, a document shared each bring one email linking straight to the item;
 * an internal note and an opted-out person bring none. "None" is awaited behind a later email the same stream
 * carries, never by sleeping.
 */
jest.setTimeout(120_000);

const local = localStackContext();
let onboarding: ReturnType<typeof portalOnboarding>;
beforeAll(() => {
  onboarding = portalOnboarding(local.outputs, local.api);
});
afterAll(() => onboarding.close());

const short = () => randomUUID().slice(0, 8);
const notifications = (emails: readonly MailboxEmail[]) =>
  emails.filter((email) => email.subject !== 'Your portal access');
const link = (module: string, id: string) => `${local.outputs.PortalWebUrl}#/${module}/${id}`;

describe('portal notifications', () => {
  let person: OnboardedPerson;
  beforeAll(async () => {
    person = await onboarding.onboard({ fields: { firstName: 'Nora' } });
  });

  it('a staff reply brings exactly one email, with the reply and a link to the ticket; an internal note none', async () => {
    const title = `Printer ${short()}`;
    const raised = await person.call('POST', '/portal/tickets', { title, description: 'It jams.' });
    expect(raised.status).toBe(201);
    const ticketId = raised.body.id as string;
    const before = notifications(await local.mail.to(person.email)).length;
    const note = `Internal ${short()}: customer is on the old plan`;
    expect((await local.api.call('POST', `/tickets/${ticketId}/comments`, { body: note, internal: true })).status).toBe(
      201,
    );
    expect(
      (await local.api.call('POST', `/tickets/${ticketId}/comments`, { body: 'Which model?\nThanks' })).status,
    ).toBe(201);

    const received = notifications(await local.mail.waitFor(person.email, before + 2)).slice(before);
    expect(received).toHaveLength(1);
    const [email] = received;
    expect(email!.subject).toBe(`Portico: new reply on your ticket "${title}"`);
    expect(email!.body.text).toContain('Which model?\nThanks');
    expect(email!.body.text).toContain(link('tickets', ticketId));
    expect(email!.body.html).toContain(`href="${link('tickets', ticketId)}" target="_blank"`);
    expect(JSON.stringify(await local.mail.to(person.email))).not.toContain(note);
  });

  it('a quote shown to the person brings one email; a document shared another', async () => {
    const before = (await local.mail.to(person.email)).length;
    const quote = await local.api.create('quotes', {
      subject: `Quote ${short()}`,
      contactId: person.person.id,
      organizationId: person.person.organizationId,
      showOnPortal: false,
    });
    expect((await local.api.call('PATCH', `/quotes/${quote.id}`, { showOnPortal: true })).status).toBe(200);
    const [quoteEmail] = (await local.mail.waitFor(person.email, before + 1)).slice(before);
    expect(quoteEmail!.subject).toBe('Portico: a quote awaits your decision');
    expect(quoteEmail!.body.text).toContain(link('quotes', quote.id));

    const document = await local.api.create('documents', {
      title: `Manual ${short()}`,
      contactId: person.person.id,
      organizationId: person.person.organizationId,
      showOnPortal: true,
    });
    const received = (await local.mail.waitFor(person.email, before + 2)).slice(before);
    expect(received.map((email) => email.subject)).toEqual([
      'Portico: a quote awaits your decision',
      'Portico: a document was shared with you',
    ]);
    expect(received[1]!.body.text).toContain(link('documents', document.id));
  });

  it('an opted-out person gets none; opted back in, the next one arrives', async () => {
    const optedOut = await onboarding.onboard({ portal: { notifications: false } });
    const shownTo = (someone: OnboardedPerson, title: string) =>
      local.api.create('documents', {
        title,
        contactId: someone.person.id,
        organizationId: someone.person.organizationId,
        showOnPortal: true,
      });
    const quiet = await shownTo(optedOut, `Quiet ${short()}`);
    // Two emails to someone else, the second written after the first arrived: the batch that held the quiet
    // document has been handled by then (the stream is read in order, a batch at a time).
    for (const barrier of ['First', 'Second']) {
      const before = (await local.mail.to(person.email)).length;
      await shownTo(person, `${barrier} barrier ${short()}`);
      await local.mail.waitFor(person.email, before + 1);
    }
    expect(notifications(await local.mail.to(optedOut.email))).toEqual([]);

    const patched = await local.api.call('PATCH', `/partner-contacts/${optedOut.person.id}`, {
      portal: { notifications: true },
    });
    expect(patched.status).toBe(200);
    const loud = await shownTo(optedOut, `Loud ${short()}`);
    const received = notifications(await local.mail.waitFor(optedOut.email, 2));
    expect(received).toHaveLength(1);
    expect(received[0]!.body.text).toContain(link('documents', loud.id));
    expect(JSON.stringify(received)).not.toContain(quiet.id);
  });
});
