import { portalMeta } from '../../infra/portal-web';
import { allowedContentTypes, maxFileBytes } from '../../shared/files/file-rules';

/**
 * The portal app's file checks and sentences (web/src/file-views.ts), with the rules the build injects
 * (`portalMeta()`, the same object esbuild defines as `__PORTAL_META__`).
 */
Object.assign(globalThis, { __PORTAL_META__: portalMeta() });
// Loaded once the build-time constant exists (an import would run before the line above).
/* eslint-disable @typescript-eslint/no-require-imports */
const { fileRefusal, fileFailureSentence, formatBytes } =
  require('../../web/src/file-views') as typeof import('../../web/src/file-views');
const { ApiError } = require('../../web/src/api') as typeof import('../../web/src/api');
/* eslint-enable @typescript-eslint/no-require-imports */

/** A File of `size` bytes without allocating them. */
const fileOf = (name: string, type: string, size: number) => ({ name, type, size }) as unknown as File;

describe('portal web app files', () => {
  it('builds in the API’s rules', () => {
    expect(portalMeta().files).toEqual({ maxBytes: maxFileBytes, contentTypes: allowedContentTypes });
  });

  it('takes an allowed type up to the limit, and says why it refuses the rest before sending anything', () => {
    expect(fileRefusal(fileOf('report.pdf', 'application/pdf', maxFileBytes))).toBeUndefined();
    expect(fileRefusal(fileOf('big.pdf', 'application/pdf', maxFileBytes + 1))).toBe(
      '“big.pdf” is 10 MB, more than the 10 MB a file may be.',
    );
    expect(fileRefusal(fileOf('bigger.zip', 'application/zip', 12.5 * 1024 * 1024))).toBe(
      '“bigger.zip” is 12.5 MB, more than the 10 MB a file may be.',
    );
    expect(fileRefusal(fileOf('page.html', 'text/html', 10))).toMatch(/^“page\.html” is not a type the portal takes\./);
    expect(fileRefusal(fileOf('unknown', '', 10))).toMatch(/is not a type the portal takes/);
    expect(fileRefusal(fileOf('empty.txt', 'text/plain', 0))).toBe(
      '“empty.txt” is empty: choose a file with something in it.',
    );
  });

  it('says what each refusal of the API means for the person', () => {
    const refused = (status: number, detail?: string) =>
      fileFailureSentence(new ApiError('problem', { status, ...(detail ? { detail } : {}) }), 'uploaded');
    expect(refused(400, 'size must be at most 10485760 bytes (10 MB)')).toBe(
      'The portal refused this file: size must be at most 10485760 bytes (10 MB)',
    );
    expect(refused(403)).toBe('Your portal does not allow files here, so nothing was uploaded.');
    expect(refused(404, 'This document has no file.')).toBe('This document has no file.');
    expect(refused(404)).toBe('This file, or what it belongs to, is no longer in your portal.');
    expect(refused(409, 'This file has not finished uploading yet.')).toBe(
      'This file is still uploading. Try again in a moment.',
    );
    expect(fileFailureSentence(new ApiError('network', { status: 0 }), 'downloaded')).toBe(
      'We could not reach the portal, so the file was not downloaded. Try again.',
    );
  });

  it('writes sizes as people read them', () => {
    expect([formatBytes(42), formatBytes(2048), formatBytes(10 * 1024 * 1024)]).toEqual(['42 bytes', '2 KB', '10 MB']);
  });
});
