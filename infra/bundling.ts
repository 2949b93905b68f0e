import type { BuildOptions } from 'esbuild';

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
   * and with `--enable-source-maps` every cold start reads and parses the map, so a map without the sources
   * (about a third of its size) is a cheaper start.
   */
  sourcesContent: false,
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
    logLevel: 'silent',
  };
}
