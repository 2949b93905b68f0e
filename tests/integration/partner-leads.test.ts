import { randomUUID } from 'node:crypto';
import { partnerLeadFields } from '../../shared/deals/partner-leads';
import { localStackContext } from '../support/local-stack-context';
import { portalOnboarding, type OnboardedPerson } from '../support/portal-onboarding';

/**
 * Leads staff assign to a partner organization, on the local stack (issue 16): its partner contacts with the `leads`
 * component see only the shared fields; they accept (then report a stage) or decline with a reason, and a declined
 * lead goes back to the vendor's queue and out of the partner's portal.
 */
jest.setTimeout(180_000);

type Json = Record<string, unknown>;
const local = localStackContext();
let onboarding: ReturnType<typeof portalOnboarding>;
const short = () => randomUUID().slice(0, 8);

let organizationId: string;
let partner: OnboardedPerson;

beforeAll(async () => {
  onboarding = portalOnboarding(local.outputs, local.api);
  organizationId = (
    await local.api.create('partner-organizations', { name: `Leads partner ${short()}`, partnerStatus: 'Active' })
  ).id;
  partner = await onboarding.onboard({ organizationId, portal: { components: ['leads'] } });
});
afterAll(() => onboarding.close());

async function assignedLead() {
  const lead = await local.api.create('leads', {
    firstName: 'Lin',
    lastName: `Lead ${short()}`,
    email: `lin.${short()}@buyer.example`,
    company: 'Buyer Ltd',
    title: 'CTO',
    emailOptOut: true,
  });
  const assigned = await local.api.call('PATCH', `/leads/${lead.id}`, { assignedPartnerId: organizationId });
  expect(assigned.status).toBe(200);
  return lead.id;
}

describe('an assigned lead', () => {
  it('shows the partner only the fields the vendor shares', async () => {
    const id = await assignedLead();
    const shown = await partner.call('GET', `/portal/leads/${id}`);
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({ id, company: 'Buyer Ltd', title: 'CTO' });
    for (const field of Object.keys(shown.body)) expect(partnerLeadFields).toContain(field);
    expect(shown.body).not.toHaveProperty('emailOptOut');
    expect(shown.body).not.toHaveProperty('assignedPartnerId');
    const listed = await partner.call<{ items: Json[] }>('GET', '/portal/leads');
    expect(listed.body.items.map((item) => item.id)).toContain(id);
  });

  it('is accepted once, then its stage moves within the set; staff see the answer and the stage', async () => {
    const id = await assignedLead();
    expect((await partner.call('PUT', `/portal/leads/${id}/stage`, { stage: 'qualified' })).status).toBe(409);
    const accepted = await partner.call('POST', `/portal/leads/${id}/decision`, { decision: 'accept' });
    expect(accepted.status).toBe(201);
    expect(accepted.body).toMatchObject({
      decision: 'accept',
      partnerId: organizationId,
      decidedBy: { id: partner.person.id },
    });
    expect((await partner.call('POST', `/portal/leads/${id}/decision`, { decision: 'accept' })).status).toBe(409);
    expect((await partner.call('PUT', `/portal/leads/${id}/stage`, { stage: 'signed-in-blood' })).status).toBe(400);
    const staged = await partner.call('PUT', `/portal/leads/${id}/stage`, { stage: 'qualified' });
    expect(staged.status).toBe(200);
    expect(staged.body).toMatchObject({ id, partnerStage: 'qualified' });
    expect((await local.api.call('GET', `/leads/${id}`)).body).toMatchObject({
      assignedPartnerId: organizationId,
      partnerDecision: { decision: 'accept' },
      partnerStage: 'qualified',
      updatedBy: `portal:${partner.person.id}`,
    });
  });

  it('needs a reason to decline; declined, it returns to the vendor and leaves the portal', async () => {
    const id = await assignedLead();
    const bare = await partner.call('POST', `/portal/leads/${id}/decision`, { decision: 'decline' });
    expect(bare.status).toBe(400);
    const unknown = await partner.call('POST', `/portal/leads/${id}/decision`, { decision: 'decline', reason: 'meh' });
    expect(unknown.status).toBe(400);
    const declined = await partner.call('POST', `/portal/leads/${id}/decision`, {
      decision: 'decline',
      reason: 'duplicate',
      note: 'We already work this account.',
    });
    expect(declined.status).toBe(201);
    expect((await partner.call('GET', `/portal/leads/${id}`)).status).toBe(404);
    const listed = await partner.call<{ items: Json[] }>('GET', '/portal/leads');
    expect(listed.body.items.map((item) => item.id)).not.toContain(id);
    const staffView = (await local.api.call('GET', `/leads/${id}`)).body;
    expect(staffView).not.toHaveProperty('assignedPartnerId');
    expect(staffView).toMatchObject({
      partnerDecision: { decision: 'decline', reason: 'duplicate', partnerId: organizationId },
    });
    // Back in the vendor's queue: staff can pass it on again, and the new assignment starts afresh.
    expect((await local.api.call('PATCH', `/leads/${id}`, { assignedPartnerId: organizationId })).status).toBe(200);
    const again = await partner.call('GET', `/portal/leads/${id}`);
    expect(again.status).toBe(200);
    expect(again.body).not.toHaveProperty('partnerDecision');
  });
});
