import fc from 'fast-check';
import { attachmentDisposition, maxFileNameLength, sanitizeFileName } from '../../shared/files/file-name';

// Built from a string, as shared/modules/safe-text.ts does: the control-character range is the point here.
const refusedCharacters =
  '\\u0000-\\u001F\\u007F-\\u009F\\u2028\\u2029\\u202A-\\u202E\\u2066-\\u2069\\u200B-\\u200D\\u2060\\uFEFF/\\\\<>:"|?*';
const refused = new RegExp(`[${refusedCharacters}]`, 'u');
/** Names built from every kind of character, control and path characters included. */
const anyName = fc
  .array(
    fc.oneof(
      fc.constantFrom('/', '\\', '.', ' ', '\u0000', '\u202E', '\n', ':', '*', 'é', '日'),
      fc.string({ unit: 'binary', maxLength: 4 }),
    ),
    { maxLength: 80 },
  )
  .map((parts) => parts.join(''));

describe('sanitizeFileName', () => {
  it('never leaves a path separator, control, bidi or reserved character, and never an empty or overlong name', () => {
    fc.assert(
      fc.property(anyName, (given) => {
        const name = sanitizeFileName(given);
        expect(name).not.toMatch(refused);
        expect(name.length).toBeGreaterThan(0);
        expect([...name].length).toBeLessThanOrEqual(maxFileNameLength);
        expect(name).not.toMatch(/^[.\s]|[.\s]$/u);
      }),
    );
  });

  it('is idempotent: a stored name comes back unchanged', () => {
    fc.assert(
      fc.property(anyName, (given) => expect(sanitizeFileName(sanitizeFileName(given))).toBe(sanitizeFileName(given))),
    );
  });

  it('keeps a readable name as it is: letters of any script, digits, spaces, dashes and the extension', () => {
    const word = fc.stringMatching(/^[A-Za-z0-9ÄÖÜäöüéèçñ日本語の資料-]{1,20}$/);
    fc.assert(
      fc.property(
        fc.array(word, { minLength: 1, maxLength: 3 }),
        fc.constantFrom('pdf', 'png', 'docx', 'csv'),
        (words, extension) => {
          const name = `${words.join(' ')}.${extension}`;
          expect(sanitizeFileName(name)).toBe(name);
        },
      ),
    );
  });

  it.each([
    ['../../etc/passwd', 'passwd'],
    ['C:\\Users\\pat\\Report.pdf', 'Report.pdf'],
    ['in\u202Evoice\u202Cfdp.exe', 'invoicefdp.exe'],
    ['line\nbreak.txt', 'line break.txt'],
    ['  ..hidden.txt. ', 'hidden.txt'],
    ['a<b>c:d"e|f?g*h.txt', 'a_b_c_d_e_f_g_h.txt'],
    ['CON.txt', '_CON.txt'],
    ['', 'file'],
    ['/', 'file'],
    ['\u0000', 'file'],
  ])('%j → %j', (given, expected) => {
    expect(sanitizeFileName(given)).toBe(expected);
  });

  it('keeps the extension when it cuts a long name', () => {
    const name = sanitizeFileName(`${'x'.repeat(500)}.pdf`);
    expect([...name]).toHaveLength(maxFileNameLength);
    expect(name.endsWith('.pdf')).toBe(true);
  });
});

describe('attachmentDisposition', () => {
  it('names the file exactly in filename* and with an ASCII fallback', () => {
    expect(attachmentDisposition('Résumé "final".pdf')).toBe(
      `attachment; filename="R_sum_ _final_.pdf"; filename*=UTF-8''R%C3%A9sum%C3%A9%20%22final%22.pdf`,
    );
  });

  it('always decodes back to the name it was given', () => {
    fc.assert(
      fc.property(anyName, (given) => {
        const name = sanitizeFileName(given);
        const encoded = /filename\*=UTF-8''(.*)$/.exec(attachmentDisposition(name))![1]!;
        expect(encoded).toMatch(/^[A-Za-z0-9%!#$&+.^_`|~-]*$/);
        expect(decodeURIComponent(encoded)).toBe(name);
      }),
    );
  });
});
