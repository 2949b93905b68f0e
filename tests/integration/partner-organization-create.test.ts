import { randomUUID } from 'node:crypto';
import type { LocalOutputs } from '../../infra/outputs';
import { stackOutputs } from '../support/outputs';
import { staffApi, type StaffApi } from '../support/staff-api';

jest.setTimeout(90_000);

/**
 * `POST /partner-organizations` with `primaryContact`: the organization and its new partner contact, each naming the
 * other, in one transaction; a failure of either leaves neither (shared/records/record-service.ts `createWithInline`).
 */

let outputs: LocalOutputs;
let api: StaffApi;

beforeAll(async () => {
  outputs = stackOutputs();
  api = await staffApi(outputs);
});

type Record = { id: string } & { [field: string]: unknown };
type Page = { items: Record[]; nextCursor: string | null };
type Problem = { status: number; errors?: { path: string; message: string }[]; conflict?: { field: string } };

/** A name no other test uses, so a search for it finds only this test's records. */
const uniqueName = (what: string) =>
  `${what}${randomUUID()
    .replace(/-/g, '')
    .slice(0, 10)
    .replace(/[0-9]/g, (digit) => 'abcdefghij'[Number(digit)]!)}`;

async function found(module: string, q: string): Promise<Record[]> {
  const response = await api.call<Page>('GET', `/${module}?q=${encodeURIComponent(q)}`);
  expect(response.status).toBe(200);
  return response.body.items;
}

/** Neither the organization nor the contact exists: no term of either, and no record behind one. */
async function expectNeither(organizationName: string, contactLastName: string) {
  expect(await found('partner-organizations', organizationName)).toEqual([]);
  expect(await found('partner-contacts', contactLastName)).toEqual([]);
}

