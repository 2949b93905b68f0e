import { randomUUID } from 'node:crypto';
import { localStackContext } from '../support/local-stack-context';
import { portalOnboarding, type OnboardedPerson } from '../support/portal-onboarding';

/**
 * POST /portal/quotes/{id}/decision on the local stack: once (concurrent decisions → one 201, the rest 409), recorded
 * like a signature, the status following; a staff edit of the content afterwards supersedes it.
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

describe('deciding a quote', () => {
  let person: OnboardedPerson;
  const quote = (fields: Json = {}) =>
    local.api.create('quotes', {
      subject: `Quote ${short()}`,
      total: 1200,
      currency: 'EUR',
      status: 'Delivered',
      contactId: person.person.id,
      showOnPortal: true,
      ...fields,
    });

  beforeAll(async () => {
    person = await onboarding.onboard({ fields: { firstName: 'Dana', lastName: 'Decider' } });
  });

  it('records an acceptance like a signature; the quote shows it and becomes Accepted; a second decision is 409', async () => {
    const { id } = await quote();
    const decided = await person.call(
      'POST',
      `/portal/quotes/${id}/decision`,
      { decision: 'accept', reason: 'Good price.\nGo ahead.' },
      { 'user-agent': 'QuoteTest/1.0' },
    );
    expect(decided.status).toBe(201);
    expect(decided.body).toEqual({
      decision: 'accept',
      reason: 'Good price.\nGo ahead.',
      decidedAt: expect.any(String),
      decidedBy: { id: person.person.id, name: 'Dana Decider', email: person.email },
      contentHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const shown = (await person.call('GET', `/portal/quotes/${id}`)).body;
    expect(shown).toMatchObject({ status: 'Accepted', decision: { decision: 'accept' } });
    expect(shown.decision).not.toHaveProperty('superseded');
    const staffView = (await local.api.call('GET', `/quotes/${id}`)).body;
    expect(staffView).toMatchObject({
      status: 'Accepted',
      updatedBy: `portal:${person.person.id}`,
      decision: { decision: 'accept', sourceIp: expect.any(String), userAgent: 'QuoteTest/1.0' },
    });

    const again = await person.call('POST', `/portal/quotes/${id}/decision`, { decision: 'decline' });
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toContain('application/problem+json');
    expect((await local.api.call('GET', `/quotes/${id}`)).body).toMatchObject({ decision: { decision: 'accept' } });
  });

  it('lets exactly one of concurrent decisions through', async () => {
    const { id } = await quote();
    const responses = await Promise.all(
      ['accept', 'decline', 'accept', 'decline', 'accept'].map((decision) =>
        person.call('POST', `/portal/quotes/${id}/decision`, { decision }),
      ),
    );
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409]);
    const winner = responses.find((response) => response.status === 201)!.body;
    const stored = (await local.api.call('GET', `/quotes/${id}`)).body;
    expect(stored).toMatchObject({
      decision: { decision: winner.decision, decidedAt: winner.decidedAt },
      status: winner.decision === 'accept' ? 'Accepted' : 'Rejected',
    });
  });

  it('is superseded by a staff edit of the content (not of anything else); the person may then decide again', async () => {
    const { id } = await quote();
    expect((await person.call('POST', `/portal/quotes/${id}/decision`, { decision: 'decline' })).status).toBe(201);
    expect((await local.api.call('GET', `/quotes/${id}`)).body.status).toBe('Rejected');
    // A status change is not content: the decision stands.
    expect((await local.api.call('PATCH', `/quotes/${id}`, { status: 'Reviewed' })).status).toBe(200);
    expect((await person.call('GET', `/portal/quotes/${id}`)).body.decision).not.toHaveProperty('superseded');
    // Staff cannot write a decision themselves.
    expect((await local.api.call('PATCH', `/quotes/${id}`, { decision: { decision: 'accept' } })).status).toBe(400);

    expect((await local.api.call('PATCH', `/quotes/${id}`, { total: 999 })).status).toBe(200);
    const shown = (await person.call('GET', `/portal/quotes/${id}`)).body;
    expect(shown.decision).toMatchObject({ decision: 'decline', superseded: true, supersededAt: expect.any(String) });
    const again = await person.call('POST', `/portal/quotes/${id}/decision`, { decision: 'accept' });
    expect(again.status).toBe(201);
    expect((await local.api.call('GET', `/quotes/${id}`)).body).toMatchObject({
      status: 'Accepted',
      decision: { decision: 'accept' },
    });
  });

  it("refuses another person's quote (404), a hidden one (404), no quotes component (403), and a bad body (400)", async () => {
    const { id } = await quote();
    const hidden = await quote({ showOnPortal: false });
    const stranger = await onboarding.onboard();
    const withoutQuotes = await onboarding.onboard({ portal: { components: ['tickets'] } });
    const strangersQuote = await local.api.create('quotes', {
      subject: 'Theirs',
      contactId: withoutQuotes.person.id,
      showOnPortal: true,
    });
    expect((await stranger.call('POST', `/portal/quotes/${id}/decision`, { decision: 'accept' })).status).toBe(404);
    expect((await person.call('POST', `/portal/quotes/${hidden.id}/decision`, { decision: 'accept' })).status).toBe(
      404,
    );
    expect(
      (await withoutQuotes.call('POST', `/portal/quotes/${strangersQuote.id}/decision`, { decision: 'accept' })).status,
    ).toBe(403);
    for (const body of [{}, { decision: 'maybe' }, { decision: 'accept', reason: '' }, { decision: 'accept', at: 1 }]) {
      expect({ body, status: (await person.call('POST', `/portal/quotes/${id}/decision`, body)).status }).toEqual({
        body,
        status: 400,
      });
    }
    const untouched = (await local.api.call('GET', `/quotes/${id}`)).body;
    expect(untouched.decision).toBeUndefined();
    expect(untouched.status).toBe('Delivered');
  });
});
