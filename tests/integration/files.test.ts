import { randomBytes } from 'node:crypto';
import { waitFor } from '../../infra/local/managed-process';
import { maxFileBytes } from '../../shared/files/file-rules';
import { localStackContext } from '../support/local-stack-context';
import { portalOnboarding, type OnboardedPerson } from '../support/portal-onboarding';
import type { ApiResponse } from '../support/staff-api';

/**
 * Files end to end on the local stack: the API issues a presigned upload → the bytes go straight to the S3
 * stand-in with fetch, as a browser sends them → its ObjectCreated event marks the file uploaded → a presigned
 * download answers the same bytes as an attachment. Refusals at the API and at the stand-in.
 */
jest.setTimeout(90_000);

type Json = Record<string, unknown>;
type Upload = {
  attachment: Json & { id: string };
  upload: { url: string; method: string; headers: Record<string, string> };
};
type FileItem = Json & { id: string; status: string };
type Download = { url: string; expiresAt: string; fileName: string; contentType: string; size: number };

const local = localStackContext();
let onboarding: ReturnType<typeof portalOnboarding>;
let partner: OnboardedPerson;
let customer: OnboardedPerson;
beforeAll(async () => {
  onboarding = portalOnboarding(local.outputs, local.api);
  [partner, customer] = await Promise.all([onboarding.onboard(), onboarding.onboard({ module: 'contacts' })]);
});
afterAll(() => onboarding.close());

const ticketOf = (person: OnboardedPerson, title = 'Printer on fire') =>
  local.api.create('tickets', { title, contactId: person.person.id, showOnPortal: true });

/** Sends the file as a browser would: one request to the presigned URL with the headers it names. */
const put = (upload: Upload['upload'], body: Buffer | string, headers: Record<string, string> = upload.headers) =>
  fetch(upload.url, {
    method: upload.method,
    headers,
    body: typeof body === 'string' ? body : new Blob([new Uint8Array(body)]),
  });

function expectStatus<T>(response: ApiResponse<T>, status: number): ApiResponse<T> {
  if (response.status !== status)
    throw new Error(`expected ${status}, got ${response.status}: ${JSON.stringify(response.body)}`);
  return response;
}

async function listed(call: OnboardedPerson['call'], path: string): Promise<FileItem[]> {
  return expectStatus(await call<{ items: FileItem[] }>('GET', path), 200).body.items;
}

/** Waits (on the condition, not a timer) until the stand-in's event has marked the file uploaded. */
async function untilUploaded(call: OnboardedPerson['call'], path: string, id: string) {
  await waitFor(
    async () => (await listed(call, path)).some((item) => item.id === id && item.status === 'uploaded'),
    20_000,
    `file ${id} uploaded`,
  );
}

async function fetchDownload(download: Download) {
  const response = await fetch(download.url);
  return {
    status: response.status,
    disposition: response.headers.get('content-disposition'),
    type: response.headers.get('content-type'),
    bytes: Buffer.from(await response.arrayBuffer()),
  };
}

