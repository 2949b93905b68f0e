import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import type { ModuleDeclaration } from '../modules/registry';
import { planHeader, readRow, type ColumnMapping, type FileProblem, type HeaderPlan } from './import-columns';

/**
 * One pass over an uploaded CSV file that splits it into chunks: each chunk knows the bytes it spans, so a worker
 * reads only its own slice of the object (a ranged GET) however large the file is, and the rows whose key an
 * earlier row of the file already has, so "duplicate in the file" is decided once, in file order, not by whichever
 * chunk happens to run first.
 */

/** Rows per chunk: small enough that a chunk finishes in seconds, large enough that the table is not all bookkeeping. */
export const defaultChunkRows = 100;

/** csv-parse's options for every read: RFC 4180 with a UTF-8 BOM tolerated, blank lines skipped, ragged rows kept. */
const csvOptions = { bom: true, relax_column_count: true, skip_empty_lines: true } as const;

export interface ChunkPlan {
  readonly index: number;
  /** Byte range of the chunk's rows in the object, end exclusive. */
  readonly startByte: number;
  readonly endByte: number;
  /** Number of the chunk's first row in the file (the header is row 1). */
  readonly firstRow: number;
  readonly rowCount: number;
  /** Valid rows of this chunk whose key an earlier valid row of the file has, with that row's number. */
  readonly duplicates: readonly { readonly row: number; readonly firstRow: number }[];
}

export type FilePlan =
  | { readonly ok: false; readonly problems: readonly FileProblem[] }
  | {
      readonly ok: true;
      readonly headers: readonly string[];
      readonly rowCount: number;
      readonly chunks: readonly ChunkPlan[];
    };

export async function planImportFile(
  source: AsyncIterable<Uint8Array> | Uint8Array,
  module: Pick<ModuleDeclaration, 'schema' | 'kind' | 'label'>,
  mapping: ColumnMapping = {},
  chunkRows: number = defaultChunkRows,
): Promise<FilePlan> {
  const parser = (source instanceof Uint8Array ? Readable.from([source]) : Readable.from(source)).pipe(
    parse({ ...csvOptions, info: true }),
  );
  let headers: string[] | undefined;
  let header: HeaderPlan | undefined;
  let previousEnd = 0;
  let rowCount = 0;
  const chunks: ChunkPlan[] = [];
  let current:
    | { startByte: number; firstRow: number; rowCount: number; duplicates: ChunkPlan['duplicates'][number][] }
    | undefined;
  const firstRowOfKey = new Map<string, number>();

  const closeChunk = () => {
    if (!current) return;
    chunks.push({ index: chunks.length, ...current, endByte: previousEnd });
    current = undefined;
  };

  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { bytes: number } }>) {
      if (!headers) {
        headers = record;
        header = planHeader(module, record, mapping);
        if (header.problems.length > 0) {
          parser.destroy();
          return { ok: false, problems: header.problems };
        }
        previousEnd = info.bytes;
        continue;
      }
      const row = rowCount + 2;
      rowCount++;
      current ??= { startByte: previousEnd, firstRow: row, rowCount: 0, duplicates: [] };
      current.rowCount++;
      // Only a row that will be written holds its key: a later valid row is not refused for repeating an invalid one.
      const read = readRow(module, header!, record, row);
      const key = read.ok ? read.key : undefined;
      if (key !== undefined) {
        const first = firstRowOfKey.get(key);
        if (first === undefined) firstRowOfKey.set(key, row);
        else current.duplicates.push({ row, firstRow: first });
      }
      previousEnd = info.bytes;
      if (current.rowCount >= chunkRows) closeChunk();
    }
  } catch (error) {
    const message = (error as { code?: string; message?: string }).message ?? 'it cannot be read';
    return { ok: false, problems: [{ column: '', reason: `the file is not valid CSV: ${message}` }] };
  }
  closeChunk();
  if (!headers) return { ok: false, problems: [{ column: '', reason: 'the file is empty: it needs a header row' }] };
  if (rowCount === 0) return { ok: false, problems: [{ column: '', reason: 'the file has a header but no rows' }] };
  return { ok: true, headers, rowCount, chunks };
}

/** The cells of a chunk's rows, parsed from its byte range of the object. */
export function readChunkCells(bytes: Uint8Array): string[][] {
  return parseSync(Buffer.from(bytes), csvOptions) as string[][];
}
