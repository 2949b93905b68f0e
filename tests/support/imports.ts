import { parse } from 'csv-parse/sync';
import { waitFor } from '../../infra/local/managed-process';
import type { ApiResponse, StaffApi } from './staff-api';

/** Staff's side of a CSV import on the local stack: start, upload with the presigned URL, dry run, commit, wait. */

export interface ImportView {
  id: string;
  status: string;
  rows: number | null;
  problems: { column: string; reason: string }[];
  dryRun: {
    rowsRead: number;
    valid: number;
    failed: number;
    errors: { row: number; field: string; reason: string }[];
  } | null;
  progress: {
    rowsRead: number;
    created: number;
    updated: number;
    unchanged: number;
    failed: number;
    errors: { row: number; field: string; reason: string }[];
  } | null;
  errorReport: { url: string; expiresAt: string; phase: string } | null;
}

function expectStatus<T>(response: ApiResponse<T>, status: number): T {
  if (response.status !== status) {
    throw new Error(`expected ${status}, got ${response.status}: ${JSON.stringify(response.body)}`);
  }
  return response.body;
}

export function importsClient(api: StaffApi) {
  const get = async (id: string) => expectStatus(await api.call<ImportView>('GET', `/imports/${id}`), 200);

  async function until(id: string, statuses: readonly string[], timeoutMs: number): Promise<ImportView> {
    let last: ImportView | undefined;
    await waitFor(
      async () => statuses.includes((last = await get(id)).status),
      timeoutMs,
      `import ${id} ${statuses.join(' or ')}`,
    );
    return last!;
  }

  /** Creates the import and uploads the file as a browser would; answers the import awaiting its dry run. */
  async function upload(module: string, csv: string, mapping?: Record<string, string | null>): Promise<ImportView> {
    const bytes = Buffer.from(csv, 'utf8');
    const started = expectStatus(
      await api.call<{ import: ImportView; upload: { url: string; method: string; headers: Record<string, string> } }>(
        'POST',
        '/imports',
        { module, fileName: 'people.csv', size: bytes.length, ...(mapping ? { mapping } : {}) },
      ),
      201,
    );
    const put = await fetch(started.upload.url, {
      method: started.upload.method,
      headers: started.upload.headers,
      body: new Blob([new Uint8Array(bytes)]),
    });
    if (!put.ok) throw new Error(`upload refused: ${put.status} ${await put.text()}`);
    return started.import;
  }

  async function dryRun(id: string, timeoutMs = 180_000): Promise<ImportView> {
    expectStatus(await api.call('POST', `/imports/${id}/dry-run`), 202);
    return until(id, ['validated', 'refused'], timeoutMs);
  }

  async function commit(id: string, timeoutMs = 480_000): Promise<ImportView> {
    expectStatus(await api.call('POST', `/imports/${id}/commit`), 202);
    return until(id, ['completed'], timeoutMs);
  }

  /** The error report's rows, downloaded with its presigned URL. */
  async function report(view: ImportView): Promise<{ row: string; field: string; reason: string }[]> {
    if (!view.errorReport) throw new Error('no error report');
    const response = await fetch(view.errorReport.url);
    if (!response.ok) throw new Error(`report download: ${response.status}`);
    return parse(await response.text(), { columns: true }) as { row: string; field: string; reason: string }[];
  }

  return { get, until, upload, dryRun, commit, report };
}
