import { join } from 'node:path';
import { build } from 'esbuild';
import * as v from 'valibot';
import { esbuildOptions } from '../../infra/bundling';
import { calendarDate, date, email, website } from '../../shared/modules/fields';
import { validate } from '../../shared/modules/validate';
import { errorsOf } from './support/failures';

/** The field vocabulary's own rules: what a website, an email address and a date accept, and what a bundle holds. */
const repoRoot = join(__dirname, '..', '..');

describe('the website field', () => {
  it('takes http(s) URLs of a domain, trimmed, and refuses the rest', () => {
    const field = website();
    expect(v.parse(field, 'https://example.com/path?q=1')).toBe('https://example.com/path?q=1');
    expect(v.parse(field, '  http://sub.example.co.uk ')).toBe('http://sub.example.co.uk');
    for (const refused of [
      'ftp://example.com',
      'https://localhost',
      'https://10.0.0.1',
      'https://exa mple.com',
      // The URL parser would take these; a link staff type is written out in full.
      'http:example.com',
      'https:/example.com',
      'example.com',
    ]) {
      expect({ refused, success: v.safeParse(field, refused).success }).toEqual({ refused, success: false });
    }
    expect(errorsOf(() => validate(v.object({ url: field }), { url: 'ftp://example.com' }, 'document'))).toEqual([
      { path: '/url', message: 'must be an http or https URL' },
    ]);
  });
});

describe('the email field', () => {
  it('trims and lower-cases an address, and takes what the API always took (an apostrophe included)', () => {
    expect(v.parse(email(), "  Ada.O'Neil+crm@Example.COM ")).toBe("ada.o'neil+crm@example.com");
    for (const refused of ['ada', 'ada@', '@example.com', 'ada@example', 'a..b@example.com', 'ada@-x.com']) {
      expect(errorsOf(() => validate(v.object({ email: email() }), { email: refused }, 'contact'))).toEqual([
        { path: '/email', message: 'must be an email address' },
      ]);
    }
  });
});

describe('the date field', () => {
  it('takes calendar dates that exist, 29 February only in a leap year', () => {
    for (const day of ['2024-02-29', '2000-02-29', '2025-12-31', '2025-04-30'])
      expect(v.safeParse(date(), day).success).toBe(true);
    for (const day of ['2025-02-29', '1900-02-29', '2025-04-31', '2025-13-01', '2025-1-01', '2025-01-01T00:00:00Z'])
      expect({ day, success: v.safeParse(date(), day).success }).toEqual({ day, success: false });
    expect(calendarDate.test('2024-02-29')).toBe(true);
  });
});

describe('a bundle that uses the module fields', () => {
  it('holds valibot and no zod', async () => {
    const result = await build({
      ...esbuildOptions(),
      stdin: {
        contents: "import { modules } from '../shared/modules/registry';\nexport const handler = () => modules;\n",
        loader: 'ts',
        resolveDir: join(repoRoot, 'bench'),
      },
      write: false,
      outfile: 'fields.js',
      metafile: true,
    });
    const output = Object.values(result.metafile.outputs).find((candidate) => candidate.entryPoint !== undefined)!;
    const inputs = Object.keys(output.inputs);
    expect(inputs.some((input) => input.includes('node_modules/valibot/'))).toBe(true);
    expect(inputs.filter((input) => input.includes('node_modules/zod/'))).toEqual([]);
  });
});
