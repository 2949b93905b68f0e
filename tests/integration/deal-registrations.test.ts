import { randomUUID } from 'node:crypto';
import { waitFor } from '../../infra/local/managed-process';
import { localStackContext } from '../support/local-stack-context';
import { portalOnboarding, type OnboardedPerson } from '../support/portal-onboarding';

/**
 * Deal registration on the local stack (issue 16): a partner contact with the `deal-registrations` component
 * registers a deal; its organization sees it; staff reject it (a reason required) or approve it, which assigns a
 * protected lead to the organization, once even under concurrent approvals; a registration naming another partner's
 * open registration or an existing lead is flagged to staff and never to the partner.
 */
jest.setTimeout(180_000);

type Json = Record<string, unknown>;
const local = localStackContext();
let onboarding: ReturnType<typeof portalOnboarding>;
const short = () => randomUUID().slice(0, 8);

let organizationA: string;
let organizationB: string;
let registrar: OnboardedPerson;
let leadsOnly: OnboardedPerson;
let ticketsOnly: OnboardedPerson;
let otherPartner: OnboardedPerson;
let customer: OnboardedPerson;

beforeAll(async () => {
  onboarding = portalOnboarding(local.outputs, local.api);
  const organization = async (name: string) =>
    (await local.api.create('partner-organizations', { name: `Partner ${name} ${short()}`, partnerStatus: 'Active' }))
      .id;
  organizationA = await organization('A');
  organizationB = await organization('B');
  [registrar, leadsOnly, ticketsOnly, otherPartner] = await Promise.all([
    onboarding.onboard({ organizationId: organizationA, portal: { components: ['deal-registrations', 'leads'] } }),
    onboarding.onboard({ organizationId: organizationA, portal: { components: ['leads'] } }),
    onboarding.onboard({ organizationId: organizationA, portal: { components: ['tickets'] } }),
    onboarding.onboard({ organizationId: organizationB, portal: { components: ['deal-registrations', 'leads'] } }),
  ]);
  // A customer contact whose portal names `leads` (staff may list it): leads stay a partner's.
  customer = await onboarding.onboard({ module: 'contacts', portal: { components: ['tickets', 'leads'] } });
});
afterAll(() => onboarding.close());

const deal = (fields: Json = {}) => ({
  companyName: `Prospect ${short()} GmbH`,
  contactName: 'Grace Hopper',
  contactEmail: `grace.${short()}@prospect-${short()}.example`,
  estimatedValue: 25_000,
  currency: 'EUR',
  expectedCloseDate: '2027-06-30',
  description: 'Fleet renewal.\nTwo sites.',
  ...fields,
});

async function register(person: OnboardedPerson, fields: Json = {}) {
  const response = await person.call('POST', '/portal/deal-registrations', deal(fields));
  expect(response.status).toBe(201);
  return response.body as Json & { id: string };
}

describe('registering a deal', () => {
  it("files it submitted under the partner's organization, which sees it; staff see who registered it", async () => {
    const registration = await register(registrar);
    expect(registration).toMatchObject({
      id: expect.stringMatching(/^deal_/),
      status: 'submitted',
      contactId: registrar.person.id,
      organizationId: organizationA,
      description: 'Fleet renewal.\nTwo sites.',
    });
    expect(registration).not.toHaveProperty('conflicts');
    const listed = await registrar.call<{ items: Json[] }>('GET', '/portal/deal-registrations');
    expect(listed.body.items.map((item) => item.id)).toContain(registration.id);
    expect((await local.api.call('GET', `/deal-registrations/${registration.id}`)).body).toMatchObject({
      status: 'submitted',
      createdBy: `portal:${registrar.person.id}`,
    });
    // Another organization's partner does not see it.
    expect((await otherPartner.call('GET', `/portal/deal-registrations/${registration.id}`)).status).toBe(404);
  });

  it('is refused without the component (403) and with an invalid body (400), changing nothing', async () => {
    expect((await leadsOnly.call('POST', '/portal/deal-registrations', deal())).status).toBe(403);
    expect((await leadsOnly.call('GET', '/portal/deal-registrations')).status).toBe(403);
    const { contactEmail: _email, ...incomplete } = deal();
    const invalid = await registrar.call('POST', '/portal/deal-registrations', { ...incomplete, status: 'approved' });
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get('content-type')).toContain('application/problem+json');
  });
});

