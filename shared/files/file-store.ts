import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '../aws/client-s3';
import { getSignedUrl } from '../aws/s3-request-presigner';
import { attachmentDisposition } from './file-name';
import { presignedUrlSeconds } from './file-rules';

/**
 * The files bucket as the file routes use it: presigned URLs (the bytes never pass through Lambda) and a HEAD of
 * an uploaded object. Nothing here lists or deletes objects.
 */

export interface PresignedUpload {
  readonly url: string;
  readonly method: 'PUT';
  /** Headers the upload must carry exactly as given (they are signed); the browser adds Content-Length itself. */
  readonly headers: Readonly<Record<string, string>>;
  readonly expiresAt: string;
}

export interface PresignedDownload {
  readonly url: string;
  readonly expiresAt: string;
}

export interface FileStore {
  presignUpload(key: string, file: { contentType: string; size: number }): Promise<PresignedUpload>;
  presignDownload(key: string, file: { fileName: string; contentType: string }): Promise<PresignedDownload>;
  /** The stored object's size and type, or `undefined` when there is none. */
  head(key: string): Promise<{ size: number; contentType: string } | undefined>;
}

/**
 * An S3 client for presigning. Checksums only where S3 requires them: otherwise the SDK would sign the CRC32 of
 * the empty body it presigns with, and S3 would refuse every real upload. Path-style addressing only against a
 * local endpoint (AWS_ENDPOINT_URL_S3, set by the local runtime), whose host has no bucket subdomains.
 */
export function createS3Client(): S3Client {
  return new S3Client({
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3),
  });
}

export function createFileStore(deps: { s3: S3Client; bucket: string; now?: () => Date }): FileStore {
  const { s3, bucket } = deps;
  const now = deps.now ?? (() => new Date());
  const expiry = () => new Date(now().getTime() + presignedUrlSeconds * 1000).toISOString();

  return {
    async presignUpload(key, file) {
      // Content-Type and Content-Length are signed: S3 refuses an upload of any other type or byte count, which
      // is how the 10 MB limit and the allow-list hold at the bucket, not only in this API.
      const url = await getSignedUrl(
        s3,
        new PutObjectCommand({ Bucket: bucket, Key: key, ContentType: file.contentType, ContentLength: file.size }),
        {
          expiresIn: presignedUrlSeconds,
          signableHeaders: new Set(['content-type', 'content-length']),
          signingDate: now(),
        },
      );
      return { url, method: 'PUT', headers: { 'content-type': file.contentType }, expiresAt: expiry() };
    },

    async presignDownload(key, file) {
      const url = await getSignedUrl(
        s3,
        new GetObjectCommand({
          Bucket: bucket,
          Key: key,
          ResponseContentDisposition: attachmentDisposition(file.fileName),
          ResponseContentType: file.contentType,
        }),
        { expiresIn: presignedUrlSeconds, signingDate: now() },
      );
      return { url, expiresAt: expiry() };
    },

    async head(key) {
      try {
        const found = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return { size: found.ContentLength ?? 0, contentType: found.ContentType ?? '' };
      } catch (error) {
        const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        if (status === 404) return undefined;
        throw error;
      }
    },
  };
}
