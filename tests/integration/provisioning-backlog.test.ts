import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../../infra/local/managed-process';
import { spawnLocalStack, stopLocalStack, untilReady, type StackProcess } from '../../infra/local/stack-process';
import { quotaRatesFrom } from '../../shared/quotas/quota-rates';
import { activeContact, uniqueEmail } from '../support/active-person';
import { localStackContext } from '../support/local-stack-context';
import { apiClient, staffApi, type StaffApi } from '../support/staff-api';

jest.setTimeout(600_000);

/**
 * `GET /provisioning/backlog`: staff see how many people wait for a login and invitation (a COUNT Query of the
 * access index, `ACCESS#pending`), the rates provisioning is paced at, and the time the backlog takes to drain.
 */

const local = localStackContext();

interface Backlog {
  pending: number;
  exact: boolean;
  rates: { cognitoCreate: number | null; cognitoUpdate: number | null; sesSend: number | null };
  bindingQuota: string | null;
  estimatedDrainSeconds: number | null;
}

async function backlog(api: StaffApi): Promise<Backlog> {
  const response = await api.call<Backlog>('GET', '/provisioning/backlog');
  expect(response.status).toBe(200);
  expect(response.headers.get('cache-control')).toBe('no-store');
  return response.body;
}

// The backlog is table-wide, and the shared stack's other files (imports of thousands) keep it busy: this one runs a
// stack of its own, sending at SES's sandbox rate (1/s) so ten invitations take seconds to drain.
describe('GET /provisioning/backlog on a stack of its own', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'portico-backlog-'));
  const environment = { POWERTOOLS_LOG_LEVEL: 'WARN', SES_SEND_RATE: '1' };
  let stack: StackProcess | undefined;
  let api: StaffApi;
  beforeAll(async () => {
    stack = spawnLocalStack(dataDir, ['--fresh'], environment);
    api = await staffApi(await untilReady(stack, 300_000));
  });
  afterAll(async () => {
    if (stack) await stopLocalStack(stack);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('counts the people just enabled until they are invited, at the configured rates', async () => {
    const configured = quotaRatesFrom({ ...process.env, ...environment });
    const shown = (rate: number) => (Number.isFinite(rate) ? rate : null);
    expect(await backlog(api)).toEqual({
      pending: 0,
      exact: true,
      rates: {
        cognitoCreate: shown(configured.cognitoCreate),
        cognitoUpdate: shown(configured.cognitoUpdate),
        sesSend: 1,
      },
      bindingQuota: 'sesSend',
      estimatedDrainSeconds: 0,
    });

    const people = await Promise.all(
      Array.from({ length: 10 }, (_, n) =>
        api.create('contacts', {
          firstName: 'Bulk',
          lastName: `Backlog${n}`,
          email: uniqueEmail(`backlog${n}`),
          portal: { enabled: true },
        }),
      ),
    );
    const statuses = () =>
      Promise.all(
        people.map(
          async (person) => (await api.call('GET', `/contacts/${person.id}/portal-access`)).body.status as string,
        ),
      );
    const pendingOfThem = async () => (await statuses()).filter((status) => status === 'pending').length;

    // A person only leaves `pending` (for `invited`), never returns: whoever is pending after a backlog read was
    // pending during it, and whoever was not pending before it was not counted. The stack is this test's alone.
    const observations: { before: number; counted: number; after: number }[] = [];
    for (;;) {
      const before = await pendingOfThem();
      const seen = await backlog(api);
      const after = await pendingOfThem();
      expect(seen.exact).toBe(true);
      expect(seen.estimatedDrainSeconds).toBe(seen.pending); // at 1 invitation a second
      observations.push({ before, counted: seen.pending, after });
      if (before === 0) break;
    }
    for (const { before, counted, after } of observations) {
      expect(counted).toBeLessThanOrEqual(before);
      expect(counted).toBeGreaterThanOrEqual(after);
    }
    // Ten invitations at 1/s take at least nine seconds: some reads saw people waiting.
    expect(observations.some(({ after }) => after > 0)).toBe(true);

    let last: Backlog | undefined;
    await waitFor(
      async () => (last = await backlog(api)).pending === 0,
      60_000,
      () => `the backlog to drain; last seen ${JSON.stringify(last)}`,
    );
    expect(last).toMatchObject({ pending: 0, exact: true, estimatedDrainSeconds: 0 });
    expect(await statuses()).toEqual(people.map(() => 'invited'));
  });
});

describe('GET /provisioning/backlog on the shared stack', () => {
  it('answers with the rates the stack was started with', async () => {
    const configured = quotaRatesFrom(process.env);
    const shown = (rate: number) => (Number.isFinite(rate) ? rate : null);
    const seen = await backlog(local.api);
    expect(seen.rates).toEqual({
      cognitoCreate: shown(configured.cognitoCreate),
      cognitoUpdate: shown(configured.cognitoUpdate),
      sesSend: shown(configured.sesSend),
    });
    const binding = Math.min(configured.cognitoCreate, configured.sesSend);
    expect(seen.estimatedDrainSeconds).toBe(Number.isFinite(binding) ? Math.ceil(seen.pending / binding) : null);
  });

  it('is for staff only: a portal token is refused', async () => {
    const { accessToken } = await activeContact(local.api, local.mail, local.users);
    const response = await apiClient(local.outputs.ApiUrl, accessToken)('GET', '/provisioning/backlog');
    expect([401, 403]).toContain(response.status);
  });
});
