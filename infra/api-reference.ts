import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The human-readable API reference: Redoc's standalone bundle (redoc 2, chosen over Scalar for weight: about 1.1 MB
 * against about 5 MB of script, and 82 packages against 267 to install) on a static page that renders the OpenAPI
 * document the API serves at `/openapi.json` on the same origin. It is part of the portal web build, so both runtimes
 * serve it beside the app: CloudFront from the app's bucket (infra/cdk/portal-web.ts) and the local stand-in
 * (infra/local/portal-web-server.ts), each with the page's own security headers below.
 */

/** The page and the script it loads, at the root of the web build (the local server serves a flat build). */
export const apiReferenceFiles = ['api-reference.html', 'redoc.standalone.js'] as const;

/** Where people open it. */
export const apiReferencePage = '/api-reference.html';

/** The document the page renders: the API's own route, forwarded by the web app's origin (portalWebApiPaths). */
export const apiDocumentPath = '/openapi.json';

const redocBundle = require.resolve('redoc/bundles/redoc.standalone.js');

const page = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Portico API reference</title>
  </head>
  <body>
    <redoc spec-url="${apiDocumentPath}" hide-download-button="false"></redoc>
    <script src="/${apiReferenceFiles[1]}"></script>
  </body>
</html>
`;

/** Writes the page and Redoc's bundle into a web build's output folder. */
export function writeApiReference(outDir: string): void {
  writeFileSync(join(outDir, apiReferenceFiles[0]), page);
  copyFileSync(redocBundle, join(outDir, apiReferenceFiles[1]));
}

/**
 * The page's Content-Security-Policy: the app's, less what Redoc cannot work without. Redoc (React with
 * styled-components) writes its styles into `<style>` elements and sets DOM properties React's way, so the page
 * allows inline styles and has no Trusted Types requirement; it still runs no script but its own file, calls only its
 * own origin (the document), and may not be framed.
 */
export const apiReferenceContentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  // Redoc's search index runs in a worker it starts from a blob.
  'worker-src blob:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
