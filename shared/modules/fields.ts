import * as v from 'valibot';
import { safeText } from './safe-text';

/**
 * The field vocabulary modules are declared with. Each knows how to normalise and check one kind of value,
 * so a module declaration reads like the CRM's field list.
 */

/** One line of free text (a name, a title): trimmed, not empty, bounded, no control characters (safe-text.ts). */
export const text = (max: number) =>
  v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(max), safeText('single-line'));

/** Free text over several lines (a description, a street address): as `text`, with tabs and line breaks. */
export const multilineText = (max: number) =>
  v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(max), safeText('multi-line'));

/**
 * An email address as the API has always accepted it (letters, digits and `_'+-` in dotted parts before the `@`, a
 * dotted domain after it); also what the OpenAPI document states as the pattern, so it is kept as written there.
 */
export const emailAddress =
  // eslint-disable-next-line no-useless-escape -- the published pattern, character for character
  /^(?:[A-Za-z0-9_'+\-]+\.)*[A-Za-z0-9_'+\-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$/;

/** Trimmed, lower-cased and syntax-checked, as the issue asks; 254 is the longest address SMTP allows. */
export const email = () =>
  v.pipe(
    v.string(),
    v.trim(),
    v.toLowerCase(),
    v.maxLength(254),
    v.regex(emailAddress, 'must be an email address'),
    v.metadata({ format: 'email' }),
  );

export const phone = () =>
  v.pipe(
    v.string(),
    v.trim(),
    v.minLength(3),
    v.maxLength(40),
    // Spaces only: `\s` would let tabs, line breaks and Unicode separators through.
    v.regex(/^[0-9A-Za-z+()\-./#*, ]+$/, 'a phone number uses digits, spaces and + ( ) - . / # * ,'),
  );

/** A dotted name ending in a top-level domain. */
export const domainName = /^(?=.{1,253}$)([a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,63}$/;

/**
 * Whether trimmed text is an absolute http(s) URL, written with its `//` (`http:example.com` is refused, though the
 * URL parser would take it), whose host matches `hostname` when given.
 */
export function isHttpUrl(value: string, hostname?: RegExp): boolean {
  if (!/^https?:\/\//i.test(value)) return false;
  const url = URL.parse(value);
  return url !== null && /^https?:$/.test(url.protocol) && (!hostname || hostname.test(url.hostname));
}

/**
 * An http(s) URL, trimmed. The text is checked before the URL parser sees it, since the parser silently drops tabs
 * and line breaks.
 */
export const website = () =>
  v.pipe(
    v.string(),
    safeText('single-line'),
    v.trim(),
    v.check((value) => isHttpUrl(value, domainName), 'must be an http or https URL'),
    v.metadata({ format: 'uri' }),
  );

/**
 * ISO calendar date `YYYY-MM-DD` that exists (a 29 February only in a leap year); `format: date` for the OpenAPI
 * document, the pattern with it.
 */
export const calendarDate =
  /^(?:(?:\d\d[2468][048]|\d\d[13579][26]|\d\d0[48]|[02468][048]00|[13579][26]00)-02-29|\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|(?:02)-(?:0[1-9]|1\d|2[0-8])))$/;

export const date = () =>
  v.pipe(v.string(), v.regex(calendarDate, 'must be a date as YYYY-MM-DD'), v.metadata({ format: 'date' }));

export const address = () =>
  v.strictObject({
    street: v.optional(multilineText(300)),
    city: v.optional(text(100)),
    state: v.optional(text(100)),
    postalCode: v.optional(text(20)),
    country: v.optional(text(100)),
  });

export const currency = () => v.pipe(v.string(), v.regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as EUR'));

/**
 * Decimal places of a number as written in JSON, read from its shortest representation (`1e-9` has nine):
 * multiplying by 100 and comparing with a tolerance misjudges both large and tiny values.
 */
export function decimalPlaces(value: number): number {
  const [mantissa = '', exponent = '0'] = String(value).toLowerCase().split('e');
  const fraction = mantissa.split('.')[1]?.length ?? 0;
  return Math.max(0, fraction - Number(exponent));
}

/** Largest amount accepted anywhere, totals included. */
export const maxMoney = 1e12;

/** A non-negative amount with at most two decimals. */
export const money = () =>
  v.pipe(
    v.number(),
    v.minValue(0),
    v.maxValue(maxMoney),
    v.check((value) => decimalPlaces(value) <= 2, 'at most two decimals'),
  );

/** A positive quantity with at most four decimals. */
export const quantity = () =>
  v.pipe(
    v.number(),
    v.gtValue(0),
    v.maxValue(1e9),
    v.check((value) => decimalPlaces(value) <= 4, 'at most four decimals'),
  );

/** The id of a record in one of `prefixes`' modules, e.g. `org_…`. Existence is checked when writing. */
export const reference = (prefixes: readonly string[]) =>
  v.pipe(
    v.string(),
    v.regex(
      new RegExp(`^(${prefixes.join('|')})_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`),
      `the id of a record whose id starts with ${prefixes.map((p) => `${p}_`).join(' or ')}`,
    ),
  );

export const choice = <const T extends readonly [string, ...string[]]>(values: T) => v.picklist(values);
