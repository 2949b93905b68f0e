import { randomUUID } from 'node:crypto';
import { localStackContext } from '../support/local-stack-context';
import { portalOnboarding } from '../support/portal-onboarding';
import { defaultPortalTicketsPerDay } from '../../shared/tickets/ticket-limits';

/**
 * POST /portal/tickets on the local stack: a person raises a ticket linked to them (a partner contact's also to its
 * partner organization), shown on the portal with `source: portal`; only with the tickets component; within a daily
 * limit that holds under concurrent requests.
 */
jest.setTimeout(90_000);

type Json = Record<string, unknown>;
const local = localStackContext();
let onboarding: ReturnType<typeof portalOnboarding>;
beforeAll(() => {
  onboarding = portalOnboarding(local.outputs, local.api);
});
afterAll(() => onboarding.close());

const short = () => randomUUID().slice(0, 8);
const ticketsOf = async (contactId: string) =>
  (await local.api.call<{ items: Json[] }>('GET', `/tickets?contactId=${contactId}&limit=100`)).body.items;

describe('raising a ticket on the portal', () => {
  it("links a partner contact's ticket to the contact and its organization, shows it, and files it as source: portal for staff only", async () => {
    const organization = await local.api.create('partner-organizations', {
      name: `P ${short()}`,
      partnerStatus: 'Active',
    });
    const [partner, colleague] = await Promise.all([
      onboarding.onboard({ organizationId: organization.id }),
      onboarding.onboard({ organizationId: organization.id }),
    ]);
    const description = 'It broke.\n\nSteps:\n1. open\n2. click';
    const raised = await partner.call('POST', '/portal/tickets', {
      title: 'Printer on fire',
      description,
      priority: 'High',
    });
    expect(raised.status).toBe(201);
    const id = raised.body.id as string;
    expect(raised.headers.get('location')).toBe(`/portal/tickets/${id}`);
    expect(raised.body).toMatchObject({
      title: 'Printer on fire',
      description,
      priority: 'High',
      status: 'Open',
      contactId: partner.person.id,
      organizationId: organization.id,
    });
    // The portal view: no staff bookkeeping (shared/portal/portal-view.ts); `source` is the staff's triage field.
    for (const field of ['createdBy', 'updatedBy', 'showOnPortal', 'version', 'source', 'lastCommentAt']) {
      expect(raised.body).not.toHaveProperty(field);
    }

    const staffView = await local.api.call('GET', `/tickets/${id}`);
    expect(staffView.body).toMatchObject({
      showOnPortal: true,
      source: 'portal',
      createdBy: `portal:${partner.person.id}`,
      organizationId: organization.id,
    });
    // Everyone of the partner organization sees it, as every other record of the organization.
    for (const person of [partner, colleague]) {
      const list = await person.call<{ items: Json[] }>('GET', '/portal/tickets');
      expect(list.body.items.map((item) => item.id)).toContain(id);
    }
    const portalTicket = (await partner.call('GET', `/portal/tickets/${id}`)).body;
    expect(portalTicket).toMatchObject({ id, title: 'Printer on fire' });
    expect(portalTicket).not.toHaveProperty('source');
    expect(portalTicket).not.toHaveProperty('createdBy');
  });

  it("files a customer's ticket under the contact and their organization; staff cannot set source", async () => {
    const customerOrganization = await local.api.create('organizations', { name: `C ${short()}` });
    const customer = await onboarding.onboard({ module: 'contacts', organizationId: customerOrganization.id });
    const raised = await customer.call('POST', '/portal/tickets', { title: 'Invoice question', description: 'Why?' });
    expect(raised.status).toBe(201);
    expect(raised.body).toMatchObject({ contactId: customer.person.id, organizationId: customerOrganization.id });
    const listed = await customer.call<{ items: Json[] }>('GET', '/portal/tickets');
    expect(listed.body.items.map((item) => item.id)).toEqual([raised.body.id]);

    // source is the server's: staff can neither create nor patch it, and their edits keep it.
    const refused = await local.api.call('POST', '/tickets', {
      title: 'x',
      contactId: customer.person.id,
      source: 'portal',
    });
    expect(refused.status).toBe(400);
    const edited = await local.api.call('PATCH', `/tickets/${raised.body.id as string}`, { status: 'In Progress' });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ status: 'In Progress', source: 'portal' });
    expect((await local.api.call('PATCH', `/tickets/${raised.body.id as string}`, { source: 'staff' })).status).toBe(
      400,
    );
  });

  it('refuses a person without the tickets component (403), and a body that is not a ticket (400); writes nothing', async () => {
    const withoutTickets = await onboarding.onboard({ portal: { components: ['invoices'] } });
    const refused = await withoutTickets.call('POST', '/portal/tickets', { title: 'Hello', description: 'there' });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');

    const person = await onboarding.onboard();
    for (const body of [
      { description: 'no title' },
      { title: 'no description' },
      { title: 'x', description: 'y', priority: 'Whenever' },
      { title: 'x', description: 'y', source: 'staff' },
      { title: 'x', description: 'y', contactId: withoutTickets.person.id },
      { title: 'bidi \u202e', description: 'y' },
    ]) {
      const response = await person.call('POST', '/portal/tickets', body);
      expect({ body, status: response.status, type: response.body.type }).toEqual({
        body,
        status: 400,
        type: '/problems/validation-failed',
      });
    }
    expect(await ticketsOf(withoutTickets.person.id)).toEqual([]);
    expect(await ticketsOf(person.person.id)).toEqual([]);
  });

  it('refuses a person whose portal flag staff unticked', async () => {
    const person = await onboarding.onboard();
    expect(
      (await local.api.call('PATCH', `/partner-contacts/${person.person.id}`, { portal: { enabled: false } })).status,
    ).toBe(200);
    const refused = await person.call('POST', '/portal/tickets', { title: 'Still here?', description: 'x' });
    expect(refused.status).toBe(403);
    expect(await ticketsOf(person.person.id)).toEqual([]);
  });

  it(`never lets concurrent requests past the daily limit (${defaultPortalTicketsPerDay}): the rest are 429 with Retry-After until tomorrow`, async () => {
    const person = await onboarding.onboard();
    const attempts = defaultPortalTicketsPerDay + 6;
    const responses = await Promise.all(
      Array.from({ length: attempts }, (_, i) =>
        person.call('POST', '/portal/tickets', { title: `Ticket ${i}`, description: 'At once' }),
      ),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(defaultPortalTicketsPerDay);
    expect(statuses.filter((status) => status === 429)).toHaveLength(attempts - defaultPortalTicketsPerDay);
    const tooMany = responses.find((response) => response.status === 429)!;
    expect(tooMany.headers.get('content-type')).toContain('application/problem+json');
    expect(tooMany.body).toMatchObject({ status: 429, type: '/problems/too-many-requests' });
    // The local stack's day is UTC: the limit starts over at the next UTC midnight.
    const nextMidnight = new Date();
    nextMidnight.setUTCHours(24, 0, 0, 0);
    const retryAfter = Number(tooMany.headers.get('retry-after'));
    expect(Math.abs(Date.now() + retryAfter * 1000 - nextMidnight.getTime())).toBeLessThan(60_000);
    // Exactly the tickets that were answered 201 exist.
    const stored = await ticketsOf(person.person.id);
    expect(stored).toHaveLength(defaultPortalTicketsPerDay);
    // And a later one is refused too.
    expect((await person.call('POST', '/portal/tickets', { title: 'Later', description: 'x' })).status).toBe(429);
  });
});
