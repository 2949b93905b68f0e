import { randomUUID } from 'node:crypto';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { LocalOutputs } from '../../infra/outputs';
import { localCredentials, localRegion } from '../../infra/local/local-aws';
import { cognitoLocalSigningKey, signJwt, staffAccessClaims } from '../support/tokens';
import { stackOutputs } from '../support/outputs';
import { staffApi, type StaffApi } from '../support/staff-api';

jest.setTimeout(60_000);

let outputs: LocalOutputs;
let api: StaffApi;
let dynamo: DynamoDBClient;

beforeAll(async () => {
  outputs = stackOutputs();
  api = await staffApi(outputs);
  dynamo = new DynamoDBClient({
    endpoint: outputs.DynamoDbEndpoint,
    region: localRegion,
    credentials: localCredentials,
  });
});
afterAll(() => dynamo.destroy());

/** A unique email, so tests never collide on the portal uniqueness claims. */
const uniqueEmail = (name = 'person') => `${name}.${randomUUID().slice(0, 8)}@example.com`;

async function rawItem(id: string) {
  const result = await dynamo.send(
    new GetItemCommand({ TableName: outputs.TableName, Key: { pk: { S: id }, sk: { S: 'RECORD' } } }),
  );
  return result.Item ? unmarshall(result.Item) : undefined;
}

/** Bodies that are valid for each module, given an organization, a partner organization and a contact. */
async function fixtures() {
  const organization = await api.create('organizations', { name: 'Globex' });
  const partnerOrganization = await api.create('partner-organizations', { name: 'Initech', partnerStatus: 'Active' });
  const contact = await api.create('contacts', { lastName: 'Simpson', organizationId: organization.id });
  return { organization, partnerOrganization, contact };
}

describe('CRUD for every module', () => {
  const bodies: Record<
    string,
    (f: Awaited<ReturnType<typeof fixtures>>) => [Record<string, unknown>, Record<string, unknown>]
  > = {
    organizations: () => [
      { name: 'Acme', industry: 'Manufacturing', billingAddress: { city: 'Springfield' } },
      { phone: '+1 555 0100' },
    ],
    'partner-organizations': () => [{ name: 'Partners Inc', partnerType: 'Reseller' }, { partnerStatus: 'Active' }],
    contacts: (f) => [
      { firstName: 'Homer', lastName: 'Simpson', organizationId: f.organization.id },
      { title: 'Safety Inspector' },
    ],
    leads: () => [{ lastName: 'Flanders', company: 'Leftorium' }, { email: uniqueEmail('ned') }],
    'partner-contacts': (f) => [
      { lastName: 'Lumbergh', organizationId: f.partnerOrganization.id },
      { mobile: '+1 555 0199' },
    ],
    tickets: (f) => [{ title: 'Printer on fire', contactId: f.contact.id, priority: 'Urgent' }, { status: 'Closed' }],
    invoices: (f) => [
      { subject: 'INV 1', organizationId: f.organization.id, total: 12.5, currency: 'EUR' },
      { status: 'Paid' },
    ],
    quotes: (f) => [{ subject: 'Q 1', organizationId: f.organization.id, validUntil: '2027-01-31' }, { total: 99 }],
    'sales-orders': (f) => [
      {
        subject: 'SO 1',
        organizationId: f.partnerOrganization.id,
        lineItems: [{ description: 'Widget', quantity: 3, unitPrice: 0.1 }],
      },
      { lineItems: [{ description: 'Gadget', quantity: 1.5, unitPrice: 19.99 }] },
    ],
    documents: (f) => [
      { title: 'Manual', contactId: f.contact.id, url: 'https://example.com/manual.pdf' },
      { showOnPortal: true },
    ],
  };

  it.each(Object.keys(bodies))('%s: create, read, list, update with If-Match, delete', async (module) => {
    const [body, patch] = bodies[module]!(await fixtures());

    const created = await api.call('POST', `/${module}`, body);
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(created.headers.get('location')).toBe(`/${module}/${id}`);
    expect(created.headers.get('etag')).toBe('"v1"');
    expect(created.body).toMatchObject({ ...body, version: 1 });
    expect(created.body.createdBy).toEqual(expect.any(String));

    const read = await api.call('GET', `/${module}/${id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);

    const listed = await api.call<{ items: { id: string }[] }>('GET', `/${module}?limit=100`);
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((item) => item.id)).toContain(id);

    const updated = await api.call('PATCH', `/${module}/${id}`, patch, { 'if-match': '"v1"' });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ ...patch, version: 2, createdAt: created.body.createdAt });
    expect(updated.headers.get('etag')).toBe('"v2"');

    const deleted = await api.call('DELETE', `/${module}/${id}`, undefined, { 'if-match': '"v2"' });
    expect(deleted.status).toBe(204);
    const gone = await api.call('GET', `/${module}/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.headers.get('content-type')).toBe('application/problem+json');
    expect(await rawItem(id)).toBeUndefined();
  });

  it('derives a sales order total from its lines, in cents', async () => {
    const { partnerOrganization } = await fixtures();
    const order = await api.create('sales-orders', {
      subject: 'Totals',
      organizationId: partnerOrganization.id,
      lineItems: [
        { description: 'a', quantity: 3, unitPrice: 0.1 },
        { description: 'b', quantity: 1.5, unitPrice: 19.99 },
      ],
    });
    expect(order.total).toBe(30.29);
    const refused = await api.call('POST', '/sales-orders', {
      subject: 'x',
      organizationId: partnerOrganization.id,
      total: 1,
    });
    expect(refused.status).toBe(400);
  });
});

