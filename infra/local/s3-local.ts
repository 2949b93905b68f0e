import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, request as forward, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { localCredentials } from './local-aws';
import { verifySignatureV4 } from './s3-signature-check';

const requireFromHere = createRequire(__filename);

/** The part of s3rver (untyped, CommonJS) used here. */
interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  on(event: 'event', listener: (event: { Records: { eventName: string }[] }) => void): void;
}
type S3rverClass = new (options: Record<string, unknown>) => S3rverInstance;

export interface S3LocalOptions {
  readonly port: number;
  /** Where objects live (the stack's data directory). */
  readonly dataDir: string;
  readonly bucket: string;
  /** Browser origins allowed to upload and download (the bucket's CORS rule, as in the cloud). */
  readonly allowedOrigins: readonly string[];
  /** Each ObjectCreated event, in S3's notification shape (`{ Records: [...] }`). */
  readonly onObjectCreated: (event: { Records: unknown[] }) => void;
}

export interface S3Local {
  readonly endpoint: string;
  stop(): Promise<void>;
}

const escapeXml = (value: string) => value.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The bucket's CORS rule, in S3's XML: what infra/cdk/files-bucket.ts sets in the cloud. */
function corsXml(origins: readonly string[]): string {
  return [
    '<CORSConfiguration><CORSRule>',
    ...origins.map((origin) => `<AllowedOrigin>${escapeXml(origin)}</AllowedOrigin>`),
    '<AllowedMethod>PUT</AllowedMethod><AllowedMethod>GET</AllowedMethod><AllowedMethod>HEAD</AllowedMethod>',
    '<AllowedHeader>content-type</AllowedHeader><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>3000</MaxAgeSeconds>',
    '</CORSRule></CORSConfiguration>',
  ].join('');
}

function refuse(
  request: IncomingMessage,
  response: ServerResponse,
  allowedOrigins: readonly string[],
  code: string,
  message: string,
) {
  const origin = request.headers.origin;
  // As S3 does for a CORS-allowed origin: the browser may read the refusal instead of seeing a network error.
  if (origin && allowedOrigins.includes(origin)) response.setHeader('access-control-allow-origin', origin);
  response.writeHead(code === 'SignatureDoesNotMatch' || code === 'AccessDenied' ? 403 : 400, {
    'content-type': 'application/xml',
  });
  response.end(
    `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error>`,
  );
  request.resume();
}

/**
 * The S3 stand-in of the local runtime: s3rver (in this process, so its events reach the handlers directly) behind a
 * front on 127.0.0.1 that checks every request's Signature Version 4 and expiry as S3 does (s3rver checks neither),
 * so a presigned URL is the only way in, and one for another size or type fails as it would in the cloud. Preflight
 * requests pass unsigned, as they do to S3, and s3rver answers them from the bucket's CORS rule.
 */
export async function startS3Local(options: S3LocalOptions): Promise<S3Local> {
  mkdirSync(options.dataDir, { recursive: true });
  // s3rver keeps its own registry of key pairs; the local credentials sign every request.
  const account = requireFromHere('s3rver/lib/models/account') as {
    DUMMY_ACCOUNT: { createKeyPair(id: string, secret: string): void };
  };
  account.DUMMY_ACCOUNT.createKeyPair(localCredentials.accessKeyId, localCredentials.secretAccessKey);
  const S3rver = requireFromHere('s3rver') as S3rverClass;
  const s3rver = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: options.dataDir,
    configureBuckets: [{ name: options.bucket, configs: [corsXml(options.allowedOrigins)] }],
  });
  const inner = await s3rver.run();
  s3rver.on('event', (event) => {
    if (event.Records.some((record) => record.eventName.startsWith('ObjectCreated:'))) options.onObjectCreated(event);
  });

  const front: Server = createServer((request, response) => {
    const url = request.url ?? '/';
    const at = url.indexOf('?');
    if (request.method !== 'OPTIONS') {
      const verdict = verifySignatureV4(
        {
          method: request.method ?? 'GET',
          rawPath: at === -1 ? url : url.slice(0, at),
          rawQuery: at === -1 ? '' : url.slice(at + 1),
          headers: request.headers,
        },
        localCredentials,
      );
      if (!verdict.ok) return refuse(request, response, options.allowedOrigins, verdict.code, verdict.message);
    }
    const proxied = forward(
      { host: '127.0.0.1', port: inner.port, method: request.method, path: url, headers: request.headers },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    proxied.on('error', () => {
      if (!response.headersSent) response.writeHead(502);
      response.end();
    });
    request.pipe(proxied);
  });
  await new Promise<void>((resolve, reject) => {
    front.once('error', reject);
    front.listen(options.port, '127.0.0.1', () => resolve());
  });
  return {
    endpoint: `http://127.0.0.1:${(front.address() as AddressInfo).port}`,
    async stop() {
      await new Promise<void>((resolve) => {
        front.close(() => resolve());
        front.closeAllConnections();
      });
      await s3rver.close();
    },
  };
}
