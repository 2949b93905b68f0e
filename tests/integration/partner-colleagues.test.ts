import { ListUsersCommand } from '@aws-sdk/client-cognito-identity-provider';
import { waitFor } from '../../infra/local/managed-process';
import { untilAccessStatus, uniqueEmail } from '../support/active-person';
import { localStackContext } from '../support/local-stack-context';
import { temporaryPasswordIn } from '../support/mailbox';
import { portalOnboarding, type OnboardedPerson } from '../support/portal-onboarding';

/**
 * A partner admin manages the colleagues of their own partner organization (issue 16) on the local stack: invites
 * go through the staff write and the stream controller (one login, one invitation, even under retries and
 * concurrent duplicates), only within the organization, only with components the admin holds, never staff-only
 * settings, never once the organization is Inactive; each action in the colleague's history naming the admin.
 */
jest.setTimeout(180_000);

type Json = Record<string, unknown>;
const local = localStackContext();
let onboarding: ReturnType<typeof portalOnboarding>;
beforeAll(() => {
  onboarding = portalOnboarding(local.outputs, local.api);
});
afterAll(() => onboarding.close());

const adminComponents = ['tickets', 'documents'];

/** A partner organization (Active) with a partner admin staff flagged, signed in. */
async function partnerAdmin(): Promise<OnboardedPerson & { organizationId: string }> {
  const organization = await local.api.create('partner-organizations', {
    name: 'Admin Partner',
    partnerStatus: 'Active',
  });
  const admin = await onboarding.onboard({
    organizationId: organization.id,
    portal: { partnerAdmin: true, components: adminComponents },
  });
  return { ...admin, organizationId: organization.id };
}

const invitation = (email = uniqueEmail('colleague')) => ({
  firstName: 'Cole',
  lastName: 'League',
  email,
  components: ['tickets'],
});

async function historyOf(id: string): Promise<Json[]> {
  return (await local.api.call('GET', `/partner-contacts/${id}/portal-access`)).body.history as Json[];
}

async function emailsTo(address: string): Promise<number> {
  const store = (await (await fetch(`${local.outputs.SesEndpoint}/store`)).json()) as {
    emails: { destination: { to: string[] } }[];
  };
  return store.emails.filter((email) => email.destination.to.includes(address)).length;
}

/** The portal pool's users whose email is `address` (cognito-local lists without filters: filtered here). */
async function portalLoginsWith(address: string): Promise<string[]> {
  const listed = await local.cognito.send(new ListUsersCommand({ UserPoolId: local.outputs.PortalUserPoolId }));
  return (listed.Users ?? [])
    .filter((user) => user.Attributes?.some((attribute) => attribute.Name === 'email' && attribute.Value === address))
    .map((user) => user.Username!);
}

