import { randomUUID } from 'node:crypto';
import type { LocalOutputs } from '../../infra/outputs';
import { portalOnboarding } from '../support/portal-onboarding';
import { stackOutputs } from '../support/outputs';
import { staffApi, type StaffApi } from '../support/staff-api';

/** Text fields refuse control characters, bidi overrides and lone surrogates: 400 naming the field, nothing written. */
jest.setTimeout(60_000);

let outputs: LocalOutputs;
let api: StaffApi;
beforeAll(async () => {
  outputs = stackOutputs();
  api = await staffApi(outputs);
});

const uniqueEmail = () => `text.${randomUUID().slice(0, 8)}@example.com`;
type Page = { items: { id: string }[] };

describe('text fields of the staff API', () => {
  it('creating a contact with U+202E in lastName is 400 naming /lastName, and no contact is written', async () => {
    const email = uniqueEmail();
    const response = await api.call('POST', '/contacts', { firstName: 'Eve', lastName: 'Smith\u202Egnp.exe', email });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({
      type: '/problems/validation-failed',
      status: 400,
      errors: [{ path: '/lastName', message: expect.stringContaining('U+202E') }],
    });
    const found = await api.call<Page>('GET', `/contacts?email=${encodeURIComponent(email)}`);
    expect(found.status).toBe(200);
    expect(found.body.items).toEqual([]);
    // The positive control: the same contact with a clean name is written and found.
    expect((await api.call('POST', '/contacts', { firstName: 'Eve', lastName: 'Smith', email })).status).toBe(201);
    expect((await api.call<Page>('GET', `/contacts?email=${encodeURIComponent(email)}`)).body.items).toHaveLength(1);
  });

  it('NUL, a lone surrogate and a line break in names are refused, each with its own path; an edit changes nothing', async () => {
    const contact = await api.create('contacts', { firstName: 'Ada', lastName: 'Lovelace', email: uniqueEmail() });
    const response = await api.call('PATCH', `/contacts/${contact.id}`, {
      firstName: 'A\u0000da',
      lastName: 'Love\ud800lace',
      title: 'Count\ness',
    });
    expect(response.status).toBe(400);
    expect((response.body.errors as { path: string }[]).map((error) => error.path).sort()).toEqual([
      '/firstName',
      '/lastName',
      '/title',
    ]);
    const after = await api.call('GET', `/contacts/${contact.id}`);
    expect(after.body).toEqual(contact);
  });

  it('a ticket description keeps its line breaks and tabs; a ticket title may not have them', async () => {
    const organization = await api.create('organizations', { name: `Text ${randomUUID().slice(0, 8)}` });
    const description = 'Steps:\n\t1. open\r\n\t2. close';
    const ticket = await api.create('tickets', { title: 'Broken', description, organizationId: organization.id });
    expect(ticket.description).toBe(description);
    const refused = await api.call('POST', '/tickets', { title: 'Bro\nken', organizationId: organization.id });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([{ path: '/title', message: expect.stringContaining('U+000A') }]);
  });
});

describe('text a portal request brings', () => {
  it('a signature records the User-Agent with control characters replaced (U+FFFD), as it is a legal record', async () => {
    const onboarding = portalOnboarding(outputs, api);
    try {
      const user = await onboarding.onboard({ portal: { canESign: true } });
      expect((await user.call('PUT', '/portal/pin', { newPin: '2468' })).status).toBe(204);
      const order = await api.create('sales-orders', {
        subject: 'Agent',
        contactId: user.person.id,
        showOnPortal: true,
        lineItems: [{ description: 'Widget', quantity: 1, unitPrice: 1 }],
      });
      // Header values travel as bytes; 0x85 and 0x9B arrive as the C1 controls U+0085 and U+009B.
      const signed = await user.call(
        'POST',
        `/portal/sales-orders/${order.id}/signature`,
        { pin: '2468' },
        {
          'user-agent': 'Agent/1.0 \u0085(x)\u009b31m',
        },
      );
      expect(signed.status).toBe(201);
      const stored = (await api.call('GET', `/sales-orders/${order.id}`)).body.signature as { userAgent: string };
      expect(stored.userAgent).toBe('Agent/1.0 \ufffd(x)\ufffd31m');
    } finally {
      onboarding.close();
    }
  });
});