describe("staff's review", () => {
  it('needs a reason to reject; the partner sees the rejection and its reason; a decision is final', async () => {
    const { id } = await register(registrar);
    const bare = await local.api.call('PATCH', `/deal-registrations/${id}`, { status: 'rejected' });
    expect(bare.status).toBe(400);
    expect((await local.api.call('GET', `/deal-registrations/${id}`)).body).toMatchObject({ status: 'submitted' });
    const rejected = await local.api.call('PATCH', `/deal-registrations/${id}`, {
      status: 'rejected',
      reason: 'The customer buys direct.',
    });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ status: 'rejected', decidedAt: expect.any(String) });
    expect((await registrar.call('GET', `/portal/deal-registrations/${id}`)).body).toMatchObject({
      status: 'rejected',
      reason: 'The customer buys direct.',
    });
    expect((await local.api.call('PATCH', `/deal-registrations/${id}`, { status: 'approved' })).status).toBe(409);
  });

  it('approval assigns a protected lead to the organization: its contacts with `leads` see it, nobody else', async () => {
    const registration = await register(registrar, { contactName: 'Ada King Lovelace' });
    const approved = await local.api.call('PATCH', `/deal-registrations/${registration.id}`, { status: 'approved' });
    expect(approved.status).toBe(200);
    const { leadId, protectedUntil } = approved.body as { leadId: string; protectedUntil: string };
    expect(leadId).toMatch(/^lead_/);
    expect(protectedUntil).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(protectedUntil > new Date().toISOString().slice(0, 10)).toBe(true);

    const lead = (await local.api.call('GET', `/leads/${leadId}`)).body;
    expect(lead).toMatchObject({
      firstName: 'Ada King',
      lastName: 'Lovelace',
      email: registration.contactEmail,
      company: registration.companyName,
      assignedPartnerId: organizationA,
      dealRegistrationId: registration.id,
      protectedUntil,
    });
    expect((await registrar.call('GET', `/portal/deal-registrations/${registration.id}`)).body).toMatchObject({
      status: 'approved',
      leadId,
      protectedUntil,
    });
    // The decision reaches the partner contact who registered it, by email from the stream, once.
    const aboutIt = async () =>
      (await local.mail.to(registrar.email)).filter(
        (email) =>
          email.subject.includes('deal registration') && email.subject.includes(String(registration.companyName)),
      );
    await waitFor(async () => (await aboutIt()).length > 0, 20_000, 'the decision email');
    expect((await aboutIt())[0]!.body.text).toContain(`#/deal-registrations/${registration.id}`);

    for (const person of [registrar, leadsOnly]) {
      const listed = await person.call<{ items: Json[] }>('GET', '/portal/leads');
      expect(listed.status).toBe(200);
      expect(listed.body.items.map((item) => item.id)).toContain(leadId);
      expect((await person.call('GET', `/portal/leads/${leadId}`)).body).toMatchObject({
        id: leadId,
        company: registration.companyName,
        dealRegistrationId: registration.id,
      });
    }
    expect((await ticketsOnly.call('GET', '/portal/leads')).status).toBe(403);
    expect((await ticketsOnly.call('GET', `/portal/leads/${leadId}`)).status).toBe(403);
    expect((await customer.call('GET', '/portal/leads')).status).toBe(403);
    expect((await customer.call('GET', `/portal/leads/${leadId}`)).status).toBe(403);
    expect((await customer.call('POST', `/portal/leads/${leadId}/decision`, { decision: 'accept' })).status).toBe(403);
    const others = await otherPartner.call<{ items: Json[] }>('GET', '/portal/leads');
    expect(others.body.items.map((item) => item.id)).not.toContain(leadId);
    expect((await otherPartner.call('GET', `/portal/leads/${leadId}`)).status).toBe(404);
  });

  it('makes one lead of concurrent approvals', async () => {
    const registration = await register(registrar);
    const responses = await Promise.all(
      Array.from({ length: 4 }, () =>
        local.api.call('PATCH', `/deal-registrations/${registration.id}`, { status: 'approved' }),
      ),
    );
    // Each either approved it or found it approved; a lost race that kept losing is a 409.
    for (const response of responses) expect([200, 409]).toContain(response.status);
    expect(responses.some((response) => response.status === 200)).toBe(true);
    const leads = await local.api.call<{ items: Json[] }>(
      'GET',
      `/leads?email=${encodeURIComponent(String(registration.contactEmail))}`,
    );
    expect(leads.body.items).toHaveLength(1);
    const stored = (await local.api.call('GET', `/deal-registrations/${registration.id}`)).body;
    expect(stored.leadId).toBe(leads.body.items[0]!.id);
  });

  it('links an existing lead staff name instead of creating one, unless another partner has it', async () => {
    const existing = await local.api.create('leads', { lastName: 'Existing', company: `Linked ${short()}` });
    const registration = await register(registrar);
    const linked = await local.api.call('PATCH', `/deal-registrations/${registration.id}`, {
      status: 'approved',
      leadId: existing.id,
    });
    expect(linked.status).toBe(200);
    expect(linked.body).toMatchObject({ leadId: existing.id });
    expect((await local.api.call('GET', `/leads/${existing.id}`)).body).toMatchObject({
      assignedPartnerId: organizationA,
      dealRegistrationId: registration.id,
    });
    const theirs = await register(otherPartner);
    const refused = await local.api.call('PATCH', `/deal-registrations/${theirs.id}`, {
      status: 'approved',
      leadId: existing.id,
    });
    expect(refused.status).toBe(409);
    expect((await local.api.call('GET', `/deal-registrations/${theirs.id}`)).body).toMatchObject({
      status: 'submitted',
    });
  });
});