describe('a partner admin invites a colleague', () => {
  it('creates a partner contact in their own organization with portal access: one login, one invitation, history naming the admin', async () => {
    const admin = await partnerAdmin();
    expect((await admin.call('GET', '/portal/me')).body.partnerAdmin).toBe(true);
    const body = invitation();
    const created = await admin.call('POST', '/portal/colleagues', body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      firstName: 'Cole',
      lastName: 'League',
      email: body.email,
      enabled: true,
      components: ['tickets'],
      partnerAdmin: false,
      you: false,
    });
    const id = created.body.id as string;
    expect(created.headers.get('location')).toBe(`/portal/colleagues/${id}`);

    // Staff see an ordinary partner contact of the organization, created by the admin.
    const staffView = (await local.api.call('GET', `/partner-contacts/${id}`)).body;
    expect(staffView).toMatchObject({
      organizationId: admin.organizationId,
      createdBy: `partner:${admin.person.id}`,
      portal: { enabled: true, components: ['tickets'] },
    });

    // The stream controller invites, as for a staff enablement: the colleague signs in from the email.
    const [mail] = await local.mail.waitFor(body.email);
    await untilAccessStatus(local.api, 'partner-contacts', id, 'invited');
    const history = await historyOf(id);
    expect(history).toContainEqual(
      expect.objectContaining({ event: 'portalEnabled', actor: `partner:${admin.person.id}` }),
    );
    expect(history).toContainEqual(expect.objectContaining({ event: 'invitationSent', actor: 'controller' }));
    const signedIn = await local.users.firstSignIn(body.email, temporaryPasswordIn(mail!), 'New#Passw0rd-colleague');
    expect(signedIn.AuthenticationResult?.AccessToken).toBeDefined();

    // The list shows the admin (you), the colleague, and a partner contact staff keep off the portal.
    const offPortal = await local.api.create('partner-contacts', {
      lastName: 'Offline',
      organizationId: admin.person.organizationId,
    });
    const list = await admin.call('GET', '/portal/colleagues');
    expect(list.status).toBe(200);
    const items = list.body.items as Json[];
    expect(items.map((item) => item.id).sort()).toEqual([admin.person.id, id, offPortal.id].sort());
    expect(items.find((item) => item.id === admin.person.id)).toMatchObject({ you: true, partnerAdmin: true });
    // Each with their own access status, as staff see it (the page's states are one batched read).
    for (const item of items) {
      const access = await local.api.call<Json>('GET', `/partner-contacts/${item.id as string}/portal-access`);
      expect({ id: item.id, status: item.accessStatus }).toEqual({ id: item.id, status: access.body.status });
    }
    expect(items.find((item) => item.id === offPortal.id)?.accessStatus).toBe('none');
    expect(items.find((item) => item.id === id)?.accessStatus).toBe('active');
  });

  it('turns retries and concurrent identical invitations into one person, one login and one invitation', async () => {
    const admin = await partnerAdmin();
    const body = invitation();
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => admin.call('POST', '/portal/colleagues', body)),
    );
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 201]);
    const ids = new Set(responses.map((response) => response.body.id));
    expect(ids.size).toBe(1);
    const [id] = [...ids] as string[];

    // A retry after the fact replays too.
    const retry = await admin.call('POST', '/portal/colleagues', body);
    expect(retry.status).toBe(200);
    expect(retry.body.id).toBe(id);

    await local.mail.waitFor(body.email);
    await untilAccessStatus(local.api, 'partner-contacts', id!, 'invited');
    const people = (await local.api.call('GET', `/partner-contacts?email=${encodeURIComponent(body.email)}`)).body;
    expect((people.items as Json[]).map((person) => person.id)).toEqual([id]);
    expect(await emailsTo(body.email)).toBe(1);
    expect((await historyOf(id!)).filter((entry) => entry.event === 'portalEnabled')).toHaveLength(1);
    // One login: the person's, and no other user of the portal pool holds the email.
    expect(await local.users.login(id!)).toMatchObject({ attributes: { email: body.email } });
    expect(await portalLoginsWith(body.email)).toEqual([id]);

    // The same email with other details is not a retry: refused without saying who holds it.
    const different = await admin.call('POST', '/portal/colleagues', { ...body, lastName: 'Other' });
    expect(different.status).toBe(409);
    expect(JSON.stringify(different.body)).not.toContain(id);
  });

  it('refuses components the admin lacks (403), another organization, partner admin and staff-only settings (400); nothing is created', async () => {
    const admin = await partnerAdmin();
    const otherOrganization = (
      await local.api.create('partner-organizations', { name: 'Elsewhere Partner', partnerStatus: 'Active' })
    ).id;
    const email = uniqueEmail('escalation');
    const lacking = await admin.call('POST', '/portal/colleagues', {
      ...invitation(email),
      components: ['tickets', 'invoices'],
    });
    expect(lacking.status).toBe(403);
    expect(lacking.body.detail).toMatch(/invoices/);
    for (const extra of [
      { partnerAdmin: true },
      { canESign: true },
      { supportEndDate: '2030-01-01' },
      { pin: '1234' },
      { portal: { enabled: true, partnerAdmin: true } },
      // Never into another organization: the colleague's organization is the admin's, not the caller's to name.
      { organizationId: otherOrganization },
    ]) {
      const refused = await admin.call('POST', '/portal/colleagues', { ...invitation(email), ...extra });
      expect(refused.status).toBe(400);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(refused.body.errors).toEqual([
        { path: `/${Object.keys(extra)[0]}`, message: 'only staff change this; ask your account manager' },
      ]);
    }
    const people = (await local.api.call('GET', `/partner-contacts?email=${encodeURIComponent(email)}`)).body;
    expect(people.items).toEqual([]);
    expect((await local.api.call('GET', `/partner-contacts?organizationId=${otherOrganization}`)).body.items).toEqual(
      [],
    );
    expect(await portalLoginsWith(email)).toEqual([]);
  });
});

