import * as z from 'zod/mini';
import { _isoDate } from 'zod/v4/core';
import { safeText } from './safe-text';

/**
 * The field vocabulary modules are declared with. Each knows how to normalise and check one kind of value,
 * so a module declaration reads like the CRM's field list.
 */

/** One line of free text (a name, a title): trimmed, not empty, bounded, no control characters (safe-text.ts). */
export const text = (max: number) =>
  z.string().check(z.trim(), z.minLength(1), z.maxLength(max), safeText('single-line'));

/** Free text over several lines (a description, a street address): as `text`, with tabs and line breaks. */
export const multilineText = (max: number) =>
  z.string().check(z.trim(), z.minLength(1), z.maxLength(max), safeText('multi-line'));

/** Trimmed, lower-cased and syntax-checked, as the issue asks; 254 is the longest address SMTP allows. */
export const email = () => z.string().check(z.trim(), z.toLowerCase(), z.maxLength(254), z.email());

export const phone = () =>
  z.string().check(
    z.trim(),
    z.minLength(3),
    z.maxLength(40),
    // Spaces only: `\s` would let tabs, line breaks and Unicode separators through.
    z.regex(/^[0-9A-Za-z+()\-./#*, ]+$/, { message: 'a phone number uses digits, spaces and + ( ) - . / # * ,' }),
  );

/**
 * zod's own `regexes.domain` (a dotted name ending in a top-level domain), written here: reading it through
 * `z.regexes` makes esbuild keep zod's whole table of regular expressions, about 6.6 KB in every bundle.
 */
export const domainName = /^(?=.{1,253}$)([a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,63}$/;

/**
 * An http(s) URL. The text is checked before the URL parser sees it, since the parser silently drops tabs and line
 * breaks; the input side keeps `format: uri` for the OpenAPI document.
 */
export const website = () =>
  z.pipe(
    z.string().check(safeText('single-line'), z.meta({ format: 'uri' })),
    z.url({ protocol: /^https?$/, hostname: domainName }),
  );

/**
 * ISO calendar date `YYYY-MM-DD`: exactly `z.iso.date()`, built from its parts because reading `z.iso` makes esbuild
 * keep the whole `iso` namespace (date-times, times and durations too) in every bundle.
 */
export const date = () => _isoDate(z.ZodMiniISODate);

export const address = () =>
  z.strictObject({
    street: z.optional(multilineText(300)),
    city: z.optional(text(100)),
    state: z.optional(text(100)),
    postalCode: z.optional(text(20)),
    country: z.optional(text(100)),
  });

export const currency = () => z.string().check(z.regex(/^[A-Z]{3}$/, { message: 'an ISO 4217 code such as EUR' }));

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
  z.number().check(
    z.gte(0),
    z.lte(maxMoney),
    z.refine((value) => decimalPlaces(value) <= 2, { message: 'at most two decimals' }),
  );

/** A positive quantity with at most four decimals. */
export const quantity = () =>
  z.number().check(
    z.gt(0),
    z.lte(1e9),
    z.refine((value) => decimalPlaces(value) <= 4, { message: 'at most four decimals' }),
  );

/** The id of a record in one of `prefixes`' modules, e.g. `org_…`. Existence is checked when writing. */
export const reference = (prefixes: readonly string[]) =>
  z.string().check(
    z.regex(new RegExp(`^(${prefixes.join('|')})_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`), {
      message: `the id of a record whose id starts with ${prefixes.map((p) => `${p}_`).join(' or ')}`,
    }),
  );

export const choice = <const T extends readonly [string, ...string[]]>(values: T) => z.enum(values);
