import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * cognito-local keeps each pool in one JSON file that it rewrites on every change. Rewriting in place let a
 * crash (or two overlapping writes) leave invalid JSON, and the emulator then refused to start. The preload
 * (infra/local/cognito-local-extensions.cjs) makes each write a rename of a complete file, in order. Checked in
 * a plain Node process, as the emulator loads it (node --require).
 */
const preload = resolve(__dirname, '../../infra/local/cognito-local-extensions.cjs');
const writer = `
  const path = require('node:path');
  const lib = path.dirname(require.resolve('cognito-local/lib/index.js'));
  const LocalEngine = require(require.resolve('stormdb/src/engine/local.js', { paths: [lib] }));
  const [file, mode] = process.argv.slice(1);
  const engine = new LocalEngine(file, { async: mode === 'async' });
  // Large and small states alternate: in-place writes of different lengths garble each other.
  const states = Array.from({ length: 40 }, (_, i) => ({ users: 'x'.repeat(i % 2 ? 200000 : 10), i }));
  Promise.all(states.map((state) => engine.write(state))).then(() => {}, (error) => { console.error(error); process.exit(1); });
`;

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'cognito-store-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function writeMany(mode: 'async' | 'sync') {
  const file = join(dir, 'pool.json');
  const run = spawnSync(process.execPath, ['--require', preload, '-e', writer, file, mode], {
    cwd: resolve(__dirname, '../..'),
    encoding: 'utf8',
  });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return file;
}

it.each(['async', 'sync'] as const)('overlapping %s writes leave a complete file holding the last one', (mode) => {
  const file = writeMany(mode);
  expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ i: 39 });
  expect(readdirSync(dir)).toEqual(['pool.json']);
});
