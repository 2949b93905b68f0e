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
    external: bundling.externalModules,
    logLevel: 'silent',
  };
}
