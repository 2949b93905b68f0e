import { createHash, randomUUID } from 'node:crypto';
import { waitFor } from '../../infra/local/managed-process';
import { refusalMessage } from '../../shared/portal/portal-session';
import { jwtClaims } from '../support/hosted-login';
import { temporaryPasswordIn } from '../support/mailbox';
import { apiClient, type ApiResponse } from '../support/staff-api';
import { cognitoLocalSigningKey, signJwt, staffAccessToken, strangerKey } from '../support/tokens';
import { localStackContext } from '../support/local-stack-context';
import { portalOnboarding, type OnboardedPerson } from '../support/portal-onboarding';

/**
 * The portal end to end on the local stack: staff give a person portal access → the invitation in the local
 * mailbox → first sign-in with the temporary password and the new-password challenge → the hosted login
 * (authorization code + PKCE) → the portal API with the tokens it gave.
 */
jest.setTimeout(60_000);

type Json = Record<string, unknown>;
type Page = { items: Json[]; nextCursor: string | null };

const local = localStackContext();
let onboarding: ReturnType<typeof portalOnboarding>;
beforeAll(() => {
  onboarding = portalOnboarding(local.outputs, local.api);
});
afterAll(() => onboarding.close());

const short = () => randomUUID().slice(0, 8);
const uniqueEmail = (name: string) => `${name}.${short()}@example.com`;
const newPassword = () => `New#Passw0rd-${short()}`;

/** Dates are compared in the deployment's time zone: the local stack runs in UTC. */
const dayOffset = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
const today = () => dayOffset(0);

/** What every refused portal request answers, whatever the reason (no hint of why). */
const refusal = { type: '/problems/forbidden', title: 'Forbidden', status: 403, detail: refusalMessage };
const withoutCorrelation = ({ correlationId: _id, ...rest }: Json) => rest;

