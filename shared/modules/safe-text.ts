import * as v from 'valibot';

/**
 * The characters stored text may not hold. CRM text reaches people's screens, emails (an invitation greets the
 * person by name) and legal records (a signature's `signedBy`), so it refuses what hides or disguises content:
 *
 * - C0 and C1 control characters and DEL, NUL included. A single-line field (names, titles, subjects) allows none;
 *   a multi-line field (descriptions, a street address) allows tab, line feed, and carriage return before a line
 *   feed (CR+LF, as a textarea may send).
 * - U+2028 and U+2029, line breaks other than `\n`: the only line break text holds is `\n` (or CR+LF).
 * - Bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): they reorder what a reader
 *   sees, so "Eve" could display as someone else's name. The implicit marks (U+200E, U+200F, U+061C) stay allowed:
 *   right-to-left names need them and they cannot reorder text around them.
 * - Unpaired surrogates: not text at all; UTF-8 encoders (JSON for DynamoDB, email) replace or reject them.
 */
export type TextKind = 'single-line' | 'multi-line';

// With the `u` flag a surrogate pair is one code point, so the surrogate range matches only unpaired halves.
const always =
  '\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F\\u2028\\u2029\\u202A-\\u202E\\u2066-\\u2069\\uD800-\\uDFFF';
const refused: Record<TextKind, RegExp> = {
  'single-line': new RegExp(`[${always}\\t\\n\\r]`, 'u'),
  'multi-line': new RegExp(`[${always}]|\\r(?!\\n)`, 'u'),
};

const codePointName = (character: string) =>
  `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** The first refused character of `value` as `U+XXXX`, or `undefined` when the text is clean. */
export function unsafeCharacterIn(value: string, kind: TextKind): string | undefined {
  const found = refused[kind].exec(value);
  return found ? codePointName(found[0]) : undefined;
}

const allowedNote: Record<TextKind, string> = {
  'single-line': 'control characters (line breaks and tabs included)',
  'multi-line': 'control characters other than tab and line breaks',
};

/** A check refusing text with a character of the list above; the message names the character found. */
export function safeText(kind: TextKind) {
  return v.check<string, (issue: v.CheckIssue<string>) => string>(
    (value) => unsafeCharacterIn(value, kind) === undefined,
    (issue) =>
      `must not contain ${allowedNote[kind]}, bidirectional overrides or unpaired surrogates ` +
      `(found ${unsafeCharacterIn(String(issue.input), kind)})`,
  );
}

/** For text that is recorded but not chosen by a form (a User-Agent header): each refused character becomes U+FFFD. */
export function withUnsafeCharactersReplaced(value: string, kind: TextKind = 'single-line'): string {
  return value.replace(new RegExp(refused[kind].source, 'gu'), '\uFFFD');
}