describe('a partner admin changes a colleague', () => {
  it('switches access off and on and narrows components, each in the history naming the admin; staff can undo it', async () => {
    const admin = await partnerAdmin();
    const body = invitation();
    const id = (await admin.call('POST', '/portal/colleagues', { ...body, components: adminComponents })).body
      .id as string;
    await untilAccessStatus(local.api, 'partner-contacts', id, 'invited');

    const narrowed = await admin.call('PATCH', `/portal/colleagues/${id}`, { components: ['documents'] });
    expect(narrowed.status).toBe(200);
    expect(narrowed.body.components).toEqual(['documents']);
    const off = await admin.call('PATCH', `/portal/colleagues/${id}`, { enabled: false });
    expect(off.status).toBe(200);
    expect(off.body.enabled).toBe(false);
    await untilAccessStatus(local.api, 'partner-contacts', id, 'revoked');
    const actor = `partner:${admin.person.id}`;
    const history = await historyOf(id);
    expect(history).toContainEqual(
      expect.objectContaining({
        event: 'componentsChanged',
        actor,
        detail: { from: adminComponents, to: ['documents'] },
      }),
    );
    expect(history).toContainEqual(expect.objectContaining({ event: 'portalDisabled', actor }));

    // Adding back only what the admin holds.
    const escalated = await admin.call('PATCH', `/portal/colleagues/${id}`, { components: ['documents', 'quotes'] });
    expect(escalated.status).toBe(403);
    for (const refusedBody of [
      { canESign: true },
      { supportStartDate: '2026-01-01' },
      { pinReset: true },
      { partnerAdmin: true },
      { organizationId: (await partnerAdmin()).organizationId },
    ]) {
      expect((await admin.call('PATCH', `/portal/colleagues/${id}`, refusedBody)).status).toBe(400);
    }
    expect((await local.api.call('GET', `/partner-contacts/${id}`)).body.organizationId).toBe(admin.organizationId);
    const staffView = (await local.api.call('GET', `/partner-contacts/${id}`)).body;
    expect(staffView.portal).toEqual({ enabled: false, components: ['documents'], hasPin: false });
    expect(staffView.updatedBy).toBe(actor);

    // Staff undo it as any CRM edit; the colleague is invited again.
    const undone = await local.api.call('PATCH', `/partner-contacts/${id}`, {
      portal: { enabled: true, components: adminComponents },
    });
    expect(undone.status).toBe(200);
    await untilAccessStatus(local.api, 'partner-contacts', id, 'invited');
    const on = await admin.call('GET', '/portal/colleagues');
    expect((on.body.items as Json[]).find((item) => item.id === id)).toMatchObject({
      enabled: true,
      components: adminComponents,
    });
  });

  it('resends an invitation to a colleague who has not signed in, naming the admin', async () => {
    const admin = await partnerAdmin();
    const body = invitation();
    const id = (await admin.call('POST', '/portal/colleagues', body)).body.id as string;
    await local.mail.waitFor(body.email);
    await untilAccessStatus(local.api, 'partner-contacts', id, 'invited');
    const resent = await admin.call('POST', `/portal/colleagues/${id}/invitations`);
    expect(resent.status).toBe(202);
    expect(resent.body).toEqual({ id, accessStatus: 'invited' });
    await waitFor(async () => (await emailsTo(body.email)) === 2, 20_000, 'the second invitation');
    expect(await historyOf(id)).toContainEqual(
      expect.objectContaining({ event: 'invitationRequested', actor: `partner:${admin.person.id}` }),
    );
    // At most one a minute, as for staff.
    expect((await admin.call('POST', `/portal/colleagues/${id}/invitations`)).status).toBe(429);
  });

  it('never reaches another organization (404), themself or another admin (403)', async () => {
    const admin = await partnerAdmin();
    const other = await partnerAdmin();
    const outsider = (await other.call('POST', '/portal/colleagues', invitation())).body.id as string;
    for (const [method, path, body] of [
      ['PATCH', `/portal/colleagues/${outsider}`, { enabled: false }],
      ['POST', `/portal/colleagues/${outsider}/invitations`, undefined],
      ['PATCH', `/portal/colleagues/${other.person.id}`, { enabled: false }],
      ['PATCH', '/portal/colleagues/pcon_00000000-0000-4000-8000-000000000000', { enabled: false }],
      ['PATCH', '/portal/colleagues/not-an-id', { enabled: false }],
    ] as const) {
      const answer = await admin.call(method, path, body);
      expect(answer.status).toBe(404);
    }
    expect(((await admin.call('GET', '/portal/colleagues')).body.items as Json[]).map((item) => item.id)).toEqual([
      admin.person.id,
    ]);
    expect((await local.api.call('GET', `/partner-contacts/${outsider}`)).body.portal).toMatchObject({ enabled: true });

    // Staff make a second admin in the organization: neither admin changes the other, nor themself.
    const second = await onboarding.onboard({
      organizationId: admin.organizationId,
      portal: { partnerAdmin: true, components: adminComponents },
    });
    expect((await admin.call('PATCH', `/portal/colleagues/${second.person.id}`, { enabled: false })).status).toBe(403);
    expect((await admin.call('PATCH', `/portal/colleagues/${admin.person.id}`, { enabled: false })).status).toBe(403);
    expect((await local.api.call('GET', `/partner-contacts/${second.person.id}`)).body.portal).toMatchObject({
      enabled: true,
    });
  });
});

