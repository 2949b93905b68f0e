import { randomUUID } from 'node:crypto';
import { localStackContext } from '../support/local-stack-context';
import { portalOnboarding, type OnboardedPerson } from '../support/portal-onboarding';

/**
 * A ticket's conversation on the local stack, both sides: oldest first with cursor paging, authored, line breaks
 * kept; staff internal notes the portal never returns; the ticket's awaitingReply moved by each public reply;
 * 404 for a ticket the person cannot see.
 */
jest.setTimeout(90_000);

type Json = Record<string, unknown>;
type Comment = { id: string; body: string; author: { kind: string; name: string; id?: string }; internal?: boolean };
type Page = { items: Comment[]; nextCursor: string | null };

const local = localStackContext();
let onboarding: ReturnType<typeof portalOnboarding>;
beforeAll(() => {
  onboarding = portalOnboarding(local.outputs, local.api);
});
afterAll(() => onboarding.close());

const short = () => randomUUID().slice(0, 8);
const staffTicket = async (id: string) => (await local.api.call('GET', `/tickets/${id}`)).body;

/** Every comment of a ticket as `caller` pages through it, one at a time. */
async function allPages(get: (path: string) => Promise<{ status: number; body: Page }>, base: string) {
  const seen: Comment[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const response = await get(`${base}?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(response.status).toBe(200);
    seen.push(...response.body.items);
    cursor = response.body.nextCursor;
    pages++;
  } while (cursor && pages < 20);
  return seen;
}

describe("a ticket's conversation", () => {
  let person: OnboardedPerson;
  let ticketId: string;

  beforeAll(async () => {
    person = await onboarding.onboard({ fields: { firstName: 'Robin', lastName: 'Reporter' } });
    const raised = await person.call('POST', '/portal/tickets', { title: `Help ${short()}`, description: 'Please' });
    ticketId = raised.body.id as string;
  });

  it('keeps replies in order, authored, with line breaks; staff replies await the person, their reply clears it', async () => {
    expect(await staffTicket(ticketId)).toMatchObject({ awaitingReply: false });
    const staffReply = await local.api.call('POST', `/tickets/${ticketId}/comments`, { body: 'Hello,\nwhich model?' });
    expect(staffReply.status).toBe(201);
    expect(staffReply.body).toMatchObject({ body: 'Hello,\nwhich model?', internal: false, author: { kind: 'staff' } });
    expect((staffReply.body.author as Json).id).toMatch(/^staff:/);
    expect(await staffTicket(ticketId)).toMatchObject({ awaitingReply: true, lastCommentAt: expect.any(String) });
    const portalTicket = (await person.call('GET', `/portal/tickets/${ticketId}`)).body;
    expect(portalTicket).toMatchObject({ awaitingReply: true });
    // The staff's bookkeeping of the conversation stays on the staff side (shared/portal/portal-view.ts).
    expect(portalTicket).not.toHaveProperty('lastCommentAt');
    expect(portalTicket).not.toHaveProperty('source');
    const portalList = await person.call<{ items: Json[] }>('GET', '/portal/tickets?limit=100');
    const listed = portalList.body.items.find((item) => item.id === ticketId);
    expect(listed).toMatchObject({ awaitingReply: true });
    expect(listed).not.toHaveProperty('lastCommentAt');
    expect(listed).not.toHaveProperty('source');

    const reply = await person.call('POST', `/portal/tickets/${ticketId}/comments`, { body: 'The X200.\r\nThanks' });
    expect(reply.status).toBe(201);
    expect(reply.body).toEqual({
      id: expect.stringMatching(/^cmt_/),
      body: 'The X200.\r\nThanks',
      author: { kind: 'person', name: 'Robin Reporter' },
      createdAt: expect.any(String),
    });
    expect(await staffTicket(ticketId)).toMatchObject({ awaitingReply: false });

    const portalSeen = await allPages((path) => person.call<Page>('GET', path), `/portal/tickets/${ticketId}/comments`);
    expect(portalSeen.map((comment) => comment.body)).toEqual(['Hello,\nwhich model?', 'The X200.\r\nThanks']);
    expect(portalSeen[0]!.author).toEqual({ kind: 'staff', name: expect.any(String) });
    // Signed with a name, never with the staff user's opaque id.
    expect(portalSeen[0]!.author.name).not.toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-/);
  });

  it('never returns internal notes to the portal, and a note does not change whose turn it is', async () => {
    const before = await staffTicket(ticketId);
    const note = await local.api.call('POST', `/tickets/${ticketId}/comments`, {
      body: 'Customer is on the old plan',
      internal: true,
    });
    expect(note.status).toBe(201);
    expect(note.body).toMatchObject({ internal: true });
    const after = await staffTicket(ticketId);
    expect(after.awaitingReply).toBe(before.awaitingReply);
    expect(after.version).toBe(before.version);

    const staffSeen = await allPages((path) => local.api.call<Page>('GET', path), `/tickets/${ticketId}/comments`);
    expect(staffSeen.map((comment) => comment.body)).toContain('Customer is on the old plan');
    const portalPage = await person.call<Page>('GET', `/portal/tickets/${ticketId}/comments?limit=100`);
    expect(portalPage.status).toBe(200);
    expect(JSON.stringify(portalPage.body)).not.toContain('old plan');
    expect(portalPage.body.items.every((comment) => !('internal' in comment))).toBe(true);
    const portalSeen = await allPages((path) => person.call<Page>('GET', path), `/portal/tickets/${ticketId}/comments`);
    expect(portalSeen.map((comment) => comment.body)).not.toContain('Customer is on the old plan');
    expect(portalSeen.length).toBe(staffSeen.length - 1);
  });

  it("answers 404 for another person's ticket and a hidden one, on both routes, and writes nothing", async () => {
    const stranger = await onboarding.onboard();
    const hidden = await local.api.create('tickets', {
      title: 'Hidden',
      contactId: person.person.id,
      showOnPortal: false,
    });
    for (const [caller, id] of [
      [stranger, ticketId],
      [person, hidden.id],
      [person, `tkt_${randomUUID()}`],
      [person, 'not-an-id'],
    ] as const) {
      const list = await caller.call('GET', `/portal/tickets/${id}/comments`);
      const post = await caller.call('POST', `/portal/tickets/${id}/comments`, { body: 'Me too' });
      expect([list.status, post.status, post.headers.get('content-type')]).toEqual([
        404,
        404,
        expect.stringContaining('application/problem+json'),
      ]);
    }
    const staffSeen = await local.api.call<Page>('GET', `/tickets/${ticketId}/comments?limit=100`);
    expect(staffSeen.body.items.map((comment) => comment.body)).not.toContain('Me too');
    expect((await local.api.call<Page>('GET', `/tickets/${hidden.id}/comments`)).body.items).toEqual([]);
  });

  it('refuses a ticket hidden from the portal after it was raised, and a person whose flag is unticked', async () => {
    const other = await onboarding.onboard();
    const raised = await other.call('POST', '/portal/tickets', { title: 'Soon hidden', description: 'x' });
    const id = raised.body.id as string;
    expect((await other.call('POST', `/portal/tickets/${id}/comments`, { body: 'first' })).status).toBe(201);
    expect((await local.api.call('PATCH', `/tickets/${id}`, { showOnPortal: false })).status).toBe(200);
    expect((await other.call('POST', `/portal/tickets/${id}/comments`, { body: 'second' })).status).toBe(404);
    expect((await local.api.call('PATCH', `/tickets/${id}`, { showOnPortal: true })).status).toBe(200);
    expect(
      (await local.api.call('PATCH', `/partner-contacts/${other.person.id}`, { portal: { enabled: false } })).status,
    ).toBe(200);
    expect((await other.call('GET', `/portal/tickets/${id}/comments`)).status).toBe(403);
    expect((await other.call('POST', `/portal/tickets/${id}/comments`, { body: 'third' })).status).toBe(403);
    const staffSeen = await local.api.call<Page>('GET', `/tickets/${id}/comments`);
    expect(staffSeen.body.items.map((comment) => comment.body)).toEqual(['first']);
  });

  it('refuses bodies that are empty, too long, not plain text, or carry unknown members; and unknown tickets for staff', async () => {
    for (const body of [
      {},
      { body: '   ' },
      { body: 'x'.repeat(10_001) },
      { body: 'a\u0000b' },
      { body: 'hi', internal: true },
    ]) {
      const response = await person.call('POST', `/portal/tickets/${ticketId}/comments`, body);
      expect({ body, status: response.status }).toEqual({ body, status: 400 });
    }
    expect((await local.api.call('POST', `/tickets/${ticketId}/comments`, { body: 'x', internal: 'yes' })).status).toBe(
      400,
    );
    expect((await local.api.call('POST', `/tickets/tkt_${randomUUID()}/comments`, { body: 'x' })).status).toBe(404);
    expect((await local.api.call('GET', `/tickets/tkt_${randomUUID()}/comments`)).status).toBe(404);
    expect((await local.api.call('GET', `/tickets/${ticketId}/comments?cursor=bogus`)).status).toBe(400);
  });

  it('takes concurrent replies on one ticket, each exactly once', async () => {
    const bodies = Array.from({ length: 6 }, (_, i) => `parallel ${i} ${short()}`);
    const responses = await Promise.all([
      ...bodies.slice(0, 3).map((body) => person.call('POST', `/portal/tickets/${ticketId}/comments`, { body })),
      ...bodies.slice(3).map((body) => local.api.call('POST', `/tickets/${ticketId}/comments`, { body })),
    ]);
    expect(responses.map((response) => response.status)).toEqual(bodies.map(() => 201));
    const staffSeen = await local.api.call<Page>('GET', `/tickets/${ticketId}/comments?limit=100`);
    const seen = staffSeen.body.items.map((comment) => comment.body);
    for (const body of bodies) expect(seen.filter((text) => text === body)).toHaveLength(1);
  });
});
