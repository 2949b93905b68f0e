import fc from 'fast-check';
import * as v from 'valibot';
import { ValidationFailed, type FieldError } from '../../shared/http/errors';
import { multilineText, phone, text, website } from '../../shared/modules/fields';
import { modules } from '../../shared/modules/registry';
import { unsafeCharacterIn, withUnsafeCharactersReplaced } from '../../shared/modules/safe-text';
import { validate, type Schema } from '../../shared/modules/validate';

/**
 * Text fields refuse control characters, bidirectional overrides and isolates, other line separators and unpaired
 * surrogates. The checks below compare the validator with an oracle that walks code points one by one.
 */

const isC0orC1 = (code: number) => code <= 0x1f || (code >= 0x7f && code <= 0x9f);
const isBidiControl = (code: number) => (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069);
const isSurrogate = (code: number) => code >= 0xd800 && code <= 0xdfff;

/** The oracle: whether `value` may be stored in a field of `kind`, decided code point by code point. */
function allowed(value: string, kind: 'single-line' | 'multi-line'): boolean {
  const points = [...value];
  return points.every((point, index) => {
    const code = point.codePointAt(0)!;
    if (kind === 'multi-line' && (point === '\t' || point === '\n')) return true;
    if (kind === 'multi-line' && point === '\r') return points[index + 1] === '\n';
    // A spread string yields unpaired surrogates as single code units; pairs as one code point above U+FFFF.
    return !isC0orC1(code) && !isBidiControl(code) && !isSurrogate(code) && code !== 0x2028 && code !== 0x2029;
  });
}

const refusedCharacters = [
  '\u0000',
  '\u0007',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u009b',
  '\u2028',
  '\u2029',
  '\u202a',
  '\u202b',
  '\u202c',
  '\u202d',
  '\u202e',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
  '\ud800',
  '\udbff',
  '\udc00',
  '\udfff',
];

function errorsOf(schema: Schema, body: unknown): readonly FieldError[] {
  try {
    validate(schema, body, 'body');
    return [];
  } catch (error) {
    if (!(error instanceof ValidationFailed)) throw error;
    return error.extensions.errors as FieldError[];
  }
}

const person = v.strictObject({ lastName: text(100), description: v.optional(multilineText(1000)) });
/** Any text, with the characters most likely to matter mixed in. */
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc
    .array(fc.oneof(fc.constantFrom(...refusedCharacters, '\t', '\n', '\r', '\r\n', 'a', ' ', 'é', '😀', '\u200f')), {
      maxLength: 12,
    })
    .map((parts) => parts.join('')),
);

describe('text and multi-line text', () => {
  it('accept exactly what the oracle allows (fast-check)', () => {
    fc.assert(
      fc.property(anyText, (raw) => {
        const value = raw.trim();
        const fits = value.length >= 1 && value.length <= 100;
        expect(v.safeParse(text(100), raw).success).toBe(fits && allowed(value, 'single-line'));
        expect(v.safeParse(multilineText(100), raw).success).toBe(fits && allowed(value, 'multi-line'));
      }),
      { numRuns: 2_000 },
    );
  });

  it('refuse each listed character inside a name, with a 400 naming the field and the character', () => {
    for (const character of refusedCharacters) {
      const errors = errorsOf(person, { lastName: `Ev${character}e` });
      expect(errors).toEqual([
        { path: '/lastName', message: expect.stringContaining(unsafeCharacterIn(`${character}`, 'single-line')!) },
      ]);
      expect(errors[0]!.message).toMatch(/^must not contain .*\(found U\+[0-9A-F]{4}\)$/);
    }
  });

  it('name the character found as U+XXXX (a lone surrogate as itself, a pair not at all)', () => {
    expect(unsafeCharacterIn('Ev\u202Ee', 'single-line')).toBe('U+202E');
    expect(unsafeCharacterIn('a\ud83d', 'single-line')).toBe('U+D83D');
    expect(unsafeCharacterIn('a\ud83d\ude00', 'single-line')).toBeUndefined();
  });

  it('a multi-line field keeps tabs, line feeds and CR+LF; a single-line one refuses them', () => {
    const lines = 'First line\n\tindented\r\nlast';
    expect(errorsOf(person, { lastName: 'Lee', description: lines })).toEqual([]);
    expect(errorsOf(person, { lastName: 'Lee', description: 'a\rb' })).toEqual([
      { path: '/description', message: expect.stringContaining('U+000D') },
    ]);
    for (const lastName of ['Le\ne', 'Le\te', 'Le\r\ne'])
      expect(errorsOf(person, { lastName }).map((error) => error.path)).toEqual(['/lastName']);
  });

  it('trims line breaks at the ends before checking, and keeps right-to-left marks and other scripts', () => {
    expect(v.parse(text(100), '\n  Łukasz Ñúñez \n')).toBe('Łukasz Ñúñez');
    expect(v.parse(text(100), '\u200fשלום\u200f')).toBe('\u200fשלום\u200f');
    expect(v.parse(text(100), '王小明 😀')).toBe('王小明 😀');
  });
});

