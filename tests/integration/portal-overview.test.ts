import { randomUUID } from 'node:crypto';
import { localStackContext } from '../support/local-stack-context';
import { portalOnboarding } from '../support/portal-onboarding';

/**
 * GET /portal/overview on the local stack: per component, in the person's order, the count of what they see and
 * what needs them (tickets awaiting their reply, sales orders awaiting their signature, quotes awaiting their
 * decision); nothing of what they cannot see.
 */
jest.setTimeout(90_000);

type Need = { id: string; title: string; reason: string };
type Overview = { components: { module: string; count: number; needsYou: Need[] }[] };

const local = localStackContext();
let onboarding: ReturnType<typeof portalOnboarding>;
beforeAll(() => {
  onboarding = portalOnboarding(local.outputs, local.api);
});
afterAll(() => onboarding.close());

const short = () => randomUUID().slice(0, 8);

describe('the portal overview', () => {
  it('counts per component in the person’s order and lists what needs them, and follows their actions', async () => {
    const person = await onboarding.onboard({
      portal: { components: ['quotes', 'tickets', 'sales-orders', 'documents'], canESign: true },
    });
    const contactId = person.person.id;
    const stranger = await onboarding.onboard();
    const shown = { contactId, showOnPortal: true };
    const awaitingReply = await person.call('POST', '/portal/tickets', { title: `Reply ${short()}`, description: 'x' });
    await person.call('POST', '/portal/tickets', { title: `Quiet ${short()}`, description: 'x' });
    const [quote, decidedQuote, order, cancelledOrder] = await Promise.all([
      local.api.create('quotes', { subject: `Q ${short()}`, status: 'Delivered', ...shown }),
      local.api.create('quotes', { subject: `Q2 ${short()}`, status: 'Delivered', ...shown }),
      local.api.create('sales-orders', { subject: `SO ${short()}`, ...shown }),
      local.api.create('sales-orders', { subject: `Cancelled ${short()}`, status: 'Cancelled', ...shown }),
      local.api.create('quotes', { subject: 'Hidden', status: 'Delivered', contactId, showOnPortal: false }),
      local.api.create('quotes', {
        subject: 'Theirs',
        status: 'Delivered',
        contactId: stranger.person.id,
        showOnPortal: true,
      }),
      local.api.create('documents', { title: 'Manual', ...shown }),
    ]);
    await local.api.call('POST', `/tickets/${awaitingReply.body.id as string}/comments`, { body: 'Which one?' });
    await person.call('POST', `/portal/quotes/${decidedQuote.id}/decision`, { decision: 'accept' });

    const overview = await person.call<Overview>('GET', '/portal/overview');
    expect(overview.status).toBe(200);
    expect(overview.body).toEqual({
      components: [
        {
          module: 'quotes',
          count: 2,
          needsYou: [{ id: quote.id, title: quote.subject, reason: 'awaiting-decision' }],
        },
        {
          module: 'tickets',
          count: 2,
          needsYou: [{ id: awaitingReply.body.id, title: awaitingReply.body.title, reason: 'awaiting-your-reply' }],
        },
        {
          module: 'sales-orders',
          count: 2,
          needsYou: [{ id: order.id, title: order.subject, reason: 'awaiting-signature' }],
        },
        { module: 'documents', count: 1, needsYou: [] },
      ],
    });
    expect(cancelledOrder.id).toBeDefined();

    // The person replies and decides: nothing of those needs them any more.
    await person.call('POST', `/portal/tickets/${awaitingReply.body.id as string}/comments`, { body: 'The big one' });
    await person.call('POST', `/portal/quotes/${quote.id}/decision`, { decision: 'decline' });
    const after = await person.call<Overview>('GET', '/portal/overview');
    expect(after.body.components.map((component) => [component.module, component.needsYou.length])).toEqual([
      ['quotes', 0],
      ['tickets', 0],
      ['sales-orders', 1],
      ['documents', 0],
    ]);
  });

  it('asks no signature of a person who cannot e-sign, and refuses a person whose flag is unticked', async () => {
    const person = await onboarding.onboard({ portal: { components: ['sales-orders'] } });
    await local.api.create('sales-orders', { subject: 'Unsignable', contactId: person.person.id, showOnPortal: true });
    const overview = await person.call<Overview>('GET', '/portal/overview');
    expect(overview.body).toEqual({ components: [{ module: 'sales-orders', count: 1, needsYou: [] }] });
    await local.api.call('PATCH', `/partner-contacts/${person.person.id}`, { portal: { enabled: false } });
    expect((await person.call('GET', '/portal/overview')).status).toBe(403);
  });

  it('counts a component beyond the defaults too (deal registrations), in the order the person has them', async () => {
    const partner = await onboarding.onboard({ portal: { components: ['deal-registrations', 'documents'] } });
    const organizationId = partner.person.organizationId as string;
    await Promise.all([
      local.api.create('deal-registrations', {
        companyName: `Prospect ${short()}`,
        contactName: 'Pat Prospect',
        contactEmail: `pat.${short()}@example.com`,
        estimatedValue: 1000,
        currency: 'EUR',
        expectedCloseDate: '2030-01-31',
        organizationId,
        showOnPortal: true,
      }),
      local.api.create('documents', { title: `Guide ${short()}`, organizationId, showOnPortal: true }),
      local.api.create('documents', { title: `Terms ${short()}`, organizationId, showOnPortal: true }),
    ]);
    const overview = await partner.call<Overview>('GET', '/portal/overview');
    expect(overview.status).toBe(200);
    expect(overview.body.components.map(({ module, count }) => [module, count])).toEqual([
      ['deal-registrations', 1],
      ['documents', 2],
    ]);
  });
});
