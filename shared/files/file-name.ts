/**
 * File names as people give them, made safe to store and to hand back in a `Content-Disposition` header: the
 * object key never comes from them (shared/files/file-objects.ts), so the name is only ever shown, and it stays
 * readable (spaces, accents and non-Latin scripts are kept).
 */

/** At most this many characters (code points) are kept; the extension survives the cut. */
export const maxFileNameLength = 120;

// Control characters (C0, DEL, C1), line and paragraph separators, bidirectional embeddings, overrides and isolates
// (U+202E could make `invoice<U+202E>fdp.exe` read as `invoiceexe.pdf`), zero-width and BOM characters, unpaired surrogates.
// Built from a string, as shared/modules/safe-text.ts does: the control-character range is the point here.
const invisibleCharacters =
  '\\u0000-\\u001F\\u007F-\\u009F\\u2028\\u2029\\u202A-\\u202E\\u2066-\\u2069\\u200B-\\u200D\\u2060\\uFEFF\\uD800-\\uDFFF';
const invisible = new RegExp(`[${invisibleCharacters}]`, 'gu');
// Characters no common file system accepts in a name; a download would be renamed or refused.
const reserved = /[<>:"|?*]/g;
// Device names Windows will not create a file under, whatever the extension.
const windowsDevice = /^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i;

/** Cuts `name` to `max` code points, keeping a short extension. */
function shorten(name: string, max: number): string {
  const points = [...name];
  if (points.length <= max) return name;
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 ? [...name.slice(dot)] : [];
  if (extension.length > 1 && extension.length <= 16) {
    const stem = [...name.slice(0, dot)]
      .slice(0, max - extension.length)
      .join('')
      .trimEnd();
    return `${stem}${extension.join('')}`;
  }
  return points.slice(0, max).join('').trimEnd();
}

/**
 * The name to store for an upload called `given`: its last path segment (either slash), without invisible or
 * reserved characters, whitespace runs as one space, no leading dots or trailing dots and spaces, at most
 * `maxFileNameLength` characters, never empty (`file`). Applying it twice changes nothing.
 */
export function sanitizeFileName(given: string): string {
  const lastSegment = given.normalize('NFC').split(/[\\/]/).pop() ?? '';
  let name = lastSegment
    // Line breaks and tabs separate words: they become spaces, not nothing.
    .replace(/[\t\n\v\f\r\u2028\u2029]/gu, ' ')
    .replace(invisible, '')
    .replace(reserved, '_')
    .replace(/\s+/gu, ' ')
    .replace(/^[\s.]+/u, '')
    .replace(/[\s.]+$/u, '');
  if (windowsDevice.test(name)) name = `_${name}`;
  name = shorten(name, maxFileNameLength).replace(/[\s.]+$/u, '');
  return name === '' ? 'file' : name;
}

/** RFC 5987/8187 encoding of a header parameter value: UTF-8, percent-encoded outside the attr-char set. */
function encodeRfc8187(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * `attachment` with the name twice: an ASCII fallback (`filename=`) for old clients, and the exact UTF-8 name
 * (`filename*=`), which every current browser prefers. The browser saves the file; it never renders it in our origin.
 */
export function attachmentDisposition(fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7E]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeRfc8187(fileName)}`;
}