describe('conflict detection', () => {
  it("flags a registration naming another partner's open registration to staff, never to the partner", async () => {
    const company = `Acme ${short()}`;
    const first = await register(registrar, { companyName: `${company}, Inc.` });
    const second = await otherPartner.call(
      'POST',
      '/portal/deal-registrations',
      deal({ companyName: company.toUpperCase() }),
    );
    expect(second.status).toBe(201);
    expect(second.body).not.toHaveProperty('conflicts');
    const id = String(second.body.id);
    expect(JSON.stringify(second.body)).not.toContain(first.id);
    const staffView = (await local.api.call('GET', `/deal-registrations/${id}`)).body;
    expect(staffView.conflicts).toEqual([
      { recordId: first.id, module: 'deal-registrations', matchedOn: 'company', partnerId: organizationA },
    ]);
    const partnerView = await otherPartner.call('GET', `/portal/deal-registrations/${id}`);
    expect(partnerView.body).not.toHaveProperty('conflicts');
    const partnerList = await otherPartner.call<{ items: Json[] }>('GET', '/portal/deal-registrations');
    expect(JSON.stringify(partnerList.body)).not.toContain(first.id);
  });

  it('flags a registration whose email domain names an existing lead, and none of the same partner or free mail', async () => {
    const domain = `lead-${short()}.example`;
    const lead = await local.api.create('leads', { lastName: 'Known', email: `known@${domain}` });
    const matching = await register(otherPartner, { contactEmail: `someone@${domain}` });
    expect((await local.api.call('GET', `/deal-registrations/${matching.id}`)).body.conflicts).toEqual([
      { recordId: lead.id, module: 'leads', matchedOn: 'domain' },
    ]);
    const company = `Own ${short()}`;
    await register(registrar, { companyName: company, contactEmail: `a.${short()}@gmail.com` });
    const again = await register(registrar, { companyName: company, contactEmail: `b.${short()}@gmail.com` });
    expect((await local.api.call('GET', `/deal-registrations/${again.id}`)).body).not.toHaveProperty('conflicts');
  });
});

