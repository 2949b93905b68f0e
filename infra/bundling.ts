import type { BuildOptions } from 'esbuild';
import { join } from 'node:path';

/**
 * How every function is bundled, for CDK's NodejsFunction and for the local runtime alike: the local
 * stack runs the very artifact that deploys. The AWS SDK is bundled (not taken from the runtime) so the
 * version tested is the version shipped.
 */
export const bundling = {
  target: 'node24',
  format: 'cjs',
  minify: true,
  sourceMap: true,
  /**
   * The map names files and lines but does not carry the sources themselves: stack traces need only the positions,
   * and a map without the sources is about a third of the size to read when a stack is first formatted.
   */
  sourcesContent: false,
  /**
   * Run first in every bundle: stacks mapped to the TypeScript when one is formatted, the map read then, not while
   * the bundle loads as `--enable-source-maps` would (shared/observability/stacks-on-demand.ts).
   */
  inject: [join(__dirname, '..', 'shared', 'observability', 'stacks-on-demand.ts')],
  /** Nothing external: the bundle is self-contained. */
  externalModules: [] as string[],
} as const;

/** The same settings in esbuild's own terms, for builds outside CDK. */
export function esbuildOptions(): BuildOptions {
  return {
    bundle: true,
    platform: 'node',
    target: bundling.target,
    format: bundling.format,
    minify: bundling.minify,
    sourcemap: bundling.sourceMap,
    sourcesContent: bundling.sourcesContent,
    external: bundling.externalModules,
    inject: [...bundling.inject],
    logLevel: 'silent',
  };
}