describe('ticket attachments', () => {
  it('portal: upload through the presigned URL, listed pending then uploaded, downloaded byte for byte as an attachment', async () => {
    const ticket = await ticketOf(partner);
    const path = `/portal/tickets/${ticket.id}/attachments`;
    const bytes = randomBytes(2048);
    const started = expectStatus(
      await partner.call<Upload>('POST', path, {
        fileName: '../../Résumé\u0000 final.pdf',
        contentType: 'application/pdf',
        size: bytes.length,
      }),
      201,
    ).body;
    expect(started.attachment).toEqual({
      id: expect.any(String),
      fileName: 'Résumé final.pdf',
      contentType: 'application/pdf',
      size: bytes.length,
      status: 'pending',
    });
    expect(started.upload).toMatchObject({ method: 'PUT', headers: { 'content-type': 'application/pdf' } });
    // Never an object key from the name the person gave.
    expect(started.upload.url).not.toMatch(/sum|final|\.\./i);
    expect((await listed(partner.call, path)).find((item) => item.id === started.attachment.id)?.status).toBe(
      'pending',
    );
    // Not downloadable before it is there.
    expect((await partner.call('GET', `${path}/${started.attachment.id}/download`)).status).toBe(409);

    expect((await put(started.upload, bytes)).status).toBe(200);
    await untilUploaded(partner.call, path, started.attachment.id);

    const download = expectStatus(
      await partner.call<Download>('GET', `${path}/${started.attachment.id}/download`),
      200,
    ).body;
    expect(download).toMatchObject({
      fileName: 'Résumé final.pdf',
      contentType: 'application/pdf',
      size: bytes.length,
    });
    expect(Date.parse(download.expiresAt) - Date.now()).toBeLessThanOrEqual(5 * 60_000);
    const fetched = await fetchDownload(download);
    expect(fetched.status).toBe(200);
    expect(fetched.bytes.equals(bytes)).toBe(true);
    expect(fetched.type).toBe('application/pdf');
    expect(fetched.disposition).toBe(
      `attachment; filename="R_sum_ final.pdf"; filename*=UTF-8''R%C3%A9sum%C3%A9%20final.pdf`,
    );

    // Staff see it on the ticket, with who uploaded it, and download the same bytes.
    const staffItems = await listed(local.api.call, `/tickets/${ticket.id}/attachments`);
    expect(staffItems).toEqual([
      expect.objectContaining({
        id: started.attachment.id,
        status: 'uploaded',
        createdBy: `portal:${partner.person.id}`,
      }),
    ]);
    const staffDownload = expectStatus(
      await local.api.call<Download>('GET', `/tickets/${ticket.id}/attachments/${started.attachment.id}/download`),
      200,
    ).body;
    expect((await fetchDownload(staffDownload)).bytes.equals(bytes)).toBe(true);
  });

  it('staff: an attachment staff upload is listed on the portal (without createdBy) and downloadable there', async () => {
    const ticket = await ticketOf(customer);
    const started = expectStatus(
      await local.api.call<Upload>('POST', `/tickets/${ticket.id}/attachments`, {
        fileName: 'steps.txt',
        contentType: 'text/plain; charset=utf-8',
        size: 11,
      }),
      201,
    ).body;
    expect(started.attachment.contentType).toBe('text/plain');
    expect((await put(started.upload, 'hello world')).status).toBe(200);
    const path = `/portal/tickets/${ticket.id}/attachments`;
    await untilUploaded(customer.call, path, started.attachment.id);
    const [item] = await listed(customer.call, path);
    expect(item).not.toHaveProperty('createdBy');
    const download = expectStatus(
      await customer.call<Download>('GET', `${path}/${started.attachment.id}/download`),
      200,
    ).body;
    expect((await fetchDownload(download)).bytes.toString()).toBe('hello world');
  });

  it('refuses an upload over 10 MB or of a type not on the list, at the API (400 naming the field) and stores nothing', async () => {
    const ticket = await ticketOf(partner);
    const path = `/portal/tickets/${ticket.id}/attachments`;
    const tooBig = await partner.call<Json>('POST', path, {
      fileName: 'big.zip',
      contentType: 'application/zip',
      size: maxFileBytes + 1,
    });
    expect(tooBig.status).toBe(400);
    expect(tooBig.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(tooBig.body.errors).toEqual([expect.objectContaining({ path: '/size' })]);
    const html = await partner.call<Json>('POST', path, { fileName: 'page.html', contentType: 'text/html', size: 10 });
    expect(html.status).toBe(400);
    expect(html.body.errors).toEqual([expect.objectContaining({ path: '/contentType' })]);
    const svg = await partner.call<Json>('POST', path, { fileName: 'x.svg', contentType: 'image/svg+xml', size: 10 });
    expect(svg.status).toBe(400);
    const extra = await partner.call<Json>('POST', path, {
      fileName: 'a.pdf',
      contentType: 'application/pdf',
      size: 1,
      key: 'x',
    });
    expect(extra.status).toBe(400);
    expect(await listed(partner.call, path)).toEqual([]);
  });

  it('the stand-in refuses, as S3 does, a body of another size or type than signed, an unsigned request and a tampered URL', async () => {
    const ticket = await ticketOf(partner);
    const path = `/portal/tickets/${ticket.id}/attachments`;
    const started = expectStatus(
      await partner.call<Upload>('POST', path, { fileName: 'five.txt', contentType: 'text/plain', size: 5 }),
      201,
    ).body;
    expect((await put(started.upload, 'more than five')).status).toBe(403);
    expect((await put(started.upload, 'hello', { 'content-type': 'text/html' })).status).toBe(403);
    const unsigned = new URL(started.upload.url);
    unsigned.search = '';
    expect((await fetch(unsigned, { method: 'PUT', body: 'hello', headers: started.upload.headers })).status).toBe(403);
    const tampered = new URL(started.upload.url);
    tampered.pathname = tampered.pathname.replace(/[0-9a-f]{12}$/, '000000000000');
    expect((await fetch(tampered, { method: 'PUT', body: 'hello', headers: started.upload.headers })).status).toBe(403);
    // The refused bodies left no file: still pending, still not downloadable.
    expect((await listed(partner.call, path)).map((item) => item.status)).toEqual(['pending']);
    expect((await partner.call('GET', `${path}/${started.attachment.id}/download`)).status).toBe(409);
    // The signed size and type go through.
    expect((await put(started.upload, 'hello')).status).toBe(200);
    await untilUploaded(partner.call, path, started.attachment.id);
  });

  it("another person's ticket and its attachments answer 404 to upload, list and download", async () => {
    const ticket = await ticketOf(partner);
    const started = expectStatus(
      await partner.call<Upload>('POST', `/portal/tickets/${ticket.id}/attachments`, {
        fileName: 'mine.txt',
        contentType: 'text/plain',
        size: 4,
      }),
      201,
    ).body;
    const path = `/portal/tickets/${ticket.id}/attachments`;
    expect((await customer.call('POST', path, { fileName: 'x.txt', contentType: 'text/plain', size: 1 })).status).toBe(
      404,
    );
    expect((await customer.call('GET', path)).status).toBe(404);
    expect((await customer.call('GET', `${path}/${started.attachment.id}/download`)).status).toBe(404);
    // Their own ticket does not open someone else's attachment either.
    const own = await ticketOf(customer);
    expect(
      (await customer.call('GET', `/portal/tickets/${own.id}/attachments/${started.attachment.id}/download`)).status,
    ).toBe(404);
    // A hidden ticket is not there for its own person.
    const hidden = await local.api.create('tickets', {
      title: 'Hidden',
      contactId: partner.person.id,
      showOnPortal: false,
    });
    expect((await partner.call('GET', `/portal/tickets/${hidden.id}/attachments`)).status).toBe(404);
    expect((await partner.call('GET', `/portal/tickets/not-an-id/attachments`)).status).toBe(404);
    expect((await local.api.call('GET', `/tickets/tkt_00000000-0000-4000-8000-000000000000/attachments`)).status).toBe(
      404,
    );
  });

  it('refuses a download once the portal flag is unticked (403), though the URL was issued before', async () => {
    const person = await onboarding.onboard();
    const ticket = await ticketOf(person);
    const path = `/portal/tickets/${ticket.id}/attachments`;
    const started = expectStatus(
      await person.call<Upload>('POST', path, { fileName: 'a.csv', contentType: 'text/csv', size: 3 }),
      201,
    ).body;
    expect((await put(started.upload, 'a,b')).status).toBe(200);
    await untilUploaded(person.call, path, started.attachment.id);
    expect((await person.call('GET', `${path}/${started.attachment.id}/download`)).status).toBe(200);

    expect(
      (await local.api.call('PATCH', `/partner-contacts/${person.person.id}`, { portal: { enabled: false } })).status,
    ).toBe(200);
    expect((await person.call('GET', `${path}/${started.attachment.id}/download`)).status).toBe(403);
    expect((await person.call('GET', path)).status).toBe(403);
    expect((await person.call('POST', path, { fileName: 'b.csv', contentType: 'text/csv', size: 3 })).status).toBe(403);
  });

  it('refuses attachments when tickets are not among the person’s components (403)', async () => {
    const person = await onboarding.onboard({ portal: { components: ['documents'] } });
    const ticket = await ticketOf(person);
    expect((await person.call('GET', `/portal/tickets/${ticket.id}/attachments`)).status).toBe(403);
  });
});

describe("a document's file", () => {
  it('staff upload it; only the person it is shared with downloads it, and a newer upload replaces it', async () => {
    const document = await local.api.create('documents', {
      title: 'Contract',
      contactId: customer.person.id,
      showOnPortal: true,
    });
    const portalPath = `/portal/documents/${document.id}/file`;
    expect((await customer.call('GET', portalPath)).status).toBe(404);

    const first = expectStatus(
      await local.api.call<Upload>('POST', `/documents/${document.id}/file`, {
        fileName: 'contract.pdf',
        contentType: 'application/pdf',
        size: 3,
      }),
      201,
    ).body;
    expect((await put(first.upload, 'v.1')).status).toBe(200);
    await waitFor(async () => (await customer.call('GET', portalPath)).status === 200, 20_000, 'the document file');
    const download = expectStatus(await customer.call<Download>('GET', portalPath), 200).body;
    expect(download.fileName).toBe('contract.pdf');
    expect((await fetchDownload(download)).bytes.toString()).toBe('v.1');

    expect((await partner.call('GET', portalPath)).status).toBe(404);
    expect((await local.api.call('GET', `/documents/${document.id}/file`)).status).toBe(200);

    const second = expectStatus(
      await local.api.call<Upload>('POST', `/documents/${document.id}/file`, {
        fileName: 'contract v2.pdf',
        contentType: 'application/pdf',
        size: 3,
      }),
      201,
    ).body;
    expect((await put(second.upload, 'v.2')).status).toBe(200);
    await waitFor(
      async () => (await customer.call<Download>('GET', portalPath)).body.fileName === 'contract v2.pdf',
      20_000,
      'the newer file',
    );
    expect((await fetchDownload((await customer.call<Download>('GET', portalPath)).body)).bytes.toString()).toBe('v.2');

    // Unshared: gone from the portal at once.
    expect((await local.api.call('PATCH', `/documents/${document.id}`, { showOnPortal: false })).status).toBe(200);
    expect((await customer.call('GET', portalPath)).status).toBe(404);
  });
});

describe('the S3 stand-in', () => {
  it('answers a CORS preflight for the portal web origin, and not for another origin', async () => {
    const ticket = await ticketOf(partner);
    const started = expectStatus(
      await partner.call<Upload>('POST', `/portal/tickets/${ticket.id}/attachments`, {
        fileName: 'a.png',
        contentType: 'image/png',
        size: 1,
      }),
      201,
    ).body;
    const preflight = (origin: string) =>
      fetch(started.upload.url, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'content-type' },
      });
    const webOrigin = new URL(local.outputs.PortalWebUrl).origin;
    const allowed = await preflight(webOrigin);
    expect(allowed.status).toBe(200);
    // s3rver answers a matched preflight with `*` (S3 names the origin); either lets the browser send the upload.
    expect([webOrigin, '*']).toContain(allowed.headers.get('access-control-allow-origin'));
    expect(allowed.headers.get('access-control-allow-methods')).toMatch(/PUT/);
    const foreign = await preflight('https://evil.example.com');
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('is in the outputs with the bucket name', () => {
    expect(local.outputs.FilesBucketName).toBeTruthy();
    expect(local.outputs.S3Endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});
