import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { waitFor } from '../../infra/local/managed-process';
import { spawnLocalStack, stopLocalStack, untilReady, type StackProcess } from '../../infra/local/stack-process';
import { importsClient, type ImportView } from '../support/imports';
import { staffApi } from '../support/staff-api';

jest.setTimeout(900_000);

/**
 * A crash of the whole local stack in the middle of an import's commit: after the restart on the same data, the
 * import resumes from its chunks and finishes with every row created once, and counted once.
 */
describe('a crash in the middle of an import', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'portico-import-crash-'));
  let stack: StackProcess | undefined;
  afterAll(async () => {
    if (stack) await stopLocalStack(stack);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('resumes and finishes with no duplicate', async () => {
    stack = spawnLocalStack(dataDir, ['--fresh']);
    const outputs = await untilReady(stack, 300_000);
    const imports = importsClient(await staffApi(outputs));
    const rows = 1000;
    const csv = stringify([
      ['email', 'lastName'],
      ...Array.from({ length: rows }, (_, i) => [`crash.${i}@example.com`, `Crash ${i}`]),
    ]);
    const started = await imports.upload('leads', csv);
    await imports.dryRun(started.id);
    await imports.get(started.id);
    const api = await staffApi(outputs);
    expect((await api.call('POST', `/imports/${started.id}/commit`)).status).toBe(202);
    let atCrash: ImportView | undefined;
    await waitFor(
      async () => ((atCrash = await imports.get(started.id)).progress?.rowsRead ?? 0) >= 100,
      300_000,
      'the first chunks of the commit',
    );
    stack.child.kill('SIGKILL');
    await stack.exited;
    expect(atCrash!.status).toBe('committing');
    expect(atCrash!.progress!.rowsRead).toBeLessThan(rows);

    stack = spawnLocalStack(dataDir);
    const restarted = await untilReady(stack, 300_000);
    const restartedApi = await staffApi(restarted);
    const finished = await importsClient(restartedApi).until(started.id, ['completed'], 600_000);
    expect(finished.progress).toMatchObject({ rowsRead: rows, created: rows, updated: 0, unchanged: 0, failed: 0 });

    // Every lead once: the whole module, page by page (the stack is this test's alone).
    const emails: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { email: string }[]; nextCursor: string | null } } = await restartedApi.call(
        'GET',
        `/leads?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      emails.push(...page.body.items.map((item) => item.email));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(emails).toHaveLength(rows);
    expect(new Set(emails).size).toBe(rows);
  });
});