describe('who may act as a partner admin', () => {
  it('refuses a partner contact staff did not flag, and a customer contact (403)', async () => {
    const admin = await partnerAdmin();
    const colleague = await onboarding.onboard({ organizationId: admin.organizationId });
    const customer = await onboarding.onboard({ module: 'contacts' });
    for (const person of [colleague, customer]) {
      expect((await person.call('GET', '/portal/me')).body.partnerAdmin).toBe(false);
      expect((await person.call('GET', '/portal/colleagues')).status).toBe(403);
      expect((await person.call('POST', '/portal/colleagues', invitation())).status).toBe(403);
      expect((await person.call('PATCH', `/portal/colleagues/${admin.person.id}`, { enabled: false })).status).toBe(
        403,
      );
    }
    // partnerAdmin is a partner contact's setting only.
    expect(
      (await local.api.call('PATCH', `/contacts/${customer.person.id}`, { portal: { partnerAdmin: true } })).status,
    ).toBe(400);
  });

  it('stops the admin once staff set the organization Inactive (403), and nothing is written', async () => {
    const admin = await partnerAdmin();
    const id = (await admin.call('POST', '/portal/colleagues', invitation())).body.id as string;
    await local.api.call('PATCH', `/partner-organizations/${admin.organizationId}`, { partnerStatus: 'Inactive' });
    const email = uniqueEmail('inactive');
    expect((await admin.call('GET', '/portal/colleagues')).status).toBe(403);
    expect((await admin.call('POST', '/portal/colleagues', invitation(email))).status).toBe(403);
    expect((await admin.call('PATCH', `/portal/colleagues/${id}`, { enabled: false })).status).toBe(403);
    expect((await admin.call('POST', `/portal/colleagues/${id}/invitations`)).status).toBe(403);
    expect((await local.api.call('GET', `/partner-contacts?email=${encodeURIComponent(email)}`)).body.items).toEqual(
      [],
    );
    expect((await local.api.call('GET', `/partner-contacts/${id}`)).body.portal).toMatchObject({ enabled: true });
    expect((await historyOf(id)).filter((entry) => entry.event === 'portalDisabled')).toEqual([]);
  });
});
