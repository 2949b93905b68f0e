import { waitFor } from '../../infra/local/managed-process';
import { quotaRatesFrom } from '../../shared/quotas/quota-rates';
import { activeContact, uniqueEmail, untilAccessStatus } from '../support/active-person';
import { localStackContext } from '../support/local-stack-context';
import { apiClient } from '../support/staff-api';

jest.setTimeout(120_000);

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

async function backlog(): Promise<Backlog> {
  const response = await local.api.call<Backlog>('GET', '/provisioning/backlog');
  expect(response.status).toBe(200);
  expect(response.headers.get('cache-control')).toBe('no-store');
  return response.body;
}

describe('GET /provisioning/backlog', () => {
  it('counts the people just enabled until they are invited, at the configured rates', async () => {
    const people = await Promise.all(
      Array.from({ length: 5 }, (_, n) =>
        local.api.create('contacts', {
          firstName: 'Bulk',
          lastName: `Backlog${n}`,
          email: uniqueEmail(`backlog${n}`),
          portal: { enabled: true },
        }),
      ),
    );
    const first = await backlog();
    expect(first.pending).toBeGreaterThanOrEqual(0);
    expect(first.exact).toBe(true);

    // The rates the stack was started with (infra/local/local-stack.ts falls back on the same defaults).
    const configured = quotaRatesFrom(process.env);
    const shown = (rate: number) => (Number.isFinite(rate) ? rate : null);
    expect(first.rates).toEqual({
      cognitoCreate: shown(configured.cognitoCreate),
      cognitoUpdate: shown(configured.cognitoUpdate),
      sesSend: shown(configured.sesSend),
    });
    const binding = Math.min(configured.cognitoCreate, configured.sesSend);
    expect(first.bindingQuota).toBe(
      Number.isFinite(binding) ? (configured.sesSend <= configured.cognitoCreate ? 'sesSend' : 'cognitoCreate') : null,
    );
    expect(first.estimatedDrainSeconds).toBe(Number.isFinite(binding) ? Math.ceil(first.pending / binding) : null);

    for (const person of people) await untilAccessStatus(local.api, 'contacts', person.id, 'invited');
    let last: Backlog | undefined;
    await waitFor(
      async () => {
        last = await backlog();
        return last.pending === 0;
      },
      30_000,
      `the backlog to drain; last seen ${JSON.stringify(last)}`,
    );
    expect(last).toMatchObject({ pending: 0, exact: true });
    expect(last!.estimatedDrainSeconds ?? 0).toBe(0);
  });

  it('is for staff only: a portal token is refused', async () => {
    const { accessToken } = await activeContact(local.api, local.mail, local.users);
    const response = await apiClient(local.outputs.ApiUrl, accessToken)('GET', '/provisioning/backlog');
    expect([401, 403]).toContain(response.status);
  });
});
