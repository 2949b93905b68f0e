import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildPortalWeb,
  filesBucketOrigin,
  portalWebCacheControl,
  portalWebHeaderFields,
} from '../../infra/portal-web';
import { modules } from '../../shared/modules/registry';

describe('portal web app build', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'portico-web-'));
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));
  const build = buildPortalWeb(outDir);
  const script = build.files.find((file) => file.endsWith('.js'))!;
  const source = readFileSync(join(outDir, script), 'utf8');

  it('stays within its budget of 50 KB of gzipped JavaScript', () => {
    expect(build.scriptGzipBytes).toBeGreaterThan(1_000);
    expect(build.scriptGzipBytes).toBeLessThan(50 * 1024);
  });

  it('writes index.html naming the hashed script and stylesheet it built', () => {
    const html = readFileSync(join(outDir, 'index.html'), 'utf8');
    const style = build.files.find((file) => file.endsWith('.css'))!;
    expect(html).toContain(`<script type="module" src="/${script}"></script>`);
    expect(html).toContain(`href="/${style}"`);
    expect(html).not.toMatch(/\{\{|<script>|style=/);
    expect(portalWebCacheControl(script)).toContain('immutable');
    expect(portalWebCacheControl('index.html')).toBe('no-cache');
    expect(portalWebCacheControl('config.json')).toBe('no-cache');
  });

  it('carries the portal modules from the registry', () => {
    for (const module of modules.filter((m) => m.portalVisible)) expect(source).toContain(`"${module.name}"`);
    expect(source).not.toContain('"partner-organizations"');
  });

  it('never writes HTML from strings, so Trusted Types can forbid it', () => {
    expect(source).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(/);
  });

  const files = 'https://portico-files-0123abcd-111122223333-eu-west-1.s3.eu-west-1.amazonaws.com';

  it('sends a strict Content-Security-Policy naming only its origin, the hosted login and the files bucket', () => {
    const headers = portalWebHeaderFields({ login: 'https://login.example.com', files });
    expect(headers['content-security-policy'].split('; ')).toEqual(
      expect.arrayContaining([
        "default-src 'none'",
        "script-src 'self'",
        `connect-src 'self' https://login.example.com ${files}`,
        "frame-ancestors 'none'",
        "require-trusted-types-for 'script'",
      ]),
    );
    expect(headers['content-security-policy']).not.toContain('unsafe');
    expect(headers).toMatchObject({ 'x-frame-options': 'DENY', 'referrer-policy': 'no-referrer' });
    expect(headers['content-security-policy']).toContain("img-src 'self' data:;");
  });

  it("allows images from the logo's origin, and only that, when the deployment names a logo", () => {
    const headers = portalWebHeaderFields({
      login: 'https://login.example.com',
      files,
      logoUrl: 'https://cdn.example.com/brand/logo.svg',
    });
    expect(headers['content-security-policy']).toContain("img-src 'self' data: https://cdn.example.com;");
  });

  it('names the files bucket as presigned URLs do in the cloud: virtual-hosted on the regional endpoint', () => {
    expect(filesBucketOrigin('portico-files-x.s3.eu-west-1.amazonaws.com')).toBe(
      'https://portico-files-x.s3.eu-west-1.amazonaws.com',
    );
  });
});
