import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { esbuildOptions } from '../../infra/bundling';

/**
 * Bundles map their stacks to the TypeScript only when one is formatted (shared/observability/stacks-on-demand.ts,
 * injected by infra/bundling.ts), not at load as `--enable-source-maps` does. Each case runs a bundle built with the
 * functions' own settings in a fresh Node process with no flags, as Lambda runs it, and compares its stacks with
 * what Node's own source maps print for the same bundle.
 */

const dir = mkdtempSync(join(tmpdir(), 'stacks-on-demand-'));
const source = join(dir, 'entry.ts');
const bundle = join(dir, 'out', 'index.js');
const map = `${bundle}.map`;
const unminified = join(dir, 'plain', 'index.js');
// Line 3, column 9 is the `throw`; the functions' names are minified away in the bundle.
const entry = [
  'export function failWithTheWrongType(value: unknown): never {',
  '  const kind = typeof value;',
  '  throw new TypeError(`Not a ${kind}`);',
  '}',
  'export function handler(): never {',
  '  return failWithTheWrongType(42);',
  '}',
  'export function nodeError(): never {',
  '  return Buffer.alloc(-1) as never;',
  '}',
  'class Ledger {',
  '  constructor(readonly entries: number) {',
  "    if (entries < 0) throw new RangeError('No negative ledgers');",
  '  }',
  '  close(): never {',
  "    throw new Error('Closed twice');",
  '  }',
  '}',
  'export function constructor(): void {',
  '  new Ledger(-1);',
  '}',
  'export function method(): never {',
  '  return new Ledger(1).close();',
  '}',
  'async function later(): Promise<never> {',
  '  await Promise.resolve();',
  "  throw new Error('Later');",
  '}',
  'export async function asynchronous(): Promise<never> {',
  '  return await later();',
  '}',
  '',
].join('\n');

// The children run with no NODE_OPTIONS, whatever this process was started with.
const { NODE_OPTIONS: _flags, ...childEnv } = process.env;

/** What a fresh process that loaded `file` prints: `body` runs after the load, with the bundle as `m`. */
function run(file: string, body: string, flags: string[] = []): string {
  const script = `const m = require(process.argv[1]);\n(async () => {\n${body}\n})();`;
  return execFileSync(process.execPath, [...flags, '-e', script, file], { encoding: 'utf8', env: childEnv });
}

const printStackOf = (name: string) =>
  `try { await m.${name}(); } catch (error) { process.stdout.write(error.stack + '\\n'); }`;

/** The stack of what `name` throws; `between` runs after the load, before the throw. */
const stackOf = (name: string, options: { flags?: string[]; between?: string; file?: string } = {}) =>
  run(options.file ?? bundle, `${options.between ?? ''}\n${printStackOf(name)}`, options.flags).trimEnd();

beforeAll(async () => {
  writeFileSync(source, entry);
  await build({ ...esbuildOptions(), entryPoints: [source], outfile: bundle, absWorkingDir: dir });
  await build({ ...esbuildOptions(), minify: false, entryPoints: [source], outfile: unminified, absWorkingDir: dir });
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('stacks mapped on demand', () => {
  it('name the TypeScript file, line and column, and the original function name, as Node would', () => {
    const stack = stackOf('handler');
    const lines = stack.split('\n');
    expect(lines[0]).toBe('TypeError: Not a number');
    expect(lines[1]).toBe(`    at failWithTheWrongType (${source}:3:9)`);
    expect(lines[2]).toMatch(/^ {4}at Object\.\S+ \(.*entry\.ts:6:10\)$/);
    // Every frame as Node's own source maps print it (frames outside the bundle untouched).
    expect(stack).toBe(stackOf('handler', { flags: ['--enable-source-maps'] }));
  });

  it.each(['constructor', 'method', 'asynchronous', 'nodeError'])(
    'print a %s frame as Node does, minified or not',
    (name) => {
      for (const file of [bundle, unminified]) {
        const stack = stackOf(name, { file });
        expect(stack).toContain(`(${source}:`);
        expect(stack).toBe(stackOf(name, { file, flags: ['--enable-source-maps'] }));
      }
    },
  );

  it("keep Node's first line for its own errors", () => {
    expect(stackOf('nodeError').split('\n')[0]).toMatch(/^RangeError \[ERR_OUT_OF_RANGE\]: /);
  });

  it('read the map when a stack is first formatted, not while the bundle loads', () => {
    const real = readFileSync(map, 'utf8');
    // At load the map is there but unreadable; the real one is back before anything throws.
    writeFileSync(map, '{ not a source map');
    try {
      const stack = stackOf('handler', {
        between: `require('fs').writeFileSync(${JSON.stringify(map)}, ${JSON.stringify(real)});`,
      });
      expect(stack.split('\n')[1]).toBe(`    at failWithTheWrongType (${source}:3:9)`);
    } finally {
      writeFileSync(map, real);
    }
  });

  it('try the map again after a read that failed for a reason other than its absence', () => {
    const fs = "const fs = require('fs');";
    const aside = `${map}.aside`;
    // The first stack meets a directory where the map was (EISDIR); the second, the map put back.
    const body = [
      fs,
      `fs.renameSync(${JSON.stringify(map)}, ${JSON.stringify(aside)}); fs.mkdirSync(${JSON.stringify(map)});`,
      printStackOf('handler'),
      `fs.rmdirSync(${JSON.stringify(map)}); fs.renameSync(${JSON.stringify(aside)}, ${JSON.stringify(map)});`,
      printStackOf('handler'),
    ].join('\n');
    const [first, second] = run(bundle, body).split('TypeError: Not a number').slice(1);
    expect(first).toMatch(/\(.*index\.js:\d+:\d+\)/);
    expect(second!.split('\n')[1]).toBe(`    at failWithTheWrongType (${source}:3:9)`);
  });

  it('leave the mapping to Node when it maps stacks itself', () => {
    const real = readFileSync(map, 'utf8');
    try {
      // Node read the map at load; had this module taken over, it would read the broken one now.
      const between = `require('fs').writeFileSync(${JSON.stringify(map)}, '{ broken');`;
      const stack = stackOf('handler', { flags: ['--enable-source-maps'], between });
      expect(stack.split('\n')[1]).toBe(`    at failWithTheWrongType (${source}:3:9)`);
    } finally {
      writeFileSync(map, real);
    }
  });

  it('is what maps them: without the map, the stack names the bundle', () => {
    const real = readFileSync(map, 'utf8');
    rmSync(map);
    try {
      expect(stackOf('handler').split('\n')[1]).toMatch(/\(.*index\.js:\d+:\d+\)$/);
    } finally {
      writeFileSync(map, real);
    }
  });
});
