import { findModule } from '../../shared/modules/registry';
import { planImportFile, readChunkCells } from '../../shared/imports/import-plan';

const contacts = findModule('contacts')!;

async function* pieces(bytes: Buffer, size: number) {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe('planning an import file', () => {
  const text =
    '\ufeffemail,lastName,title\r\n' +
    'a@x.io,Ä,"two\r\nlines"\r\n' +
    'b@x.io,B,\r\n' +
    '\r\n' +
    'A@X.io,A again,\r\n' +
    'c@x.io,C,t\r\n' +
    'b@x.io,B again,\r\n';
  const bytes = Buffer.from(text);

  it('splits the rows into byte ranges a worker can read alone, whatever the stream pieces', async () => {
    for (const size of [1, 7, bytes.length]) {
      const plan = await planImportFile(pieces(bytes, size), contacts, {}, 2);
      if (!plan.ok) throw new Error(JSON.stringify(plan.problems));
      expect(plan.rowCount).toBe(5);
      expect(plan.chunks.map((chunk) => [chunk.firstRow, chunk.rowCount])).toEqual([
        [2, 2],
        [4, 2],
        [6, 1],
      ]);
      const cells = plan.chunks.map((chunk) => readChunkCells(bytes.subarray(chunk.startByte, chunk.endByte)));
      expect(cells).toEqual([
        [
          ['a@x.io', 'Ä', 'two\r\nlines'],
          ['b@x.io', 'B', ''],
        ],
        [
          ['A@X.io', 'A again', ''],
          ['c@x.io', 'C', 't'],
        ],
        [['b@x.io', 'B again', '']],
      ]);
    }
  });

  it('marks every later valid row with a key an earlier valid row has, in file order', async () => {
    const plan = await planImportFile(bytes, contacts, {}, 2);
    if (!plan.ok) throw new Error('not planned');
    // Row 2 is invalid (a title holds one line), so row 4 (the same email) is the first to hold its key.
    expect(plan.chunks.flatMap((chunk) => chunk.duplicates)).toEqual([{ row: 6, firstRow: 3 }]);
    const valid = await planImportFile(Buffer.from(text.replace('"two\r\nlines"', 'one line')), contacts, {}, 2);
    if (!valid.ok) throw new Error('not planned');
    expect(valid.chunks.flatMap((chunk) => chunk.duplicates)).toEqual([
      { row: 4, firstRow: 2 },
      { row: 6, firstRow: 3 },
    ]);
  });

  it('refuses a file whose header names unknown fields, or that has no rows or is not CSV', async () => {
    const unknown = await planImportFile(Buffer.from('email,lastName,shoeSize\nx@y.z,Q,42\n'), contacts);
    expect(unknown).toEqual({
      ok: false,
      problems: [{ column: 'shoeSize', reason: expect.stringContaining('unknown column') }],
    });
    expect(await planImportFile(Buffer.from(''), contacts)).toEqual({
      ok: false,
      problems: [{ column: '', reason: expect.stringContaining('empty') }],
    });
    expect(await planImportFile(Buffer.from('email,lastName\n'), contacts)).toEqual({
      ok: false,
      problems: [{ column: '', reason: expect.stringContaining('no rows') }],
    });
    const broken = await planImportFile(Buffer.from('email,lastName\n"x@y.z,Q\n'), contacts);
    expect(broken).toEqual({ ok: false, problems: [{ column: '', reason: expect.stringContaining('not valid CSV') }] });
  });
});