describe('lists', () => {
  it('pages through a filtered list, newest first, without gaps or repeats', async () => {
    const organization = await api.create('organizations', { name: 'Paged' });
    const created: string[] = [];
    for (let i = 0; i < 5; i++)
      created.push((await api.create('tickets', { title: `T${i}`, organizationId: organization.id })).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `organizationId=${organization.id}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await api.call<{ items: { id: string }[]; nextCursor: string | null }>('GET', `/tickets?${query}`);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((item) => item.id));
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toEqual([...created].reverse());
  });

  it('finds people by organization and by email, and records by contact', async () => {
    const { organization, contact } = await fixtures();
    const email = uniqueEmail('filter');
    const other = await api.create('contacts', {
      lastName: 'Other',
      email: email.toUpperCase(),
      organizationId: organization.id,
    });
    const ticket = await api.create('tickets', { title: 'Mine', contactId: contact.id });

    const byOrganization = await api.call<{ items: { id: string }[] }>(
      'GET',
      `/contacts?organizationId=${organization.id}`,
    );
    expect(byOrganization.body.items.map((i) => i.id).sort()).toEqual([contact.id, other.id].sort());
    const byEmail = await api.call<{ items: { id: string }[] }>(
      'GET',
      `/contacts?email=${encodeURIComponent(` ${email.toUpperCase()} `)}`,
    );
    expect(byEmail.body.items.map((i) => i.id)).toEqual([other.id]);
    const byContact = await api.call<{ items: { id: string }[] }>('GET', `/tickets?contactId=${contact.id}`);
    expect(byContact.body.items.map((i) => i.id)).toEqual([ticket.id]);
  });

  it('refuses a cursor from another list', async () => {
    const first = await api.create('organizations', { name: 'Cursor A' });
    await api.create('tickets', { title: 'a', organizationId: first.id });
    await api.create('tickets', { title: 'b', organizationId: first.id });
    const page = await api.call<{ nextCursor: string }>('GET', `/tickets?organizationId=${first.id}&limit=1`);
    expect(page.body.nextCursor).toEqual(expect.any(String));
    const second = await api.create('organizations', { name: 'Cursor B' });
    const misuse = await api.call('GET', `/tickets?organizationId=${second.id}&cursor=${page.body.nextCursor}`);
    expect(misuse.status).toBe(400);
    expect((await api.call('GET', `/tickets?limit=101`)).status).toBe(400);
    expect((await api.call('GET', `/tickets?colour=red`)).status).toBe(400);
  });
});

describe('bad requests change nothing', () => {
  async function countTickets(organizationId: string) {
    const page = await api.call<{ items: unknown[] }>('GET', `/tickets?organizationId=${organizationId}&limit=100`);
    return page.body.items.length;
  }

  it('refuses unknown fields, naming them, and writes nothing', async () => {
    const organization = await api.create('organizations', { name: 'Strict' });
    const response = await api.call('POST', '/tickets', { title: 'x', organizationId: organization.id, colour: 'red' });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.body).toMatchObject({
      status: 400,
      type: expect.any(String),
      title: expect.any(String),
      detail: expect.any(String),
    });
    expect(response.body.errors).toEqual([{ path: '/colour', message: 'unknown field' }]);
    expect(await countTickets(organization.id)).toBe(0);
  });

  it('refuses server-owned fields in a patch', async () => {
    const organization = await api.create('organizations', { name: 'Owned' });
    const response = await api.call('PATCH', `/organizations/${organization.id}`, { version: 99, id: 'org_x' });
    expect(response.status).toBe(400);
    expect((await api.call('GET', `/organizations/${organization.id}`)).body.version).toBe(1);
  });

  it('normalises emails and refuses malformed ones', async () => {
    const created = await api.create('leads', { lastName: 'Norm', email: '  Mixed.Case@Example.COM ' });
    expect(created.email).toBe('mixed.case@example.com');
    const bad = await api.call('POST', '/leads', { lastName: 'Bad', email: 'not-an-email' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ path: '/email', message: 'must be an email address' }]);
  });

  it('refuses bad dates and a support window that ends before it starts', async () => {
    const bad = await api.call('POST', '/leads', { lastName: 'Dates', portal: { supportStartDate: '2026-02-30' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ path: '/portal/supportStartDate', message: 'must be a date as YYYY-MM-DD' }]);
    const reversed = await api.call('POST', '/leads', {
      lastName: 'Dates',
      portal: { supportStartDate: '2026-06-01', supportEndDate: '2026-05-31' },
    });
    expect(reversed.status).toBe(400);
    expect(reversed.body.errors).toEqual([
      { path: '/portal/supportEndDate', message: 'must not be before supportStartDate' },
    ]);
  });

  it('refuses references to records that do not exist or are of the wrong module, writing nothing', async () => {
    const missing = `org_${randomUUID()}`;
    const response = await api.call('POST', '/contacts', { lastName: 'Orphan', organizationId: missing });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ path: '/organizationId', message: 'refers to no existing organization' }]);
    const wrongModule = await api.call('POST', '/partner-contacts', {
      lastName: 'Wrong',
      organizationId: `org_${randomUUID()}`,
    });
    expect(wrongModule.status).toBe(400);
    expect(await rawItem(missing)).toBeUndefined();
  });

  it('refuses a primary contact from another partner organization', async () => {
    const mine = await api.create('partner-organizations', { name: 'Mine' });
    const theirs = await api.create('partner-organizations', { name: 'Theirs' });
    const stranger = await api.create('partner-contacts', { lastName: 'Stranger', organizationId: theirs.id });
    const member = await api.create('partner-contacts', { lastName: 'Member', organizationId: mine.id });
    const refused = await api.call('PATCH', `/partner-organizations/${mine.id}`, { primaryContactId: stranger.id });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([
      { path: '/primaryContactId', message: 'must be a partner contact of this partner organization' },
    ]);
    const accepted = await api.call('PATCH', `/partner-organizations/${mine.id}`, { primaryContactId: member.id });
    expect(accepted.status).toBe(200);
    // Deleting the primary contact leaves the organization without one rather than pointing at nothing.
    expect((await api.call('DELETE', `/partner-contacts/${member.id}`)).status).toBe(204);
    const after = await api.call('GET', `/partner-organizations/${mine.id}`);
    expect(after.body.primaryContactId).toBeUndefined();
    expect(after.body.version).toBe(3);
    expect(
      (await api.call('PATCH', `/partner-organizations/${mine.id}`, { phone: '+1 555 0111' }, { 'if-match': '"v2"' }))
        .status,
    ).toBe(412);
  });

  it('answers 413 to an oversized body', async () => {
    const response = await api.call('POST', '/organizations', { name: 'Big', industry: 'x'.repeat(70_000) });
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
  });

  it('answers 400 to malformed JSON and 415 to a body that is not JSON', async () => {
    const malformed = await api.call('POST', '/organizations', '{"name": "Broken"');
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('content-type')).toBe('application/problem+json');
    const form = await api.call('POST', '/organizations', 'name=Form', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(form.status).toBe(415);
  });

  it('answers 404 to an unknown id, an id of another module, and an unknown module', async () => {
    expect((await api.call('GET', `/contacts/con_${randomUUID()}`)).status).toBe(404);
    const organization = await api.create('organizations', { name: 'Not a contact' });
    expect((await api.call('GET', `/contacts/${organization.id}`)).status).toBe(404);
    expect((await api.call('PATCH', `/contacts/${organization.id}`, { title: 'x' })).status).toBe(404);
    expect((await api.call('GET', '/spaceships')).status).toBe(404);
  });
});

describe('optimistic concurrency', () => {
  it('answers 412 to a stale ETag and changes nothing', async () => {
    const organization = await api.create('organizations', { name: 'Versioned' });
    const first = await api.call(
      'PATCH',
      `/organizations/${organization.id}`,
      { industry: 'Retail' },
      { 'if-match': '"v1"' },
    );
    expect(first.status).toBe(200);
    const stale = await api.call(
      'PATCH',
      `/organizations/${organization.id}`,
      { industry: 'Energy' },
      { 'if-match': '"v1"' },
    );
    expect(stale.status).toBe(412);
    const weak = await api.call(
      'PATCH',
      `/organizations/${organization.id}`,
      { industry: 'Energy' },
      { 'if-match': 'W/"v2"' },
    );
    expect(weak.status).toBe(412);
    const current = await api.call('GET', `/organizations/${organization.id}`);
    expect(current.body).toMatchObject({ industry: 'Retail', version: 2 });
    expect(
      (await api.call('DELETE', `/organizations/${organization.id}`, undefined, { 'if-match': '"v1"' })).status,
    ).toBe(412);
    expect((await api.call('GET', `/organizations/${organization.id}`)).status).toBe(200);
  });

  it('never loses an update when two writers race without ETags', async () => {
    const organization = await api.create('organizations', { name: 'Racing' });
    const results = await Promise.all([
      api.call('PATCH', `/organizations/${organization.id}`, { industry: 'A' }),
      api.call('PATCH', `/organizations/${organization.id}`, { phone: '+1 555 0101' }),
      api.call('PATCH', `/organizations/${organization.id}`, { website: 'https://racing.example.com' }),
    ]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    const final = await api.call('GET', `/organizations/${organization.id}`);
    expect(final.body).toMatchObject({
      industry: 'A',
      phone: '+1 555 0101',
      website: 'https://racing.example.com',
      version: 4,
    });
  });
});

describe('deletion', () => {
  it('refuses to delete an organization that still has people or records, and deletes nothing', async () => {
    const organization = await api.create('organizations', { name: 'Parent' });
    const contact = await api.create('contacts', { lastName: 'Child', organizationId: organization.id });
    const invoice = await api.create('invoices', { subject: 'Bill', organizationId: organization.id });
    const refused = await api.call('DELETE', `/organizations/${organization.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ linkCount: 2 });
    expect(await rawItem(organization.id)).toBeDefined();

    expect((await api.call('DELETE', `/invoices/${invoice.id}`)).status).toBe(204);
    // Moving the contact to another organization unlinks it from this one.
    const other = await api.create('organizations', { name: 'Step-parent' });
    expect((await api.call('PATCH', `/contacts/${contact.id}`, { organizationId: other.id })).status).toBe(200);
    expect((await api.call('DELETE', `/organizations/${organization.id}`)).status).toBe(204);
    expect((await api.call('DELETE', `/organizations/${other.id}`)).status).toBe(409);
  });

  it('leaves the records of a deleted person in place', async () => {
    const { contact } = await fixtures();
    const ticket = await api.create('tickets', { title: 'Still here', contactId: contact.id });
    expect((await api.call('DELETE', `/contacts/${contact.id}`)).status).toBe(204);
    expect((await api.call('GET', `/tickets/${ticket.id}`)).body).toMatchObject({ contactId: contact.id });
  });
});

