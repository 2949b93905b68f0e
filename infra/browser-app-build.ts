import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildSync } from 'esbuild';

/**
 * One build for both browser apps, the portal app (web/, infra/portal-web.ts) and the staff console (console/,
 * infra/staff-console.ts): one hashed script and stylesheet, and index.html naming them, for S3 + CloudFront in the
 * cloud and the local stand-in (infra/local/browser-app-server.ts). Synchronous, so the CDK app can build while it
 * synthesizes.
 */

export const repoRoot = resolve(__dirname, '..');

export interface BrowserAppSource {
  /** The app's folder: index.html, styles.css, favicon.svg and src/main.ts. */
  readonly root: string;
  /** Build-time constants (`__PORTAL_META__`…), each a JSON value. */
  readonly define?: Readonly<Record<string, string>>;
  /** Writes more files into the build (the portal's API reference page). */
  readonly extraFiles?: (outDir: string) => void;
}

export interface BrowserAppBuild {
  readonly outDir: string;
  readonly files: readonly string[];
  /** Bytes of JavaScript the browser downloads, before and after gzip. */
  readonly scriptBytes: number;
  readonly scriptGzipBytes: number;
}

/** The favicon as a data URL (the Content-Security-Policy allows `img-src data:`): no extra request. */
export function faviconOf(root: string): string {
  const svg = readFileSync(join(root, 'favicon.svg'), 'utf8').trim();
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}

/**
 * Hashed file names change with their content, so browsers may keep them; index.html and config.json keep
 * their names and must be checked on every load, or a deploy would leave people on an old app.
 */
export function browserAppCacheControl(fileName: string): string {
  return /-[A-Z0-9]{8}\.(js|css)$/.test(fileName) ? 'public, max-age=31536000, immutable' : 'no-cache';
}

export function buildBrowserApp(app: BrowserAppSource, target: string): BrowserAppBuild {
  const outDir = resolve(target);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const result = buildSync({
    entryPoints: { app: join(app.root, 'src', 'main.ts'), styles: join(app.root, 'styles.css') },
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['chrome120', 'firefox120', 'safari16'],
    platform: 'browser',
    entryNames: '[name]-[hash]',
    outdir: outDir,
    metafile: true,
    legalComments: 'none',
    define: { ...app.define },
    logLevel: 'silent',
  });
  const outputs = Object.keys(result.metafile.outputs).map((path) => resolve(path));
  const nameOf = (extension: string) => {
    const file = outputs.find((path) => path.endsWith(extension));
    if (!file) throw new Error(`The build of ${app.root} produced no ${extension} file`);
    return file.slice(outDir.length + 1);
  };
  const script = nameOf('.js');
  const style = nameOf('.css');
  const html = readFileSync(join(app.root, 'index.html'), 'utf8')
    .replace('{{script}}', `/${script}`)
    .replace('{{style}}', `/${style}`)
    .replace('{{favicon}}', faviconOf(app.root));
  writeFileSync(join(outDir, 'index.html'), html);
  app.extraFiles?.(outDir);
  const scriptSource = readFileSync(join(outDir, script));
  return {
    outDir,
    files: readdirSync(outDir).sort(),
    scriptBytes: scriptSource.length,
    scriptGzipBytes: gzipSync(scriptSource, { level: 9 }).length,
  };
}