describe('POST /partner-organizations with a primaryContact', () => {
  it('creates the organization and its primary contact, linked both ways, in one request', async () => {
    const name = uniqueName('Initech');
    const lastName = uniqueName('Lumbergh');
    const response = await api.call<Record>('POST', '/partner-organizations', {
      name,
      partnerType: 'Reseller',
      phone: '+1 555 0100',
      partnerStatus: 'Active',
      primaryContact: { firstName: 'Bill', lastName, email: `${lastName.toLowerCase()}@example.com` },
    });
    expect(response.status).toBe(201);
    const organization = response.body;
    expect(organization).toMatchObject({ name, partnerStatus: 'Active', version: 1 });
    expect(organization).not.toHaveProperty('primaryContact');
    expect(response.headers.get('location')).toBe(`/partner-organizations/${organization.id}`);

    const contactId = organization.primaryContactId as string;
    expect(contactId).toMatch(/^pcon_/);
    const contact = await api.call<Record>('GET', `/partner-contacts/${contactId}`);
    expect(contact.status).toBe(200);
    expect(contact.body).toMatchObject({ firstName: 'Bill', lastName, organizationId: organization.id, version: 1 });

    // The organization's people list (gsi2) and the search terms have both.
    const people = await api.call<Page>('GET', `/partner-contacts?organizationId=${organization.id}`);
    expect(people.body.items.map((item) => item.id)).toEqual([contactId]);
    expect((await found('partner-organizations', name)).map((item) => item.id)).toEqual([organization.id]);
    expect((await found('partner-contacts', lastName)).map((item) => item.id)).toEqual([contactId]);

    // The contact's link is counted: the organization cannot be deleted under it.
    const deleted = await api.call<Problem & { linkCount: number }>(
      'DELETE',
      `/partner-organizations/${organization.id}`,
    );
    expect(deleted.status).toBe(409);
    expect(deleted.body.linkCount).toBe(1);
    // Deleting the contact makes the organization forget it, as for any primary contact.
    expect((await api.call('DELETE', `/partner-contacts/${contactId}`)).status).toBe(204);
    const after = await api.call<Record>('GET', `/partner-organizations/${organization.id}`);
    expect(after.body).not.toHaveProperty('primaryContactId');
    expect((await api.call('DELETE', `/partner-organizations/${organization.id}`)).status).toBe(204);
  });

  it("answers every problem of both at once, the contact's under /primaryContact, and creates nothing", async () => {
    const lastName = uniqueName('Invalid');
    const response = await api.call<Problem>('POST', '/partner-organizations', {
      partnerStatus: 'Sometimes',
      primaryContact: { firstName: lastName, email: 'not an email', nickname: 'x' },
    });
    expect(response.status).toBe(400);
    expect(response.body.errors!.map((error) => error.path).sort()).toEqual(
      [
        '/name',
        '/partnerStatus',
        '/primaryContact/email',
        '/primaryContact/lastName',
        '/primaryContact/nickname',
      ].sort(),
    );
    expect(await found('partner-contacts', lastName)).toEqual([]);
  });

  it('refuses a primaryContact that names its organization, one beside primaryContactId, and one not an object', async () => {
    const name = uniqueName('Refused');
    const lastName = uniqueName('Refused');
    const cases: [unknown, string][] = [
      [
        { name, primaryContact: { lastName, organizationId: `porg_${randomUUID()}` } },
        '/primaryContact/organizationId',
      ],
      [{ name, primaryContactId: `pcon_${randomUUID()}`, primaryContact: { lastName } }, '/primaryContactId'],
      [{ name, primaryContact: 'Bill' }, '/primaryContact'],
      [{ name, primaryContact: null }, '/primaryContact'],
    ];
    for (const [body, path] of cases) {
      const response = await api.call<Problem>('POST', '/partner-organizations', body);
      expect([response.status, response.body.errors?.map((error) => error.path)]).toEqual([400, [path]]);
    }
    await expectNeither(name, lastName);
    // Other modules have no inline create: the member is unknown there.
    const other = await api.call<Problem>('POST', '/organizations', { name, primaryContact: { lastName } });
    expect(other.body.errors?.map((error) => error.path)).toEqual(['/primaryContact']);
  });

  it("leaves neither when the contact's portal email is another person's (the transaction is cancelled)", async () => {
    const email = `${uniqueName('taken').toLowerCase()}@example.com`;
    const holderOrganization = await api.create('partner-organizations', { name: uniqueName('Holder') });
    const holder = await api.create('partner-contacts', {
      lastName: 'Holder',
      email,
      organizationId: holderOrganization.id,
      portal: { enabled: true },
    });
    const name = uniqueName('Loser');
    const lastName = uniqueName('Loser');
    const response = await api.call<Problem & { conflict: { field: string; holderId: string } }>(
      'POST',
      '/partner-organizations',
      { name, primaryContact: { lastName, email, portal: { enabled: true } } },
    );
    expect(response.status).toBe(409);
    expect(response.body.conflict).toEqual({ field: 'primaryContact.email', holderId: holder.id });
    await expectNeither(name, lastName);
  });

  it('two concurrent creates whose contacts claim the same portal email: one pair is created, the other not at all', async () => {
    const email = `${uniqueName('race').toLowerCase()}@example.com`;
    const pairs = [uniqueName('RaceA'), uniqueName('RaceB'), uniqueName('RaceC')].map((name) => ({
      name,
      lastName: `${name}Contact`,
    }));
    const answers = await Promise.all(
      pairs.map(({ name, lastName }) =>
        api.call<Record>('POST', '/partner-organizations', {
          name,
          primaryContact: { lastName, email, portal: { enabled: true } },
        }),
      ),
    );
    expect(answers.map((answer) => answer.status).sort()).toEqual([201, 409, 409]);
    for (const [i, answer] of answers.entries()) {
      const { name, lastName } = pairs[i]!;
      if (answer.status === 409) {
        await expectNeither(name, lastName);
      } else {
        expect((await found('partner-organizations', name)).map((item) => item.id)).toEqual([answer.body.id]);
        expect((await found('partner-contacts', lastName)).map((item) => item.id)).toEqual([
          answer.body.primaryContactId,
        ]);
      }
    }
  });
});
