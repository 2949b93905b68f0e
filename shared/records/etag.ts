/** Strong entity tags carry the record's version: `"v3"`. */
export function etagOf(version: number): string {
  return `"v${version}"`;
}

/**
 * The version an `If-Match` header demands: `undefined` when there is no header or it is `*` (any current
 * version), `null` when it names no version this API issued (which can never match).
 */
export function versionFromIfMatch(header: string | undefined): number | undefined | null {
  if (header === undefined || header.trim() === '*') return undefined;
  // If-Match uses the strong comparison: weak tags never match (RFC 9110 §13.1.1).
  const versions = header
    .split(',')
    .map((tag) => /^"v([1-9][0-9]{0,14})"$/.exec(tag.trim())?.[1])
    .filter((v): v is string => v !== undefined)
    .map(Number);
  // A list of several tags can match at most one current version; the first one is as good as any.
  return versions[0] ?? null;
}