/** Names of internal attributes that must never reach a portal user (nor staff, for the hash). */
const internalKey = /^(pk|sk|gsi\d+(pk|sk)|pinHash|version|linkCount)$/;
function internalKeysIn(value: unknown, path = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => internalKeysIn(item, `${path}[${index}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([name, inner]) => [
    ...(internalKey.test(name) ? [`${path}/${name}`] : []),
    ...internalKeysIn(inner, `${path}/${name}`),
  ]);
}

function portalCall<T = Json>(
  token: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiResponse<T>> {
  return apiClient(local.outputs.ApiUrl, token)<T>(method, path, body, headers);
}

interface AccessView {
  status: string;
  effective: boolean;
  lastSignInAt?: string;
  activatedAt?: string;
  history: { event: string; actor: string; detail?: Json }[];
}

async function accessOf(module: string, id: string): Promise<AccessView> {
  const response = await local.api.call<AccessView>('GET', `/${module}/${id}/portal-access`);
  expect(response.status).toBe(200);
  return response.body;
}

type PortalUser = OnboardedPerson;

async function activePartnerOrganization(name = `Partner ${short()}`) {
  return local.api.create('partner-organizations', { name, partnerStatus: 'Active' });
}

/** The whole way in (tests/support/portal-onboarding.ts), where the first sign-in itself gives tokens. */
async function onboard(options: Parameters<typeof onboarding.onboard>[0] = {}): Promise<PortalUser> {
  const user = await onboarding.onboard(options);
  expect(user.firstSignIn.AuthenticationResult?.AccessToken).toEqual(expect.any(String));
  return user;
}

const ids = (items: readonly Json[]) => items.map((item) => item.id as string);

describe('signing in', () => {
  it('first sign-in makes the access active with lastSignInAt; the hosted sign-in updates lastSignInAt', async () => {
    const organization = await activePartnerOrganization();
    const email = uniqueEmail('first');
    const person = await local.api.create('partner-contacts', {
      firstName: 'Fay',
      lastName: 'First',
      email,
      organizationId: organization.id,
      portal: { enabled: true },
    });
    const [invitation] = await local.mail.waitFor(email);
    let beforeFirst: AccessView | undefined;
    await waitFor(
      async () => (beforeFirst = await accessOf('partner-contacts', person.id)).status === 'invited',
      20_000,
      `${person.id} to be invited`,
    );
    expect(beforeFirst!.lastSignInAt).toBeUndefined();
    const password = newPassword();
    await local.users.firstSignIn(email, temporaryPasswordIn(invitation!), password);

    const afterFirst = await accessOf('partner-contacts', person.id);
    expect(afterFirst).toMatchObject({ status: 'active', lastSignInAt: expect.any(String) });
    expect(afterFirst.history).toContainEqual(
      expect.objectContaining({ event: 'statusChanged', actor: 'sign-in', detail: { from: 'invited', to: 'active' } }),
    );

    await new Promise((resolve) => setTimeout(resolve, 20));
    const tokens = await local.hosted.signIn(email, password);
    const afterHosted = await accessOf('partner-contacts', person.id);
    expect(Date.parse(afterHosted.lastSignInAt!)).toBeGreaterThan(Date.parse(afterFirst.lastSignInAt!));

    // The tokens name the person (access token's username; ID token's claims from the gate).
    expect(jwtClaims(tokens.accessToken)).toMatchObject({
      username: person.id,
      client_id: local.outputs.PortalClientId,
    });
    expect(jwtClaims(tokens.idToken)).toMatchObject({
      portal_person_id: person.id,
      portal_module: 'partner-contacts',
    });
    const me = await portalCall(tokens.accessToken, 'GET', '/portal/me');
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(person.id);
  });

  it('signs in through the hosted login with the portal username too', async () => {
    const username = `user-${short()}`;
    const user = await onboard({ portal: { username } });
    const tokens = await local.hosted.signIn(username, user.password);
    expect(jwtClaims(tokens.accessToken).username).toBe(user.person.id);
    // A wrong password never reaches the callback.
    await expect(local.hosted.signIn(username, `${user.password}x`)).rejects.toMatchObject({ step: 'sign-in' });
  });
});

describe('what a portal user sees', () => {
  let partner: PortalUser;
  let customer: PortalUser;
  let sameOrganizationContact: Json & { id: string };
  let otherPartnerContact: Json & { id: string };
  let customerOrganization: Json & { id: string };
  let otherCustomerContact: Json & { id: string };
  const tickets: Record<string, Json & { id: string }> = {};

  beforeAll(async () => {
    const partnerOrganization = await activePartnerOrganization();
    const otherPartnerOrganization = await activePartnerOrganization();
    customerOrganization = await local.api.create('organizations', { name: `Customer ${short()}` });
    [partner, customer, sameOrganizationContact, otherPartnerContact, otherCustomerContact] = await Promise.all([
      onboard({ organizationId: partnerOrganization.id }),
      onboard({ module: 'contacts', organizationId: customerOrganization.id }),
      local.api.create('partner-contacts', { lastName: 'Colleague', organizationId: partnerOrganization.id }),
      local.api.create('partner-contacts', { lastName: 'Stranger', organizationId: otherPartnerOrganization.id }),
      local.api.create('contacts', { lastName: 'Coworker', organizationId: customerOrganization.id }),
    ]);
    const create = async (name: string, fields: Json) =>
      (tickets[name] = await local.api.create('tickets', { title: `${name} ${short()}`, ...fields }));
    await Promise.all([
      create('linked', { contactId: partner.person.id, showOnPortal: true }),
      create('hidden', { contactId: partner.person.id, showOnPortal: false }),
      create('unsetVisibility', { contactId: partner.person.id }),
      create('colleague', { contactId: sameOrganizationContact.id, showOnPortal: true }),
      create('organization', { organizationId: partnerOrganization.id, showOnPortal: true }),
      create('otherPartner', { contactId: otherPartnerContact.id, showOnPortal: true }),
      create('otherPartnerOrganization', { organizationId: otherPartnerOrganization.id, showOnPortal: true }),
      create('customer', { contactId: customer.person.id, showOnPortal: true }),
      create('customerHidden', { contactId: customer.person.id, showOnPortal: false }),
      // Linked to the customer contact and filed under its customer organization: the contact sees it.
      create('customerWithOrganization', {
        contactId: customer.person.id,
        organizationId: customerOrganization.id,
        showOnPortal: true,
      }),
      create('customerOrganization', { organizationId: customerOrganization.id, showOnPortal: true }),
      create('coworker', {
        contactId: otherCustomerContact.id,
        organizationId: customerOrganization.id,
        showOnPortal: true,
      }),
    ]);
  });

  it('lists only records linked to the person and shown on the portal; hidden ones are absent', async () => {
    const list = await customer.call<Page>('GET', '/portal/tickets');
    expect(list.status).toBe(200);
    expect(ids(list.body.items).sort()).toEqual([tickets.customer!.id, tickets.customerWithOrganization!.id].sort());
    expect(list.body.nextCursor).toBeNull();
    // The portal view: the record's own fields, no storage keys, no staff bookkeeping.
    expect(list.body.items.find((item) => item.id === tickets.customer!.id)).toMatchObject({
      title: tickets.customer!.title,
    });
    expect(internalKeysIn(list.body.items)).toEqual([]);
    for (const item of list.body.items) {
      expect(item).not.toHaveProperty('createdBy');
      expect(item).not.toHaveProperty('showOnPortal');
    }

    const one = await customer.call('GET', `/portal/tickets/${tickets.customer!.id}`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id: tickets.customer!.id, contactId: customer.person.id });
    expect(internalKeysIn(one.body)).toEqual([]);
    expect((await customer.call('GET', `/portal/tickets/${tickets.customerHidden!.id}`)).status).toBe(404);
    expect((await customer.call('GET', `/portal/tickets/${tickets.customerWithOrganization!.id}`)).status).toBe(200);
  });

  it("shows a partner contact its organization's records, including those of another partner contact of it", async () => {
    // The record service files a partner contact's record under its organization too.
    const colleagueTicket = await local.api.call('GET', `/tickets/${tickets.colleague!.id}`);
    expect(colleagueTicket.body.organizationId).toBe(partner.person.organizationId);

    const list = await partner.call<Page>('GET', '/portal/tickets');
    expect(list.status).toBe(200);
    expect(ids(list.body.items).sort()).toEqual(
      [tickets.linked!.id, tickets.colleague!.id, tickets.organization!.id].sort(),
    );
    for (const name of ['linked', 'colleague', 'organization'])
      expect((await partner.call('GET', `/portal/tickets/${tickets[name]!.id}`)).status).toBe(200);
    for (const name of ['hidden', 'unsetVisibility'])
      expect((await partner.call('GET', `/portal/tickets/${tickets[name]!.id}`)).status).toBe(404);
  });

  it("shows a customer contact only records linked to it, not its customer organization's", async () => {
    const list = await customer.call<Page>('GET', '/portal/tickets');
    expect(ids(list.body.items)).not.toContain(tickets.customerOrganization!.id);
    expect(ids(list.body.items)).not.toContain(tickets.coworker!.id);
    for (const name of ['customerOrganization', 'coworker'])
      expect((await customer.call('GET', `/portal/tickets/${tickets[name]!.id}`)).status).toBe(404);
  });

  it("never shows another person's records: absent from the list, 404 (not 403) by id", async () => {
    const list = await partner.call<Page>('GET', '/portal/tickets');
    const foreign = ['otherPartner', 'otherPartnerOrganization', 'customer', 'customerOrganization', 'coworker'];
    for (const name of foreign) {
      expect(ids(list.body.items)).not.toContain(tickets[name]!.id);
      const one = await partner.call('GET', `/portal/tickets/${tickets[name]!.id}`);
      expect(one.status).toBe(404);
      expect(JSON.stringify(one.body)).not.toContain(tickets[name]!.title as string);
    }
    // The customer's record to the partner, the partner's to the customer: same answer as a record that does not exist.
    const missing = await partner.call('GET', `/portal/tickets/tkt_${randomUUID()}`);
    const foreignOne = await partner.call('GET', `/portal/tickets/${tickets.customer!.id}`);
    expect(missing.status).toBe(404);
    expect(foreignOne.body.title).toBe(missing.body.title);
    expect((await customer.call('GET', `/portal/tickets/${tickets.linked!.id}`)).status).toBe(404);
    // A record id of another module through this module's route does not leak either.
    expect((await customer.call('GET', `/portal/invoices/${tickets.customer!.id}`)).status).toBe(404);
  });

  it('limits modules to the portal components: a module outside them is 403, one inside is 200', async () => {
    const limited = await onboard({ portal: { components: ['tickets'] } });
    await local.api.create('invoices', { subject: 'Limited', contactId: limited.person.id, showOnPortal: true });
    const inside = await limited.call<Page>('GET', '/portal/tickets');
    expect(inside.status).toBe(200);
    const outside = await limited.call('GET', '/portal/invoices');
    expect(outside.status).toBe(403);
    expect(outside.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const me = await limited.call('GET', '/portal/me');
    expect(me.body.components).toEqual(['tickets']);
    // Not a portal module at all, or not a module: no such section.
    expect((await limited.call('GET', '/portal/organizations')).status).toBe(404);
    expect((await limited.call('GET', '/portal/nonsense')).status).toBe(404);
  });

  it('pages through the list with limit and cursor, without gaps or repeats; a tampered cursor is 400', async () => {
    const organizationId = partner.person.organizationId as string;
    const created: string[] = [];
    for (let index = 0; index < 5; index++) {
      const document = await local.api.create('documents', {
        title: `Doc ${index}`,
        organizationId,
        showOnPortal: true,
      });
      created.push(document.id);
    }
    await local.api.create('documents', { title: 'Hidden doc', organizationId, showOnPortal: false });

    const seen: string[] = [];
    const pageSizes: number[] = [];
    let cursor: string | null = null;
    let firstCursor: string | undefined;
    do {
      const query: string = cursor ? `?limit=2&cursor=${encodeURIComponent(cursor)}` : '?limit=2';
      const page: ApiResponse<Page> = await partner.call<Page>('GET', `/portal/documents${query}`);
      expect(page.status).toBe(200);
      pageSizes.push(page.body.items.length);
      seen.push(...ids(page.body.items));
      cursor = page.body.nextCursor;
      firstCursor ??= cursor ?? undefined;
    } while (cursor && seen.length < 20);
    expect(pageSizes.slice(0, 2)).toEqual([2, 2]);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual([...created].sort());
    // Newest first.
    expect(seen).toEqual([...created].reverse());

    // A cursor pointed at someone else's portal list.
    const decoded = JSON.parse(Buffer.from(firstCursor!, 'base64url').toString('utf8')) as Record<string, string>;
    const portalKey = Object.keys(decoded).find((name) => decoded[name]!.startsWith('PORTAL#'))!;
    expect(portalKey).toBeDefined();
    const stolen = Buffer.from(
      JSON.stringify({ ...decoded, [portalKey]: `PORTAL#${customer.person.id}#documents` }),
    ).toString('base64url');
    const tampered = await partner.call('GET', `/portal/documents?limit=2&cursor=${stolen}`);
    expect(tampered.status).toBe(400);
    const garbage = await partner.call('GET', '/portal/documents?limit=2&cursor=not-a-cursor');
    expect(garbage.status).toBe(400);
    const extraKey = Buffer.from(JSON.stringify({ ...decoded, other: 'x' })).toString('base64url');
    expect((await partner.call('GET', `/portal/documents?cursor=${extraKey}`)).status).toBe(400);
  });

  it('follows staff edits of showOnPortal: unticked it leaves the list and answers 404, ticked it is back', async () => {
    const quote = await local.api.create('quotes', {
      subject: `Quote ${short()}`,
      contactId: customer.person.id,
      showOnPortal: true,
    });
    const listed = async () => ids((await customer.call<Page>('GET', '/portal/quotes')).body.items);
    expect(await listed()).toEqual([quote.id]);

    expect((await local.api.call('PATCH', `/quotes/${quote.id}`, { showOnPortal: false })).status).toBe(200);
    expect(await listed()).toEqual([]);
    expect((await customer.call('GET', `/portal/quotes/${quote.id}`)).status).toBe(404);

    expect((await local.api.call('PATCH', `/quotes/${quote.id}`, { showOnPortal: true })).status).toBe(200);
    expect(await listed()).toEqual([quote.id]);
    expect((await customer.call('GET', `/portal/quotes/${quote.id}`)).status).toBe(200);
  });

  it('validates the page size: limit must be a whole number from 1', async () => {
    for (const limit of ['0', '-1', 'abc', '1.5'])
      expect({ limit, status: (await partner.call('GET', `/portal/tickets?limit=${limit}`)).status }).toEqual({
        limit,
        status: 400,
      });
    expect((await partner.call('GET', '/portal/tickets?limit=1')).body.items).toHaveLength(1);
  });
});

