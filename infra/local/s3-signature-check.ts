import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signature Version 4 as S3 checks it, for the local S3 stand-in: s3rver accepts any V4 signature, any expiry and
 * even unsigned requests, so without this a presigned URL would prove nothing locally. Checks the signature over
 * method, path, query and signed headers (so a signed Content-Type and Content-Length are enforced, as S3 does),
 * the credential, and the expiry. It does not check a payload hash against the body (nothing here signs one: a
 * presigned upload is `UNSIGNED-PAYLOAD`).
 */

export interface SignedRequest {
  readonly method: string;
  /** The path as sent, percent-encoded. */
  readonly rawPath: string;
  /** The query string as sent, without `?`. */
  readonly rawQuery: string;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

export type SignatureVerdict =
  { readonly ok: true } | { readonly ok: false; readonly code: string; readonly message: string };

/** How far a header-signed request's date may be from now (S3's own window). */
const maxClockSkewMs = 15 * 60 * 1000;
/** A presigned URL lives at most a week in S3. */
const maxExpiresSeconds = 7 * 24 * 60 * 60;

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');
const hmac = (key: Buffer | string, value: string) => createHmac('sha256', key).update(value, 'utf8').digest();
const rfc3986 = (value: string) =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function parseQuery(rawQuery: string): [string, string][] {
  if (!rawQuery) return [];
  return rawQuery.split('&').map((pair) => {
    const at = pair.indexOf('=');
    const [name, value] = at === -1 ? [pair, ''] : [pair.slice(0, at), pair.slice(at + 1)];
    return [decodeURIComponent(name), decodeURIComponent(value)];
  });
}

function parseAmzDate(value: string): number | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number) as [number, number, number, number, number, number, number];
  return Date.UTC(y, mo - 1, d, h, mi, s);
}

const refuse = (code: string, message: string): SignatureVerdict => ({ ok: false, code, message });

export function verifySignatureV4(
  request: SignedRequest,
  credentials: { readonly accessKeyId: string; readonly secretAccessKey: string },
  now: Date = new Date(),
): SignatureVerdict {
  const query = parseQuery(request.rawQuery);
  const queryValue = (name: string) => query.find(([key]) => key === name)?.[1];
  const header = (name: string) => {
    const value = request.headers[name];
    return Array.isArray(value) ? value.join(',') : value;
  };

  let credential: string | undefined;
  let signedHeaders: string | undefined;
  let signature: string | undefined;
  let amzDate: string | undefined;
  let payloadHash: string;
  let expiresAt: number | undefined;
  const authorization = header('authorization');
  if (queryValue('X-Amz-Algorithm') !== undefined) {
    if (authorization) return refuse('InvalidArgument', 'Only one auth mechanism allowed.');
    if (queryValue('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256')
      return refuse('AuthorizationQueryParametersError', 'Unsupported algorithm.');
    credential = queryValue('X-Amz-Credential');
    signedHeaders = queryValue('X-Amz-SignedHeaders');
    signature = queryValue('X-Amz-Signature');
    amzDate = queryValue('X-Amz-Date');
    const expires = Number(queryValue('X-Amz-Expires'));
    if (!Number.isInteger(expires) || expires < 1 || expires > maxExpiresSeconds)
      return refuse('AuthorizationQueryParametersError', 'X-Amz-Expires must be between 1 and 604800 seconds.');
    const signedAt = amzDate ? parseAmzDate(amzDate) : undefined;
    if (signedAt === undefined) return refuse('AuthorizationQueryParametersError', 'X-Amz-Date is malformed.');
    expiresAt = signedAt + expires * 1000;
    payloadHash = 'UNSIGNED-PAYLOAD';
  } else if (authorization?.startsWith('AWS4-HMAC-SHA256 ')) {
    const parts = Object.fromEntries(
      authorization
        .slice('AWS4-HMAC-SHA256 '.length)
        .split(',')
        .map((part) => part.trim().split('=') as [string, string]),
    );
    credential = parts.Credential;
    signedHeaders = parts.SignedHeaders;
    signature = parts.Signature;
    amzDate = header('x-amz-date');
    const signedAt = amzDate ? parseAmzDate(amzDate) : undefined;
    if (signedAt === undefined || Math.abs(now.getTime() - signedAt) > maxClockSkewMs)
      return refuse(
        'RequestTimeTooSkewed',
        'The difference between the request time and the current time is too large.',
      );
    payloadHash = header('x-amz-content-sha256') ?? sha256('');
  } else {
    return refuse('AccessDenied', 'Access Denied');
  }
  if (!credential || !signedHeaders || !signature || !amzDate) return refuse('AccessDenied', 'Access Denied');
  if (expiresAt !== undefined && now.getTime() > expiresAt) return refuse('AccessDenied', 'Request has expired');

  const [accessKeyId, day, region, service, terminator] = credential.split('/');
  if (accessKeyId !== credentials.accessKeyId)
    return refuse('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');
  if (!day || !region || service !== 's3' || terminator !== 'aws4_request' || !amzDate.startsWith(day))
    return refuse('AuthorizationQueryParametersError', 'The credential scope is malformed.');

  const headerNames = signedHeaders.split(';');
  if (!headerNames.includes('host')) return refuse('AccessDenied', 'The host header must be signed.');
  const canonicalHeaders = headerNames
    .map((name) => `${name}:${(header(name) ?? '').trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const canonicalQuery = query
    .filter(([name]) => name !== 'X-Amz-Signature')
    .map(([name, value]) => [rfc3986(name), rfc3986(value)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const canonicalRequest = [
    request.method,
    request.rawPath,
    canonicalQuery,
    canonicalHeaders,
    signedHeaders,
    payloadHash,
  ].join('\n');
  const scope = `${day}/${region}/${service}/${terminator}`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  let key = hmac(`AWS4${credentials.secretAccessKey}`, day);
  for (const part of [region, service, terminator]) key = hmac(key, part);
  const expected = Buffer.from(createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex'));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return refuse(
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided.',
    );
  return { ok: true };
}
