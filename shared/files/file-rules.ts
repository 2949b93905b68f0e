import * as v from 'valibot';
import { sanitizeFileName } from './file-name';
import { onFirstUse } from '../modules/on-first-use';

/**
 * What may be uploaded: at most 10 MB of one of the types below. The API refuses anything else with a 400, and the
 * presigned upload signs the exact size and type (shared/files/file-store.ts), so storage refuses a different body.
 */
export const maxFileBytes = 10 * 1024 * 1024;

/**
 * The allow-list: documents, images and archives a CRM's customers exchange. No HTML, SVG or script types: a file
 * is always downloaded as an attachment, but a type that can run code stays out even so.
 */
export const allowedContentTypes = [
  'application/pdf',
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'text/plain',
  'text/csv',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/zip',
] as const;
export type AllowedContentType = (typeof allowedContentTypes)[number];

/** How long a presigned upload or download URL works: long enough to start a 10 MB upload, too short to share. */
export const presignedUrlSeconds = 5 * 60;
/**
 * A pending file (upload URL issued, no object yet) is shown for this long and then expires (TTL): an upload
 * must start within `presignedUrlSeconds`, and even a slow 10 MB one ends well inside this.
 */
export const pendingFileSeconds = 60 * 60;

/** What an upload request says about the file; the name is stored sanitized. */
export const uploadRequest = onFirstUse(() =>
  v.strictObject({
    fileName: v.pipe(
      v.string(),
      v.minLength(1),
      v.maxLength(1024),
      v.transform((name: string) => sanitizeFileName(name)),
    ),
    contentType: v.pipe(
      v.string(),
      v.maxLength(255),
      // Parameters (`; charset=utf-8`) and case are not part of the type; the stored type is the bare one.
      v.transform((type: string) => type.split(';')[0]!.trim().toLowerCase()),
      v.check(
        (type: string) => (allowedContentTypes as readonly string[]).includes(type),
        `must be one of ${allowedContentTypes.join(', ')}`,
      ),
    ),
    size: v.pipe(
      v.number(),
      v.integer(),
      v.minValue(1, 'must be at least 1 byte'),
      v.maxValue(maxFileBytes, `must be at most ${maxFileBytes} bytes (10 MB)`),
    ),
  }),
);
export type UploadRequest = { fileName: string; contentType: AllowedContentType; size: number };