describe('GET /portal/me', () => {
  it('answers the profile, organization name, components, e-sign settings and support window, no internal keys', async () => {
    const organization = await activePartnerOrganization(`Acme Partners ${short()}`);
    const start = dayOffset(-3);
    const end = dayOffset(30);
    const user = await onboard({
      organizationId: organization.id,
      fields: { firstName: 'Mia', lastName: 'Meyer', phone: '+49 30 1234567', title: 'Buyer' },
      portal: {
        supportStartDate: start,
        supportEndDate: end,
        canESign: true,
        pinReset: true,
        components: ['tickets', 'sales-orders'],
      },
    });
    const me = await user.call('GET', '/portal/me');
    expect(me.status).toBe(200);
    expect(me.headers.get('cache-control')).toBe('no-store');
    expect(me.body).toMatchObject({
      id: user.person.id,
      firstName: 'Mia',
      lastName: 'Meyer',
      email: user.email,
      phone: '+49 30 1234567',
      title: 'Buyer',
      organizationName: organization.name,
      components: ['tickets', 'sales-orders'],
      canESign: true,
      pinReset: true,
      hasPin: false,
      supportStartDate: start,
      supportEndDate: end,
    });
    expect(internalKeysIn(me.body)).toEqual([]);
    expect(JSON.stringify(me.body)).not.toMatch(/gsi\d|"pk"|"sk"|pinHash|"version"/);

    // A customer contact gets its customer organization's name.
    const customerOrganization = await local.api.create('organizations', { name: `Customer Org ${short()}` });
    const customer = await onboard({ module: 'contacts', organizationId: customerOrganization.id });
    const customerMe = await customer.call('GET', '/portal/me');
    expect(customerMe.body).toMatchObject({
      id: customer.person.id,
      organizationName: customerOrganization.name,
      canESign: false,
      pinReset: false,
      hasPin: false,
      supportStartDate: null,
      supportEndDate: null,
    });
    expect(internalKeysIn(customerMe.body)).toEqual([]);
  });
});

