import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { verifySignatureV4, type SignedRequest } from '../../infra/local/s3-signature-check';

/** The local S3 front checks what the SDK's presigner signs, as S3 does; these are the SDK's real URLs. */
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const s3 = new S3Client({
  endpoint: 'http://127.0.0.1:8110',
  forcePathStyle: true,
  region: 'eu-west-1',
  credentials,
  requestChecksumCalculation: 'WHEN_REQUIRED',
});
const signedAt = new Date('2026-12-02T12:00:00Z');
const after = (seconds: number) => new Date(signedAt.getTime() + seconds * 1000);

async function presignedPut(size = 5, type = 'text/plain') {
  const url = new URL(
    await getSignedUrl(
      s3,
      new PutObjectCommand({ Bucket: 'files', Key: 'tickets/t/f', ContentType: type, ContentLength: size }),
      { expiresIn: 300, signableHeaders: new Set(['content-type', 'content-length']), signingDate: signedAt },
    ),
  );
  return url;
}

const asRequest = (url: URL, method: string, headers: Record<string, string>): SignedRequest => ({
  method,
  rawPath: url.pathname,
  rawQuery: url.search.slice(1),
  headers: { host: url.host, ...headers },
});

describe('verifySignatureV4', () => {
  it('accepts a presigned upload with the signed type and length, before it expires', async () => {
    const url = await presignedPut();
    expect(
      verifySignatureV4(
        asRequest(url, 'PUT', { 'content-type': 'text/plain', 'content-length': '5' }),
        credentials,
        after(10),
      ),
    ).toEqual({ ok: true });
  });

  it('refuses another length, another type, another key, another method, and the wrong secret', async () => {
    const url = await presignedPut();
    const ok = { 'content-type': 'text/plain', 'content-length': '5' };
    const codeOf = (request: SignedRequest, secret = credentials) => {
      const verdict = verifySignatureV4(request, secret, after(10));
      return verdict.ok ? 'ok' : verdict.code;
    };
    expect(codeOf(asRequest(url, 'PUT', { ...ok, 'content-length': '6' }))).toBe('SignatureDoesNotMatch');
    expect(codeOf(asRequest(url, 'PUT', { ...ok, 'content-type': 'text/html' }))).toBe('SignatureDoesNotMatch');
    expect(codeOf({ ...asRequest(url, 'PUT', ok), rawPath: '/files/tickets/t/g' })).toBe('SignatureDoesNotMatch');
    expect(codeOf(asRequest(url, 'POST', ok))).toBe('SignatureDoesNotMatch');
    expect(codeOf(asRequest(url, 'PUT', ok), { ...credentials, secretAccessKey: 'other' })).toBe(
      'SignatureDoesNotMatch',
    );
    expect(codeOf(asRequest(url, 'PUT', ok), { ...credentials, accessKeyId: 'other' })).toBe('InvalidAccessKeyId');
  });

  it('refuses an expired URL and an unsigned request', async () => {
    const url = await presignedPut();
    const headers = { 'content-type': 'text/plain', 'content-length': '5' };
    expect(verifySignatureV4(asRequest(url, 'PUT', headers), credentials, after(301))).toMatchObject({
      ok: false,
      message: 'Request has expired',
    });
    const bare = new URL(url);
    bare.search = '';
    expect(verifySignatureV4(asRequest(bare, 'PUT', headers), credentials, after(10))).toMatchObject({
      ok: false,
      code: 'AccessDenied',
    });
  });

  it('accepts a presigned download with its response overrides, and refuses one whose override was changed', async () => {
    const url = new URL(
      await getSignedUrl(
        s3,
        new GetObjectCommand({
          Bucket: 'files',
          Key: 'tickets/t/f',
          ResponseContentDisposition: "attachment; filename*=UTF-8''R%C3%A9sum%C3%A9.pdf",
          ResponseContentType: 'application/pdf',
        }),
        { expiresIn: 300, signingDate: signedAt },
      ),
    );
    expect(verifySignatureV4(asRequest(url, 'GET', {}), credentials, after(1))).toEqual({ ok: true });
    url.searchParams.set('response-content-type', 'text/html');
    expect(verifySignatureV4(asRequest(url, 'GET', {}), credentials, after(1))).toMatchObject({ ok: false });
  });
});
