/** Strong entity tags carry the record's version: `"v3"`. */
export function etagOf(version: number): string {
  return `"v${version}"`;
}

/** At most this many tags of an If-Match list are considered (DynamoDB's IN takes up to 100 values). */
const maxListedTags = 20;

/**
 * The versions an `If-Match` header accepts: `undefined` when there is no header or it is `*` (any current
 * version); otherwise the listed versions this API could have issued — possibly none, which never matches.
 * If-Match uses the strong comparison, so weak tags never match (RFC 9110 §13.1.1).
 */
export function versionsFromIfMatch(header: string | undefined): readonly number[] | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  return header
    .split(',')
    .slice(0, maxListedTags)
    .map((tag) => /^"v([1-9][0-9]{0,14})"$/.exec(tag.trim())?.[1])
    .filter((v): v is string => v !== undefined)
    .map(Number);
}