describe('conflict detection for registrations staff write', () => {
  /** A registration staff enter for organization B (a partner's call, say), shown on its portal. */
  const staffRegistration = (fields: Json = {}) =>
    local.api.call('POST', '/deal-registrations', {
      ...deal(fields),
      organizationId: organizationB,
      showOnPortal: true,
    });

  it("flags one staff create naming another partner's open registration, never to the partner", async () => {
    const company = `Staffed ${short()}`;
    const first = await register(registrar, { companyName: company });
    const created = await staffRegistration({ companyName: `${company} Ltd.` });
    expect(created.status).toBe(201);
    const expected = [
      { recordId: first.id, module: 'deal-registrations', matchedOn: 'company', partnerId: organizationA },
    ];
    expect(created.body.conflicts).toEqual(expected);
    const id = String(created.body.id);
    const stored = await local.api.call('GET', `/deal-registrations/${id}`);
    expect(stored.body.conflicts).toEqual(expected);
    // The answer's version is the stored one: its ETag is good for the next conditional write.
    expect(created.headers.get('etag')).toBe(stored.headers.get('etag'));
    const partnerView = await otherPartner.call('GET', `/portal/deal-registrations/${id}`);
    expect(partnerView.status).toBe(200);
    expect(partnerView.body).not.toHaveProperty('conflicts');
    expect(JSON.stringify(partnerView.body)).not.toContain(first.id);
    // For a third registration, by organization A: its own first one is no conflict, B's (staff-entered) one is.
    const own = await local.api.call('POST', '/deal-registrations', {
      ...deal({ companyName: company }),
      organizationId: organizationA,
    });
    expect(own.status).toBe(201);
    expect(own.body.conflicts).toEqual([
      { recordId: id, module: 'deal-registrations', matchedOn: 'company', partnerId: organizationB },
    ]);
  });

  it('flags at least one of a staff registration and a partner registration of the same prospect made at once', async () => {
    // Each writes its prospect keys before it reads the other's: whichever reads last sees the other.
    const pairs = await Promise.all(
      Array.from({ length: 4 }, async () => {
        const company = `Racing ${short()}`;
        const [staffs, partners] = await Promise.all([
          staffRegistration({ companyName: company }),
          registrar.call('POST', '/portal/deal-registrations', deal({ companyName: company })),
        ]);
        expect([staffs.status, partners.status]).toEqual([201, 201]);
        return [String(staffs.body.id), String(partners.body.id)] as const;
      }),
    );
    for (const [staffsId, partnersId] of pairs) {
      const conflictsOf = async (id: string) =>
        ((await local.api.call('GET', `/deal-registrations/${id}`)).body.conflicts ?? []) as Json[];
      const named = [
        ...(await conflictsOf(staffsId)).filter((conflict) => conflict.recordId === partnersId),
        ...(await conflictsOf(partnersId)).filter((conflict) => conflict.recordId === staffsId),
      ];
      expect(named.length).toBeGreaterThanOrEqual(1);
    }
  });

  it('re-checks when staff change the company or contact email, and clears flags that no longer hold', async () => {
    const company = `Renamed ${short()}`;
    const rival = await register(registrar, { companyName: company });
    const created = await staffRegistration();
    expect(created.status).toBe(201);
    expect(created.body).not.toHaveProperty('conflicts');
    const id = String(created.body.id);

    const renamed = await local.api.call('PATCH', `/deal-registrations/${id}`, { companyName: company.toLowerCase() });
    expect(renamed.status).toBe(200);
    expect(renamed.body.conflicts).toEqual([
      { recordId: rival.id, module: 'deal-registrations', matchedOn: 'company', partnerId: organizationA },
    ]);

    // An edit that names no other prospect keeps the flags as they are.
    const described = await local.api.call('PATCH', `/deal-registrations/${id}`, { description: 'Re-scoped.' });
    expect(described.body.conflicts).toHaveLength(1);

    const domain = `staff-lead-${short()}.example`;
    const lead = await local.api.create('leads', { lastName: 'Known', email: `known@${domain}` });
    const moved = await local.api.call('PATCH', `/deal-registrations/${id}`, {
      companyName: `Elsewhere ${short()}`,
      contactEmail: `buyer@${domain}`,
    });
    expect(moved.status).toBe(200);
    expect(moved.body.conflicts).toEqual([{ recordId: lead.id, module: 'leads', matchedOn: 'domain' }]);

    const cleared = await local.api.call('PATCH', `/deal-registrations/${id}`, {
      contactEmail: `buyer@clean-${short()}.example`,
    });
    expect(cleared.status).toBe(200);
    expect(cleared.body).not.toHaveProperty('conflicts');
    expect((await local.api.call('GET', `/deal-registrations/${id}`)).body).not.toHaveProperty('conflicts');
  });
});
