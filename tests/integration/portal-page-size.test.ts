import type { LocalOutputs } from '../../infra/outputs';
import { maxPageSize } from '../../shared/records/list-query';
import { portalOnboarding, type OnboardedPerson } from '../support/portal-onboarding';
import { stackOutputs } from '../support/outputs';
import { staffApi, type StaffApi } from '../support/staff-api';

/** A portal page size beyond the maximum is refused as on the staff routes (400, the field named), never capped. */
jest.setTimeout(60_000);

let outputs: LocalOutputs;
let api: StaffApi;
let onboarding: ReturnType<typeof portalOnboarding>;
let partner: OnboardedPerson;

beforeAll(async () => {
  outputs = stackOutputs();
  api = await staffApi(outputs);
  onboarding = portalOnboarding(outputs, api);
  partner = await onboarding.onboard();
  await api.create('tickets', { title: 'Visible', contactId: partner.person.id, showOnPortal: true });
});
afterAll(() => onboarding.close());

describe('GET /portal/{module}?limit=', () => {
  it(`answers 400 problem+json naming /limit above ${maxPageSize}, exactly as the staff list does`, async () => {
    for (const limit of [String(maxPageSize + 1), '1000', '99999999999999999999999']) {
      const portal = await partner.call('GET', `/portal/tickets?limit=${limit}`);
      expect({ limit, status: portal.status }).toEqual({ limit, status: 400 });
      expect(portal.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(portal.body.errors).toEqual([{ path: '/limit', message: `at most ${maxPageSize}` }]);

      const staff = await api.call('GET', `/tickets?limit=${limit}`);
      expect(staff.status).toBe(400);
      expect(staff.body.errors).toEqual(portal.body.errors);
    }
  });

  it(`accepts ${maxPageSize} itself`, async () => {
    const page = await partner.call<{ items: unknown[] }>('GET', `/portal/tickets?limit=${maxPageSize}`);
    expect(page.status).toBe(200);
    expect(page.body.items).toHaveLength(1);
  });
});
