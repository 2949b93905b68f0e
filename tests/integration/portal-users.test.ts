import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { LocalOutputs } from '../../infra/outputs';
import { localCredentials, localRegion } from '../../infra/local/local-aws';
import { waitFor } from '../../infra/local/managed-process';
import { createAccessMachine } from '../../shared/access/access-machine';
import { listPortalUsers } from '../../shared/portal-users/portal-users';
import { stackOutputs } from '../support/outputs';
import { staffApi, type StaffApi } from '../support/staff-api';

jest.setTimeout(120_000);

/**
 * `GET /portal-users`: everyone with portal access and their recorded status, filterable by status, served by the
 * index attributes the access machine sets in each status write (gsi2 `ACCESS#<status>`); one Query per page.
 */

let outputs: LocalOutputs;
let api: StaffApi;
let dynamo: DynamoDBClient;
let machine: ReturnType<typeof createAccessMachine>;
const calls: string[] = [];

beforeAll(async () => {
  outputs = stackOutputs();
  api = await staffApi(outputs);
  dynamo = new DynamoDBClient({
    endpoint: outputs.DynamoDbEndpoint,
    region: localRegion,
    credentials: localCredentials,
  });
  dynamo.middlewareStack.add(
    (next, context) => async (args) => {
      calls.push(context.commandName!.replace(/Command$/, ''));
      return next(args);
    },
    { step: 'initialize', name: 'countCalls' },
  );
  machine = createAccessMachine({ dynamo, tableName: outputs.TableName });
});
afterAll(() => dynamo.destroy());

type PortalUser = { personId: string; status: string; lastName?: string; email?: string; lastError?: string };
type Page = { items: PortalUser[]; nextCursor: string | null };

async function page(query: string): Promise<Page> {
  const response = await api.call<Page>('GET', `/portal-users${query}`);
  expect([query, response.status]).toEqual([query, 200]);
  return response.body;
}

/** Every person of a list, through all its pages. */
async function everyone(status?: string): Promise<PortalUser[]> {
  const people: PortalUser[] = [];
  let cursor: string | null = null;
  do {
    const params = new URLSearchParams({ limit: '100', ...(status ? { status } : {}), ...(cursor ? { cursor } : {}) });
    const next: Page = await page(`?${params}`);
    people.push(...next.items);
    cursor = next.nextCursor;
  } while (cursor);
  return people;
}

const idsIn = async (status?: string) => (await everyone(status)).map((person) => person.personId);

/** A contact without portal access, so only this test moves its access state (through the access machine). */
async function person() {
  const lastName = `Users${randomUUID().slice(0, 8)}`;
  return api.create('contacts', { firstName: 'Pat', lastName, email: `${lastName.toLowerCase()}@example.com` });
}

describe('GET /portal-users', () => {
  it('lists a person under the status each write records, and under that one only', async () => {
    const contact = await person();
    await machine.markFailed(contact.id, 'none', 'Cognito said no');
    const failed = (await everyone('failed')).find((user) => user.personId === contact.id);
    expect(failed).toMatchObject({
      status: 'failed',
      lastName: contact.lastName,
      email: contact.email,
    });
    expect(await idsIn('suspended')).not.toContain(contact.id);

    await machine.suspend(contact.id, { reason: 'supportWindow' });
    expect(await idsIn('suspended')).toContain(contact.id);
    expect(await idsIn('failed')).not.toContain(contact.id);

    // A status written by a hand-made update (markActive, at sign-in) moves the item too.
    await machine.confirmInvited(contact.id, {});
    expect(await idsIn('invited')).toContain(contact.id);
    await machine.markActive(contact.id, new Date().toISOString());
    expect(await idsIn('active')).toContain(contact.id);
    expect(await idsIn('invited')).not.toContain(contact.id);
    // The unfiltered list has everyone with an access item.
    expect(await idsIn()).toContain(contact.id);
  });

  it("pages a status's list, most recent change first", async () => {
    const people: string[] = [];
    for (let i = 0; i < 3; i++) {
      const contact = await person();
      await machine.revoke(contact.id, { reason: 'portalDisabled' });
      people.push(contact.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const params = new URLSearchParams({ status: 'revoked', limit: '2', ...(cursor ? { cursor } : {}) });
      const next: Page = await page(`?${params}`);
      expect(next.items.length).toBeLessThanOrEqual(2);
      seen.push(...next.items.map((user) => user.personId));
      cursor = next.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(seen.filter((id) => people.includes(id))).toEqual([...people].reverse());
  });

  it('is one Query and one BatchGetItem per page', async () => {
    const contact = await person();
    await machine.markFailed(contact.id, 'none', 'counted');
    calls.length = 0;
    const first = await listPortalUsers({ dynamo, tableName: outputs.TableName }, { status: 'failed', limit: '5' });
    expect(first.items.length).toBeGreaterThan(0);
    expect(calls).toEqual(['Query', 'BatchGetItem']);
  });

  it('refuses an unknown status, `none`, an unknown parameter and a cursor of another list', async () => {
    for (const query of ['?status=none', '?status=Active', '?sort=name', '?limit=101']) {
      const response = await api.call('GET', `/portal-users${query}`);
      expect([query, response.status]).toEqual([query, 400]);
    }
    const contact = await person();
    await machine.markFailed(contact.id, 'none', 'x');
    const other = await person();
    await machine.markFailed(other.id, 'none', 'y');
    const failed = await page('?status=failed&limit=1');
    expect(failed.nextCursor).not.toBeNull();
    const crossed = await api.call(
      'GET',
      `/portal-users?status=active&cursor=${encodeURIComponent(failed.nextCursor!)}`,
    );
    expect(crossed.status).toBe(400);
  });

  it('shows a person staff gave portal access as invited once the invitation is sent', async () => {
    const partner = await api.create('partner-organizations', { name: 'Users Inc', partnerStatus: 'Active' });
    const lastName = `Invited${randomUUID().slice(0, 8)}`;
    const contact = await api.create('partner-contacts', {
      lastName,
      email: `${lastName.toLowerCase()}@example.com`,
      organizationId: partner.id,
      portal: { enabled: true },
    });
    await waitFor(async () => (await idsIn('invited')).includes(contact.id), 60_000, 'the invitation');
    expect(await idsIn('pending')).not.toContain(contact.id);
  });
});
