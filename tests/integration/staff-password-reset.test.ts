import { randomUUID } from 'node:crypto';
import { activeContact, uniqueEmail, untilAccessStatus } from '../support/active-person';
import { codeIn } from '../support/mailbox';
import { localStackContext } from '../support/local-stack-context';

/**
 * `POST /{people-module}/{id}/portal-access/password-reset`: staff send an active person a code to choose a new
 * password (Cognito's AdminResetUserPassword), at most once a minute, with the history naming who asked.
 */
jest.setTimeout(90_000);

const local = localStackContext();

const reset = (module: string, id: string) => local.api.call('POST', `/${module}/${id}/portal-access/password-reset`);

interface History {
  history: { event: string; actor: string }[];
  status: string;
}

describe('staff password reset', () => {
  it('sends one code by email (202), records who asked, and answers 429 with Retry-After within the minute', async () => {
    const { person, email } = await activeContact(local.api, local.mail, local.users);
    const first = await reset('contacts', person.id);
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ personId: person.id, passwordResetRequestedAt: expect.any(String) });
    const [, message] = await local.mail.waitFor(email, 2);
    expect(codeIn(message!)).toMatch(/^\d{6}$/);
    expect((await local.users.login(person.id))?.status).toBe('RESET_REQUIRED');

    const again = await reset('contacts', person.id);
    expect(again.status).toBe(429);
    expect(again.headers.get('content-type')).toContain('application/problem+json');
    expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(again.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    // The invitation and exactly one code.
    expect(await local.mail.to(email)).toHaveLength(2);

    const view = (await local.api.call<History>('GET', `/contacts/${person.id}/portal-access`)).body;
    const requested = view.history.filter((entry) => entry.event === 'passwordResetRequested');
    expect(requested).toHaveLength(1);
    expect(requested[0]!.actor).toMatch(/^staff:.+/);
    // Still active: a reset is not a fresh invitation, and reconciling does not make it one.
    expect(view.status).toBe('active');
    const reconciled = await local.api.call<{ actions: string[]; status: string }>(
      'POST',
      `/contacts/${person.id}/portal-access/reconcile`,
    );
    expect(reconciled.body).toMatchObject({ status: 'active', actions: [] });
    expect(await local.mail.to(email)).toHaveLength(2);
  });

  it('sends one code however many requests arrive together', async () => {
    const { person, email } = await activeContact(local.api, local.mail, local.users);
    const answers = await Promise.all(Array.from({ length: 6 }, () => reset('contacts', person.id)));
    expect(answers.map((answer) => answer.status).sort()).toEqual([202, 429, 429, 429, 429, 429]);
    await local.mail.waitFor(email, 2);
    const view = (await local.api.call<History>('GET', `/contacts/${person.id}/portal-access`)).body;
    expect(view.history.filter((entry) => entry.event === 'passwordResetRequested')).toHaveLength(1);
    expect(await local.mail.to(email)).toHaveLength(2);
  });

  it('refuses someone who has not chosen a password yet (409), and sends nothing', async () => {
    const email = uniqueEmail('invited');
    const person = await local.api.create('contacts', { lastName: 'Invited', email, portal: { enabled: true } });
    await local.mail.waitFor(email);
    await untilAccessStatus(local.api, 'contacts', person.id, 'invited');
    const refused = await reset('contacts', person.id);
    expect(refused.status).toBe(409);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body.detail).toMatch(/invitation/);
    expect((await local.users.login(person.id))?.status).toBe('FORCE_CHANGE_PASSWORD');
    expect(await local.mail.to(email)).toHaveLength(1);
  });

  it('refuses someone whose access was taken away (409), and someone never given any', async () => {
    const { person, email } = await activeContact(local.api, local.mail, local.users);
    const untick = await local.api.call('PATCH', `/contacts/${person.id}`, { portal: { enabled: false } });
    expect(untick.status).toBe(200);
    await untilAccessStatus(local.api, 'contacts', person.id, 'revoked');
    expect((await reset('contacts', person.id)).status).toBe(409);
    const never = await local.api.create('contacts', { lastName: 'Never', email: uniqueEmail('never') });
    expect((await reset('contacts', never.id)).status).toBe(409);
    expect(await local.mail.to(email)).toHaveLength(1);
  });

  it('answers 404 for a person that does not exist, or an id of another module', async () => {
    expect((await reset('contacts', `con_${randomUUID()}`)).status).toBe(404);
    const { person } = await activeContact(local.api, local.mail, local.users);
    expect((await reset('partner-contacts', person.id)).status).toBe(404);
  });
});
