import { readFileSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import { portalWebApiPaths, portalWebHeaderFields, type PortalWebConfig } from '../portal-web';
import { browserAppCacheControl, type BrowserAppBuild } from '../browser-app-build';
import { apiReferenceContentSecurityPolicy, apiReferenceFiles } from '../api-reference';

/**
 * CloudFront's part, locally, for each browser app (the portal app, the staff console): serves the built app and its
 * `config.json` with the same security headers, and forwards the API paths to the API Gateway stand-in on the same
 * origin, adding the viewer's address as CloudFront does (`CloudFront-Viewer-Address`, replacing any value the client
 * sent) and the origin custom headers (the origin secret that lets the API trust that address), which also replace
 * any the client sent.
 */

export interface BrowserAppServerOptions {
  readonly build: BrowserAppBuild;
  readonly config: PortalWebConfig;
  /**
   * The API's path for a request path, or undefined when the path is the app's own: the portal's `/portal/*` go as
   * they are, the console's `/api/*` lose their prefix (as the CloudFront function does in the cloud).
   */
  readonly apiPathOf: (path: string) => string | undefined;
  /** The API Gateway stand-in, e.g. http://127.0.0.1:3100. */
  readonly apiUrl: string;
  /** Origin of the hosted login, allowed by the Content-Security-Policy for token requests. */
  readonly loginOrigin: string;
  /** Origin of the files bucket (s3rver), allowed by the Content-Security-Policy for uploads. */
  readonly filesOrigin: string;
  /** CloudFront's origin custom headers for the API: the origin secret header. */
  readonly apiOriginHeaders?: Readonly<Record<string, string>>;
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
};

/** `/portal/*` → a prefix test; the patterns are CloudFront path patterns. */
const portalApiPrefixes = portalWebApiPaths.map((pattern) => pattern.replace(/\*$/, ''));

/** The portal app's API paths: forwarded as they are. */
export const portalApiPathOf = (path: string) =>
  portalApiPrefixes.some((prefix) => path.startsWith(prefix)) ? path : undefined;

/** Hop-by-hop headers are the connection's own; CloudFront neither forwards nor returns them. */
const hopByHop = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te']);

function withoutHopByHop(headers: IncomingMessage['headers']) {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !hopByHop.has(name)));
}

export function createBrowserAppServer(options: BrowserAppServerOptions): Server {
  const securityHeaders = portalWebHeaderFields({
    login: options.loginOrigin,
    files: options.filesOrigin,
    logoUrl: options.config.branding.logoUrl,
  });
  // The API reference page has a policy of its own (infra/api-reference.ts), as its CloudFront behaviours do.
  const referenceHeaders = { ...securityHeaders, 'content-security-policy': apiReferenceContentSecurityPolicy };
  const headersOf = (name: string) =>
    (apiReferenceFiles as readonly string[]).includes(name) ? referenceHeaders : securityHeaders;
  // Only the files of this build are served: a request names one of them or gets a 404, never a path on disk.
  const files = new Map<string, Buffer>(
    options.build.files.map((name) => [`/${name}`, readFileSync(join(options.build.outDir, name))]),
  );
  files.set('/', files.get('/index.html')!);
  files.set('/config.json', Buffer.from(JSON.stringify(options.config)));
  const api = new URL(options.apiUrl);

  function serveFile(req: IncomingMessage, res: ServerResponse, path: string) {
    const body = files.get(path);
    if (!body || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(body ? 405 : 404, { ...securityHeaders, 'content-type': 'text/plain; charset=utf-8' });
      return res.end(body ? 'Method not allowed' : 'Not found');
    }
    const name = path === '/' ? 'index.html' : path.slice(1);
    res.writeHead(200, {
      ...headersOf(name),
      'content-type': contentTypes[extname(name)] ?? 'application/octet-stream',
      'content-length': body.length,
      'cache-control': browserAppCacheControl(name),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  function forward(req: IncomingMessage, res: ServerResponse, apiPath: string) {
    const search = (req.url ?? '').includes('?') ? (req.url ?? '').slice((req.url ?? '').indexOf('?')) : '';
    const viewer = `${req.socket.remoteAddress ?? ''}:${req.socket.remotePort ?? ''}`;
    const upstream = request(
      {
        hostname: api.hostname,
        port: api.port,
        method: req.method,
        path: `${apiPath}${search}`,
        headers: {
          ...withoutHopByHop(req.headers),
          host: api.host,
          'cloudfront-viewer-address': viewer,
          ...options.apiOriginHeaders,
        },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, { ...withoutHopByHop(answer.headers), ...securityHeaders });
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (res.headersSent) return res.destroy();
      res.writeHead(502, { ...securityHeaders, 'content-type': 'application/problem+json' });
      res.end(JSON.stringify({ type: 'about:blank', title: 'Bad Gateway', status: 502 }));
    });
    req.pipe(upstream);
  }

  return createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const apiPath = options.apiPathOf(path);
    if (apiPath !== undefined) return forward(req, res, apiPath);
    return serveFile(req, res, path);
  });
}
