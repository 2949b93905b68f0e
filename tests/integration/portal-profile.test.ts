import { localStackContext } from '../support/local-stack-context';
import { portalOnboarding } from '../support/portal-onboarding';

/**
 * PATCH /portal/me on the local stack: a person changes their phone, mobile and mailing address (a merge patch);
 * email, username and anything else are refused with a sentence saying staff change them; nothing of access moves.
 */
jest.setTimeout(90_000);

type Json = Record<string, unknown>;
const local = localStackContext();
let onboarding: ReturnType<typeof portalOnboarding>;
beforeAll(() => {
  onboarding = portalOnboarding(local.outputs, local.api);
});
afterAll(() => onboarding.close());

const mergePatch = { 'content-type': 'application/merge-patch+json' };

describe('editing one’s profile', () => {
  it('merges phone, mobile and mailing address into the CRM record, names the person, and leaves access alone', async () => {
    const person = await onboarding.onboard({
      fields: { phone: '+1 555 0100', mailingAddress: { street: 'Old St 1', city: 'Oldtown' } },
    });
    const path = `/partner-contacts/${person.person.id}`;
    const accessBefore = (await local.api.call('GET', `${path}/portal-access`)).body;
    const staffBefore = (await local.api.call('GET', path)).body;

    const patched = await person.call(
      'PATCH',
      '/portal/me',
      { mobile: '+1 555 0199', mailingAddress: { street: 'New St 2\nFlat 3', postalCode: '12345' } },
      mergePatch,
    );
    expect(patched.status).toBe(200);
    const me = (await person.call('GET', '/portal/me')).body;
    // The answer is the profile, as GET /portal/me shows it.
    expect(patched.body).toEqual(me);
    expect(me).toMatchObject({
      phone: '+1 555 0100',
      mobile: '+1 555 0199',
      mailingAddress: { street: 'New St 2\nFlat 3', city: 'Oldtown', postalCode: '12345' },
    });

    const staffAfter = (await local.api.call('GET', path)).body;
    expect(staffAfter).toMatchObject({ updatedBy: `portal:${person.person.id}`, mobile: '+1 555 0199' });
    expect(staffAfter.version).toBe((staffBefore.version as number) + 1);
    expect(staffAfter.email).toBe(staffBefore.email);
    expect(staffAfter.portal).toEqual(staffBefore.portal);

    // null removes, as in any merge patch.
    const removed = await person.call('PATCH', '/portal/me', { phone: null }, mergePatch);
    expect(removed.status).toBe(200);
    expect(removed.body.phone).toBeNull();

    // The access stream saw a change it has no interest in: no new history, same status, the person still signs in.
    const accessAfter = (await local.api.call('GET', `${path}/portal-access`)).body;
    expect(accessAfter.status).toBe(accessBefore.status);
    expect((accessAfter.history as Json[]).length).toBe((accessBefore.history as Json[]).length);
    await local.hosted.signIn(person.email, person.password);
  });

  it('refuses email, username and anything else with a sentence saying staff change them; changes nothing', async () => {
    const person = await onboarding.onboard({ fields: { phone: '+1 555 0100' } });
    const staffBefore = (await local.api.call('GET', `/partner-contacts/${person.person.id}`)).body;
    for (const [body, field] of [
      [{ email: 'new@example.com' }, 'email'],
      [{ username: 'someone-else' }, 'username'],
      [{ phone: '+1 555 0111', portal: { components: ['tickets'] } }, 'portal'],
      [{ lastName: 'Other' }, 'lastName'],
    ] as const) {
      const refused = await person.call('PATCH', '/portal/me', body, mergePatch);
      expect(refused.status).toBe(400);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(refused.body.detail).toMatch(/staff change/);
      expect(refused.body.errors).toEqual([{ path: `/${field}`, message: expect.stringMatching(/staff change/) }]);
    }
    for (const body of [{ phone: 'call me\nmaybe' }, { mailingAddress: { planet: 'Mars' } }, { mobile: 5 }]) {
      expect((await person.call('PATCH', '/portal/me', body, mergePatch)).status).toBe(400);
    }
    const staffAfter = (await local.api.call('GET', `/partner-contacts/${person.person.id}`)).body;
    expect(staffAfter).toEqual(staffBefore);
  });

  it('takes concurrent edits of different fields without losing either', async () => {
    const person = await onboarding.onboard();
    const responses = await Promise.all([
      person.call('PATCH', '/portal/me', { phone: '+1 555 0001' }, mergePatch),
      person.call('PATCH', '/portal/me', { mobile: '+1 555 0002' }, mergePatch),
      person.call('PATCH', '/portal/me', { mailingAddress: { city: 'Concurrent' } }, mergePatch),
    ]);
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200]);
    expect((await person.call('GET', '/portal/me')).body).toMatchObject({
      phone: '+1 555 0001',
      mobile: '+1 555 0002',
      mailingAddress: { city: 'Concurrent' },
    });
  });

  it('refuses a person whose portal flag staff unticked', async () => {
    const person = await onboarding.onboard();
    await local.api.call('PATCH', `/partner-contacts/${person.person.id}`, { portal: { enabled: false } });
    expect((await person.call('PATCH', '/portal/me', { phone: '+1 555 0100' }, mergePatch)).status).toBe(403);
    expect((await local.api.call('GET', `/partner-contacts/${person.person.id}`)).body.phone).toBeUndefined();
  });
});
