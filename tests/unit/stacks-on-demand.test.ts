import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { esbuildOptions } from '../../infra/bundling';

/**
 * Bundles map their stacks to the TypeScript only when one is formatted (shared/observability/stacks-on-demand.ts,
 * injected by infra/bundling.ts), not at load as `--enable-source-maps` does. Each case runs a bundle built with the
 * functions' own settings in a fresh Node process, with no flags, as Lambda runs it.
 */

const dir = mkdtempSync(join(tmpdir(), 'stacks-on-demand-'));
const source = join(dir, 'entry.ts');
const bundle = join(dir, 'out', 'index.js');
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
  '',
].join('\n');

/** The stack of what `name` throws, printed by a fresh process that loaded the bundle; `between` runs after the load. */
function stackOf(name: string, options: { flags?: string[]; between?: string } = {}): string {
  const script = [
    'const m = require(process.argv[1]);',
    options.between ?? '',
    `try { m.${name}(); } catch (error) { process.stdout.write(error.stack); }`,
  ].join('\n');
  return execFileSync(process.execPath, [...(options.flags ?? []), '-e', script, bundle], { encoding: 'utf8' });
}

beforeAll(async () => {
  writeFileSync(source, entry);
  await build({ ...esbuildOptions(), entryPoints: [source], outfile: bundle, absWorkingDir: dir });
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

  it('read the map when a stack is first formatted, not while the bundle loads', () => {
    const map = `${bundle}.map`;
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

  it("keep Node's first line for its own errors", () => {
    const stack = stackOf('nodeError').split('\n');
    expect(stack[0]).toMatch(/^RangeError \[ERR_OUT_OF_RANGE\]: /);
    expect(stack.some((line) => line.includes(`(${source}:9:17)`))).toBe(true);
    expect(stack.join('\n')).toBe(stackOf('nodeError', { flags: ['--enable-source-maps'] }));
  });

  it('leave the mapping to Node when it maps stacks itself', () => {
    const stack = stackOf('handler', { flags: ['--enable-source-maps'] }).split('\n');
    expect(stack[1]).toBe(`    at failWithTheWrongType (${source}:3:9)`);
  });

  it('is what maps them: without the map, the stack names the bundle', () => {
    const map = `${bundle}.map`;
    const real = readFileSync(map, 'utf8');
    rmSync(map);
    try {
      expect(stackOf('handler').split('\n')[1]).toMatch(/\(.*index\.js:\d+:\d+\)$/);
    } finally {
      writeFileSync(map, real);
    }
  });
});