/** Sign-in refused by the access gate: the same message whatever the reason. */
async function expectSignInRefused(user: PortalUser) {
  const refused = await local.users.signIn(user.email, user.password).then(
    () => undefined,
    (error: Error) => error,
  );
  expect(refused).toBeDefined();
  expect(refused!.message).toContain(refusalMessage);
  return refused!;
}

function refusalsIn(view: AccessView) {
  return view.history.filter((entry) => entry.event === 'signInRefused').map((entry) => entry.detail ?? {});
}

describe('support window', () => {
  it('before the window starts: sign-in, refresh and the next request are refused', async () => {
    const user = await onboard({ portal: { supportStartDate: dayOffset(-10), supportEndDate: dayOffset(10) } });
    // Positive controls.
    expect((await user.call('GET', '/portal/me')).status).toBe(200);
    expect((await local.hosted.refresh(user.tokens.refreshToken!)).accessToken).toEqual(expect.any(String));

    const patched = await local.api.call('PATCH', `/partner-contacts/${user.person.id}`, {
      portal: { supportStartDate: dayOffset(1), supportEndDate: dayOffset(30) },
    });
    expect(patched.status).toBe(200);

    const next = await user.call('GET', '/portal/me');
    expect(next.status).toBe(403);
    expect(withoutCorrelation(next.body)).toEqual(refusal);
    await expect(local.hosted.refresh(user.tokens.refreshToken!)).rejects.toMatchObject({ step: 'refresh' });
    await expectSignInRefused(user);
    // The hosted login refuses at the form, before the password is checked (pre authentication).
    await expect(local.hosted.signIn(user.email, user.password)).rejects.toMatchObject({ step: 'sign-in' });

    const refusals = refusalsIn(await accessOf('partner-contacts', user.person.id));
    expect(refusals).toEqual(
      expect.arrayContaining([
        { reason: 'outsideSupportWindow', trigger: 'TokenGeneration_RefreshTokens' },
        { reason: 'outsideSupportWindow', trigger: 'PreAuthentication_Authentication' },
      ]),
    );
    // Both sign-ins (API and hosted login) were refused before any token was issued.
    expect(refusals.filter((refusal) => refusal.trigger === 'PreAuthentication_Authentication')).toHaveLength(2);
  });

  it('after the window ends: sign-in, refresh and the next request are refused', async () => {
    const user = await onboard({ portal: { supportStartDate: dayOffset(-30), supportEndDate: dayOffset(5) } });
    expect((await user.call('GET', '/portal/me')).status).toBe(200);
    expect((await local.hosted.refresh(user.tokens.refreshToken!)).accessToken).toEqual(expect.any(String));

    const patched = await local.api.call('PATCH', `/partner-contacts/${user.person.id}`, {
      portal: { supportEndDate: dayOffset(-1) },
    });
    expect(patched.status).toBe(200);

    const next = await user.call('GET', '/portal/tickets');
    expect(next.status).toBe(403);
    expect(withoutCorrelation(next.body)).toEqual(refusal);
    await expect(local.hosted.refresh(user.tokens.refreshToken!)).rejects.toMatchObject({ step: 'refresh' });
    await expectSignInRefused(user);

    const refusals = refusalsIn(await accessOf('partner-contacts', user.person.id));
    expect(refusals).toEqual(
      expect.arrayContaining([
        { reason: 'outsideSupportWindow', trigger: 'TokenGeneration_RefreshTokens' },
        { reason: 'outsideSupportWindow', trigger: 'PreAuthentication_Authentication' },
      ]),
    );
  });

  it('is inclusive at both ends: a window of today alone works for sign-in, refresh and requests', async () => {
    const user = await onboard({ portal: { supportStartDate: today(), supportEndDate: today() } });
    const me = await user.call('GET', '/portal/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ supportStartDate: today(), supportEndDate: today() });
    const refreshed = await local.hosted.refresh(user.tokens.refreshToken!);
    expect((await portalCall(refreshed.accessToken, 'GET', '/portal/tickets')).status).toBe(200);
    expect((await local.users.signIn(user.email, user.password)).AuthenticationResult?.AccessToken).toEqual(
      expect.any(String),
    );
    expect(refusalsIn(await accessOf('partner-contacts', user.person.id))).toEqual([]);
  });
});

describe('taking access away takes effect at once', () => {
  it('deactivating the partner organization: the next request and the next refresh are refused', async () => {
    const user = await onboard();
    const organizationId = user.person.organizationId as string;
    const refreshed = await local.hosted.refresh(user.tokens.refreshToken!);
    expect((await portalCall(refreshed.accessToken, 'GET', '/portal/me')).status).toBe(200);

    const patched = await local.api.call('PATCH', `/partner-organizations/${organizationId}`, {
      partnerStatus: 'Inactive',
    });
    expect(patched.status).toBe(200);
    const next = await user.call('GET', '/portal/me');
    expect(next.status).toBe(403);
    expect(withoutCorrelation(next.body)).toEqual(refusal);
    await expect(local.hosted.refresh(user.tokens.refreshToken!)).rejects.toMatchObject({ step: 'refresh' });
    // cognito-local lets disabled logins sign in: the gate alone refuses, with the same message.
    const refused = await expectSignInRefused(user);
    expect(refused.message).not.toMatch(/organi[sz]ation|inactive|partner/i);

    const view = await accessOf('partner-contacts', user.person.id);
    expect(refusalsIn(view)).toContainEqual(expect.objectContaining({ reason: 'organizationInactive' }));

    // Active again: the same access token works on the next request.
    await local.api.call('PATCH', `/partner-organizations/${organizationId}`, { partnerStatus: 'Active' });
    expect((await user.call('GET', '/portal/me')).status).toBe(200);
  });

  it('unticking the portal flag: the next request and the next refresh are refused, with the same message', async () => {
    const user = await onboard();
    const refreshed = await local.hosted.refresh(user.tokens.refreshToken!);
    expect((await portalCall(refreshed.accessToken, 'GET', '/portal/tickets')).status).toBe(200);

    const patched = await local.api.call('PATCH', `/partner-contacts/${user.person.id}`, {
      portal: { enabled: false },
    });
    expect(patched.status).toBe(200);
    for (const path of ['/portal/me', '/portal/tickets']) {
      const next = await user.call('GET', path);
      expect(next.status).toBe(403);
      expect(withoutCorrelation(next.body)).toEqual(refusal);
    }
    expect((await user.call('PUT', '/portal/pin', { newPin: '1234' })).status).toBe(403);
    await expect(local.hosted.refresh(user.tokens.refreshToken!)).rejects.toMatchObject({ step: 'refresh' });
    const refused = await expectSignInRefused(user);
    expect(refused.message).not.toMatch(/disabled|enabled|flag/i);

    const view = await accessOf('partner-contacts', user.person.id);
    expect(refusalsIn(view)).toContainEqual(expect.objectContaining({ reason: 'portalDisabled' }));
  });

  it('a refused session answers 403 before anything read beside it: a bad cursor, a foreign ticket, a section', async () => {
    // A customer's reads start with their own record's read, a partner's with their organization's.
    const [customer, partner] = await Promise.all([onboard({ module: 'contacts' }), onboard()]);
    const ticket = await local.api.create('tickets', {
      title: `Theirs ${short()}`,
      contactId: customer.person.id,
      showOnPortal: true,
    });
    const comment = await local.api.call('POST', `/tickets/${ticket.id}/comments`, { body: 'A reply from staff' });
    expect(comment.status).toBe(201);
    const requests = [
      '/portal/tickets',
      '/portal/tickets?cursor=not-a-cursor',
      `/portal/tickets/${ticket.id}`,
      `/portal/tickets/${ticket.id}/comments`,
      `/portal/tickets/${ticket.id}/comments?cursor=bogus`,
      '/portal/no-such-section',
      '/portal/overview',
      '/portal/leads?cursor=bogus',
      '/portal/colleagues?cursor=bogus',
    ];
    for (const user of [customer, partner]) {
      expect((await user.call('GET', '/portal/overview')).status).toBe(200);
      const module = user === customer ? 'contacts' : 'partner-contacts';
      const patched = await local.api.call('PATCH', `/${module}/${user.person.id}`, { portal: { enabled: false } });
      expect(patched.status).toBe(200);
      // At once: the reads race the re-check, and the answer must not depend on which ends first.
      const answers = await Promise.all(requests.map((path) => user.call('GET', path)));
      for (const [index, answer] of answers.entries()) {
        expect({ path: requests[index], status: answer.status }).toEqual({ path: requests[index], status: 403 });
        expect(withoutCorrelation(answer.body)).toEqual(refusal);
      }
    }
  });

  it("a held session's own checks (the section, partner, admin) answer before what a read beside it met", async () => {
    const [customer, partner] = await Promise.all([
      onboard({ module: 'contacts', portal: { components: ['tickets'] } }),
      onboard({ portal: { components: ['tickets'] } }),
    ]);
    const refusals: [PortalUser, string, RegExp][] = [
      [customer, '/portal/invoices?cursor=not-a-cursor', /does not include invoices/],
      [customer, '/portal/leads?cursor=bogus', /Only partners/],
      [customer, '/portal/colleagues?cursor=bogus', /Only a partner admin/],
      [partner, '/portal/leads?cursor=bogus', /does not include leads/],
      [partner, '/portal/colleagues?cursor=bogus', /Only a partner admin/],
    ];
    const answers = await Promise.all(refusals.map(([user, path]) => user.call('GET', path)));
    for (const [index, answer] of answers.entries()) {
      const [, path, detail] = refusals[index]!;
      expect({ path, status: answer.status }).toEqual({ path, status: 403 });
      expect(answer.body.detail).toMatch(detail);
    }
    // With the right components the same bad cursor is the 400 it always was.
    expect((await customer.call('GET', '/portal/tickets?cursor=not-a-cursor')).status).toBe(400);
  });

  it('deleting the person: the next request is refused with the same message', async () => {
    const user = await onboard();
    expect((await user.call('GET', '/portal/me')).status).toBe(200);
    expect((await local.api.call('DELETE', `/partner-contacts/${user.person.id}`)).status).toBe(204);
    const next = await user.call('GET', '/portal/me');
    expect(next.status).toBe(403);
    expect(withoutCorrelation(next.body)).toEqual(refusal);
  });
});

describe('PIN', () => {
  it('sets a first PIN only when the person can e-sign', async () => {
    const [cannot, can] = await Promise.all([
      onboard({ portal: { canESign: false } }),
      onboard({ portal: { canESign: true } }),
    ]);
    const refused = await cannot.call('PUT', '/portal/pin', { newPin: '4821' });
    expect(refused.status).toBe(403);
    expect((await cannot.call('GET', '/portal/me')).body.hasPin).toBe(false);

    expect((await can.call('GET', '/portal/me')).body.hasPin).toBe(false);
    expect((await can.call('PUT', '/portal/pin', { newPin: '4821' })).status).toBe(204);
    expect((await can.call('GET', '/portal/me')).body.hasPin).toBe(true);

    // Staff see that a PIN exists, never the PIN or its hash.
    const staffView = await local.api.call('GET', `/partner-contacts/${can.person.id}`);
    expect(staffView.body.portal).toMatchObject({ hasPin: true });
    const serialized = JSON.stringify(staffView.body);
    expect(serialized).not.toMatch(/pinHash|scrypt|"pin"/);
    expect(serialized).not.toContain('4821');
    expect((await local.api.call('GET', `/partner-contacts/${cannot.person.id}`)).body.portal).toMatchObject({
      hasPin: false,
    });

    // Staff edits of the person keep the PIN; only an explicit `pin: null` clears it.
    expect((await local.api.call('PATCH', `/partner-contacts/${can.person.id}`, { title: 'Buyer' })).status).toBe(200);
    expect(
      (await local.api.call('PATCH', `/partner-contacts/${can.person.id}`, { portal: { pinReset: true } })).status,
    ).toBe(200);
    expect((await can.call('GET', '/portal/me')).body).toMatchObject({ hasPin: true, pinReset: true });
    expect((await can.call('PUT', '/portal/pin', { currentPin: '4821', newPin: '4822' })).status).toBe(204);
    expect(
      (await local.api.call('PATCH', `/partner-contacts/${can.person.id}`, { portal: { pin: null } })).status,
    ).toBe(200);
    expect((await can.call('GET', '/portal/me')).body.hasPin).toBe(false);
  });

  it('changes an existing PIN only when PIN reset is on and the current PIN is right', async () => {
    const [noReset, reset] = await Promise.all([
      onboard({ portal: { canESign: true, pinReset: false } }),
      onboard({ portal: { canESign: true, pinReset: true } }),
    ]);
    expect((await noReset.call('PUT', '/portal/pin', { newPin: '1111' })).status).toBe(204);
    expect((await noReset.call('PUT', '/portal/pin', { currentPin: '1111', newPin: '2222' })).status).toBe(403);

    expect((await reset.call('PUT', '/portal/pin', { newPin: '1111' })).status).toBe(204);
    const wrong = await reset.call('PUT', '/portal/pin', { currentPin: '9999', newPin: '2222' });
    expect(wrong.status).toBe(403);
    expect((await reset.call('PUT', '/portal/pin', { newPin: '2222' })).status).toBe(403);
    expect((await reset.call('PUT', '/portal/pin', { currentPin: '1111', newPin: '2222' })).status).toBe(204);
    // The old PIN is gone, the new one is current.
    expect((await reset.call('PUT', '/portal/pin', { currentPin: '1111', newPin: '3333' })).status).toBe(403);
    expect((await reset.call('PUT', '/portal/pin', { currentPin: '2222', newPin: '3333' })).status).toBe(204);
  });

  it('accepts 4 to 8 digits only (400 otherwise)', async () => {
    const user = await onboard({ portal: { canESign: true, pinReset: true } });
    for (const newPin of ['123', '123456789', 'abcd', '12 34', '１２３４', '', 1234]) {
      const response = await user.call('PUT', '/portal/pin', { newPin });
      expect({ newPin, status: response.status }).toEqual({ newPin, status: 400 });
    }
    expect((await user.call('PUT', '/portal/pin', { newPin: '1234', extra: true })).status).toBe(400);
    expect((await user.call('GET', '/portal/me')).body.hasPin).toBe(false);
    expect((await user.call('PUT', '/portal/pin', { newPin: '12345678' })).status).toBe(204);
    expect((await user.call('PUT', '/portal/pin', { currentPin: '12345678', newPin: '0000' })).status).toBe(204);
  });
});

/** SHA-256 (hex) of a sales order's signed content: subject, currency, lines and total, in that order. */
function contentHashOf(order: Json): string {
  const lines = (order.lineItems ?? []) as { description: string; quantity: number; unitPrice: number }[];
  const content = {
    subject: order.subject ?? null,
    currency: order.currency ?? null,
    lineItems: lines.map(({ description, quantity, unitPrice }) => ({ description, quantity, unitPrice })),
    total: order.total ?? null,
  };
  return createHash('sha256').update(JSON.stringify(content)).digest('hex');
}

describe('signing sales orders', () => {
  const lines = [
    { description: 'Widget', quantity: 3, unitPrice: 19.99 },
    { description: 'Setup', quantity: 1, unitPrice: 250 },
  ];
  const pin = '2468';

  async function signer(portal: Json = {}) {
    const user = await onboard({
      fields: { firstName: 'Sam', lastName: `Signer ${short()}` },
      portal: { canESign: true, ...portal },
    });
    if (portal.canESign !== false) expect((await user.call('PUT', '/portal/pin', { newPin: pin })).status).toBe(204);
    return user;
  }
  const orderFor = (user: PortalUser, extra: Json = {}) =>
    local.api.create('sales-orders', {
      subject: `Order ${short()}`,
      currency: 'EUR',
      contactId: user.person.id,
      showOnPortal: true,
      lineItems: lines,
      ...extra,
    });
  const sign = (user: PortalUser, orderId: string, given: string, headers: Record<string, string> = {}) =>
    user.call('POST', `/portal/sales-orders/${orderId}/signature`, { pin: given }, headers);

  it('signs with the right PIN: 201, and staff see who, when, from where and a hash of what; signing again is 409', async () => {
    const user = await signer();
    const order = await orderFor(user);
    const signed = await sign(user, order.id, pin, { 'user-agent': 'PorticoTest/1.0 (signing)' });
    expect(signed.status).toBe(201);

    const staffView = await local.api.call('GET', `/sales-orders/${order.id}`);
    expect(staffView.status).toBe(200);
    const signature = staffView.body.signature as Json;
    expect(signature).toEqual({
      status: 'valid',
      signedBy: {
        id: user.person.id,
        name: `Sam ${user.person.lastName as string}`,
        email: user.email,
      },
      signedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      sourceIp: '127.0.0.1',
      userAgent: 'PorticoTest/1.0 (signing)',
      contentHash: contentHashOf(staffView.body),
    });
    expect(signature.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(Math.abs(Date.parse(signature.signedAt as string) - Date.now())).toBeLessThan(60_000);
    expect(signed.body).toEqual(signature);

    const again = await sign(user, order.id, pin);
    expect(again.status).toBe(409);
    expect((await local.api.call('GET', `/sales-orders/${order.id}`)).body.signature).toEqual(signature);
  });

  it('refuses a wrong PIN with 403 and the attempts left; the right PIN still works', async () => {
    const user = await signer();
    const order = await orderFor(user);
    const first = await sign(user, order.id, '1357');
    expect(first.status).toBe(403);
    expect(first.body.attemptsLeft).toBe(4);
    const second = await sign(user, order.id, '1358');
    expect(second.body.attemptsLeft).toBe(3);
    expect((await local.api.call('GET', `/sales-orders/${order.id}`)).body.signature).toBeUndefined();
    expect((await sign(user, order.id, pin)).status).toBe(201);
  });

  it('locks signing after 5 wrong PINs (423 with Retry-After), even for the right PIN', async () => {
    const user = await signer();
    const order = await orderFor(user);
    const statuses: number[] = [];
    let last: ApiResponse | undefined;
    for (let attempt = 0; attempt < 5; attempt++) {
      last = await sign(user, order.id, `9${attempt}00`);
      statuses.push(last.status);
    }
    expect(statuses).toEqual([403, 403, 403, 403, 423]);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    const right = await sign(user, order.id, pin);
    expect(right.status).toBe(423);
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(60);
    expect(Number(right.headers.get('retry-after'))).toBeLessThanOrEqual(15 * 60);
    expect((await local.api.call('GET', `/sales-orders/${order.id}`)).body.signature).toBeUndefined();
  });

  it('counts wrong current PINs of a PIN change toward the same lockout (no guessing around it)', async () => {
    const user = await signer({ pinReset: true });
    const order = await orderFor(user);
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 5; attempt++)
      statuses.push((await user.call('PUT', '/portal/pin', { currentPin: `7${attempt}11`, newPin: '1111' })).status);
    expect(statuses).toEqual([403, 403, 403, 403, 423]);
    expect((await sign(user, order.id, pin)).status).toBe(423);
    expect((await user.call('PUT', '/portal/pin', { currentPin: pin, newPin: '1111' })).status).toBe(423);
  });

  it('refuses signing when the person cannot e-sign (403), though they see the order', async () => {
    const user = await signer({ canESign: false });
    const order = await orderFor(user);
    expect((await user.call('GET', `/portal/sales-orders/${order.id}`)).status).toBe(200);
    expect((await sign(user, order.id, pin)).status).toBe(403);
    expect((await local.api.call('GET', `/sales-orders/${order.id}`)).body.signature).toBeUndefined();
  });

  it('marks the signature invalidated when staff change the lines; a change of something else keeps it valid', async () => {
    const user = await signer();
    const order = await orderFor(user);
    expect((await sign(user, order.id, pin)).status).toBe(201);
    const signed = (await local.api.call('GET', `/sales-orders/${order.id}`)).body.signature as Json;

    expect((await local.api.call('PATCH', `/sales-orders/${order.id}`, { status: 'Approved' })).status).toBe(200);
    const afterStatus = await local.api.call('GET', `/sales-orders/${order.id}`);
    expect(afterStatus.body.status).toBe('Approved');
    expect(afterStatus.body.signature).toEqual(signed);

    const edited = await local.api.call('PATCH', `/sales-orders/${order.id}`, {
      lineItems: [...lines, { description: 'Extra', quantity: 1, unitPrice: 10 }],
    });
    expect(edited.status).toBe(200);
    const afterLines = await local.api.call('GET', `/sales-orders/${order.id}`);
    expect(afterLines.body.signature).toMatchObject({
      status: 'invalidated',
      contentHash: signed.contentHash,
      signedBy: signed.signedBy,
      invalidatedAt: expect.any(String),
    });
    expect(contentHashOf(afterLines.body)).not.toBe(signed.contentHash);
    // Staff cannot write the signature themselves.
    expect(
      (await local.api.call('PATCH', `/sales-orders/${order.id}`, { signature: { ...signed, status: 'valid' } }))
        .status,
    ).toBe(400);
    // An invalidated signature can be replaced by a fresh one over the new content.
    const resigned = await sign(user, order.id, pin);
    expect(resigned.status).toBe(201);
    expect(resigned.body).toMatchObject({ status: 'valid', contentHash: contentHashOf(afterLines.body) });
  });

  it('answers 404 for an order the person cannot see (another person’s, hidden, or missing)', async () => {
    const [user, other] = await Promise.all([signer(), onboard()]);
    const othersOrder = await orderFor(other);
    const hiddenOrder = await orderFor(user, { showOnPortal: false });
    for (const id of [othersOrder.id, hiddenOrder.id, `so_${randomUUID()}`]) {
      const response = await sign(user, id, pin);
      expect({ id, status: response.status }).toEqual({ id, status: 404 });
    }
    for (const order of [othersOrder, hiddenOrder])
      expect((await local.api.call('GET', `/sales-orders/${order.id}`)).body.signature).toBeUndefined();
  });
});

describe('tokens', () => {
  let user: PortalUser;
  beforeAll(async () => {
    user = await onboard();
  });

  it('refuses a staff-pool access token on a portal route (401)', async () => {
    const staffToken = await staffAccessToken(local.outputs);
    expect((await local.api.call('GET', '/partner-organizations?limit=1')).status).toBe(200);
    expect((await portalCall(staffToken, 'GET', '/portal/me')).status).toBe(401);
    expect((await portalCall(staffToken, 'GET', '/portal/tickets')).status).toBe(401);
  });

  it('refuses a token signed with another key (401); the same claims with the real key pass', async () => {
    const claims = jwtClaims(user.tokens.accessToken);
    const now = Math.floor(Date.now() / 1000);
    const forgedClaims = { ...claims, iat: now, exp: now + 300, jti: randomUUID() };
    const { key, kid } = cognitoLocalSigningKey();
    expect((await portalCall(signJwt(forgedClaims, key, kid), 'GET', '/portal/me')).status).toBe(200);
    const forged = signJwt(forgedClaims, strangerKey(), kid);
    expect((await portalCall(forged, 'GET', '/portal/me')).status).toBe(401);
    expect((await portalCall('not-a-token', 'GET', '/portal/me')).status).toBe(401);
    const expired = signJwt({ ...forgedClaims, iat: now - 7200, exp: now - 3600 }, key, kid);
    expect((await portalCall(expired, 'GET', '/portal/me')).status).toBe(401);
    const anonymous = await fetch(`${local.outputs.ApiUrl}/portal/me`);
    expect(anonymous.status).toBe(401);
  });

  it('refuses a portal token on a staff route (401)', async () => {
    expect((await user.call('GET', '/portal/me')).status).toBe(200);
    expect((await local.api.call('GET', `/partner-contacts/${user.person.id}`)).status).toBe(200);
    expect((await user.call('GET', `/partner-contacts/${user.person.id}`)).status).toBe(401);
    expect((await user.call('GET', '/tickets')).status).toBe(401);
    expect((await user.call('PATCH', `/partner-contacts/${user.person.id}`, { title: 'Boss' })).status).toBe(401);
    expect((await user.call('GET', `/partner-contacts/${user.person.id}/portal-access`)).status).toBe(401);
  });
});