describe('portal uniqueness', () => {
  it('refuses a second person holding portal access with the same email or username, and frees them on disable', async () => {
    const email = uniqueEmail('unique');
    const username = `user-${randomUUID().slice(0, 8)}`;
    const first = await api.create('contacts', { lastName: 'First', email, portal: { enabled: true, username } });

    const sameEmail = await api.call('POST', '/leads', {
      lastName: 'Second',
      email: email.toUpperCase(),
      portal: { enabled: true },
    });
    expect(sameEmail.status).toBe(409);
    expect(sameEmail.body).toMatchObject({ conflict: { field: 'email', holderId: first.id } });
    const sameUsername = await api.call('POST', '/leads', {
      lastName: 'Third',
      email: uniqueEmail(),
      portal: { enabled: true, username: username.toUpperCase() },
    });
    expect(sameUsername.status).toBe(409);
    expect(sameUsername.body).toMatchObject({ conflict: { field: 'portal.username', holderId: first.id } });

    // Without portal access an email may be shared: it is only a contact detail then.
    expect((await api.call('POST', '/leads', { lastName: 'Plain', email })).status).toBe(201);

    expect((await api.call('PATCH', `/contacts/${first.id}`, { portal: { enabled: false } })).status).toBe(200);
    const now = await api.call('POST', '/leads', { lastName: 'Now', email, portal: { enabled: true, username } });
    expect(now.status).toBe(201);
  });

  it('lets exactly one of many concurrent enablings of one email win', async () => {
    const email = uniqueEmail('race');
    const attempts = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        api.call('POST', '/contacts', { lastName: `Racer ${i}`, email, portal: { enabled: true } }),
      ),
    );
    const statuses = attempts.map((a) => a.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
  });

  it('lets exactly one of many concurrent patches take one username', async () => {
    const username = `race-${randomUUID().slice(0, 8)}`;
    const people = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        api.create('leads', { lastName: `Lead ${i}`, email: uniqueEmail(), portal: { enabled: true } }),
      ),
    );
    const attempts = await Promise.all(
      people.map((person) => api.call('PATCH', `/leads/${person.id}`, { portal: { username } })),
    );
    expect(attempts.map((a) => a.status).sort()).toEqual([200, 409, 409, 409, 409, 409]);
  });
});

