import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const repoRoot = resolve(__dirname, '..', '..');
const generated = join(repoRoot, 'web', 'src', 'generated', 'api-types.ts');

/** `npm run api:types -- --check…` in a child process: openapi-typescript is an ES module jest's runtime cannot load. */
async function checkApiTypes(...args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/api-types.ts', ...args], {
      cwd: repoRoot,
    });
    return { code: 0, stderr: '' };
  } catch (error) {
    const failed = error as { code?: number; stderr?: string };
    return { code: failed.code ?? -1, stderr: failed.stderr ?? '' };
  }
}

// openapi-typescript over the whole document takes seconds on a loaded machine.
describe('web/src/generated/api-types.ts', () => {
  it('is what openapi-typescript makes of the document now (run `npm run api:types` after a contract change)', async () => {
    expect(await checkApiTypes('--check')).toEqual({ code: 0, stderr: '' });
  }, 120_000);

  it('is reported stale when it differs from the document', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portico-api-types-'));
    try {
      const stale = join(dir, 'api-types.ts');
      writeFileSync(stale, readFileSync(generated, 'utf8').replace('"/portal/me"', '"/portal/whoami"'));
      const result = await checkApiTypes(`--check=${stale}`);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('is stale: run npm run api:types');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
