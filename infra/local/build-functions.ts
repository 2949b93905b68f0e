import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { esbuildOptions } from '../bundling';
import type { FunctionDeclaration } from '../../shared/declarations/functions';

/** Bundles every declared function as CDK would, into `<outDir>/<name>.js`; returns the file of each. */
export async function buildFunctions(
  declarations: readonly FunctionDeclaration[],
  repoRoot: string,
  outDir: string,
): Promise<Map<string, string>> {
  mkdirSync(outDir, { recursive: true });
  await build({
    ...esbuildOptions(),
    entryPoints: Object.fromEntries(declarations.map((fn) => [fn.name, resolve(repoRoot, fn.entry)])),
    outdir: outDir,
    // Readable stack traces locally; the deployed bundle is minified.
    minify: false,
  });
  return new Map(declarations.map((fn) => [fn.name, join(outDir, `${fn.name}.js`)]));
}