describe('the eSign PIN', () => {
  it('is stored only as a salted hash and never returned', async () => {
    const lead = await api.create('leads', { lastName: 'Pin', portal: { enabled: false, pin: '482913' } });
    expect(lead.portal).toEqual({ enabled: false, hasPin: true });
    const stored = await rawItem(lead.id);
    expect(stored?.portal.pinHash).toMatch(/^scrypt\$/);
    expect(JSON.stringify(stored)).not.toContain('482913');
    const other = await api.create('leads', { lastName: 'Pin 2', portal: { pin: '482913' } });
    expect((await rawItem(other.id))?.portal.pinHash).not.toBe(stored?.portal.pinHash);

    const kept = await api.call('PATCH', `/leads/${lead.id}`, { title: 'Buyer' });
    expect(kept.body.portal).toEqual({ enabled: false, hasPin: true });
    const cleared = await api.call('PATCH', `/leads/${lead.id}`, { portal: { pin: null } });
    expect(cleared.body.portal).toEqual({ enabled: false, hasPin: false });
    expect((await api.call('POST', '/leads', { lastName: 'Short', portal: { pin: '12' } })).status).toBe(400);
  });
});

describe('authorization', () => {
  it('refuses no token, a forged token and a portal-pool token on staff routes', async () => {
    const url = `${outputs.ApiUrl}/organizations`;
    expect((await fetch(url)).status).toBe(401);
    const { key, kid } = cognitoLocalSigningKey();
    const portalToken = signJwt(
      staffAccessClaims(outputs, {
        iss: `${outputs.CognitoEndpoint}/${outputs.PortalUserPoolId}`,
        client_id: outputs.PortalClientId,
      }),
      key,
      kid,
    );
    expect((await fetch(url, { headers: { authorization: `Bearer ${portalToken}` } })).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: 'Bearer x.y.z' } })).status).toBe(401);
  });
});