describe('other text-bearing fields', () => {
  it('a phone number allows spaces but no tab, line break or other separator', () => {
    expect(v.safeParse(phone(), '+49 30 1234567').success).toBe(true);
    for (const value of ['+49\t30', '+49\n30', '+49\u2028 30', '+49\u00a030'])
      expect(v.safeParse(phone(), value).success).toBe(false);
  });

  it('a website refuses control and bidi characters the URL parser would drop or keep', () => {
    expect(v.safeParse(website(), 'https://example.com/a').success).toBe(true);
    for (const value of ['https://exa\tmple.com', 'https://example.com/\na', 'https://example.com/\u202Efdp.exe'])
      expect(v.safeParse(website(), value).success).toBe(false);
  });
});

/** A valibot schema as the walk reads it; a pipe keeps its first schema's type and members. */
interface SchemaNode {
  readonly type: string;
  readonly wrapped?: SchemaNode;
  readonly entries?: Record<string, SchemaNode>;
  readonly item?: SchemaNode;
}

/** Every string leaf of a module schema, with its JSON Pointer: a string with the checks piped after it. */
function stringLeaves(schema: Schema, path = ''): { path: string; schema: Schema }[] {
  const base = schema as unknown as SchemaNode;
  switch (base.type) {
    case 'optional':
      return stringLeaves(base.wrapped as unknown as Schema, path);
    case 'object':
    case 'strict_object':
      return Object.entries(base.entries!).flatMap(([name, inner]) =>
        stringLeaves(inner as unknown as Schema, `${path}/${name}`),
      );
    case 'array':
      return stringLeaves(base.item as unknown as Schema, `${path}/0`);
    case 'string':
      return [{ path, schema }];
    default:
      return [];
  }
}

describe('every text field of every module', () => {
  const leaves = modules.flatMap((module) =>
    stringLeaves(module.schema).map((leaf) => ({ module: module.name, ...leaf })),
  );

  it('finds the free-text fields (the walk is not vacuous)', () => {
    const free = leaves
      .filter((leaf) => v.safeParse(leaf.schema, 'Plain text').success)
      .map((leaf) => `${leaf.module}${leaf.path}`);
    expect(free).toEqual(
      expect.arrayContaining([
        'contacts/lastName',
        'contacts/firstName',
        'partner-contacts/lastName',
        'leads/company',
        'organizations/name',
        'contacts/mailingAddress/street',
        'tickets/description',
        'sales-orders/lineItems/0/description',
        'documents/title',
      ]),
    );
  });

  it.each(refusedCharacters.map((character) => [unsafeCharacterIn(character, 'single-line')!, character]))(
    'every string field that takes plain text refuses %s inside it',
    (_, character) => {
      for (const leaf of leaves) {
        if (!v.safeParse(leaf.schema, 'Plain text').success) continue;
        expect({
          field: `${leaf.module}${leaf.path}`,
          accepted: v.safeParse(leaf.schema, `Plain${character}text`).success,
        }).toEqual({
          field: `${leaf.module}${leaf.path}`,
          accepted: false,
        });
      }
    },
  );
});

describe('withUnsafeCharactersReplaced', () => {
  it('replaces each refused character with U+FFFD and leaves the rest (fast-check)', () => {
    fc.assert(
      fc.property(anyText, (value) => {
        const replaced = withUnsafeCharactersReplaced(value);
        expect(allowed(replaced, 'single-line')).toBe(true);
        expect([...replaced].length).toBe([...value].length);
        if (allowed(value, 'single-line')) expect(replaced).toBe(value);
      }),
    );
  });
});
