import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiPathOf, buildStaffConsole, staffConsoleApiPaths } from '../../infra/staff-console';
import { browserAppCacheControl } from '../../infra/browser-app-build';
import { stripPrefixFunctionCode } from '../../infra/cdk/portal-web';
import { modules } from '../../shared/modules/registry';

describe('staff console build', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'portico-console-'));
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));
  const build = buildStaffConsole(outDir);
  const script = build.files.find((file) => file.endsWith('.js'))!;
  const source = readFileSync(join(outDir, script), 'utf8');

  it('stays within its budget of 60 KB of gzipped JavaScript', () => {
    expect(build.scriptGzipBytes).toBeGreaterThan(1_000);
    expect(build.scriptGzipBytes).toBeLessThan(60 * 1024);
  });

  it('writes index.html naming the hashed script and stylesheet, and nothing else', () => {
    const html = readFileSync(join(outDir, 'index.html'), 'utf8');
    const style = build.files.find((file) => file.endsWith('.css'))!;
    expect(html).toContain(`<script type="module" src="/${script}"></script>`);
    expect(html).toContain(`href="/${style}"`);
    expect(html).not.toMatch(/\{\{|<script>|style=/);
    expect(build.files).toEqual(['index.html', script, style].sort());
    expect(browserAppCacheControl(script)).toContain('immutable');
  });

  it('carries every module of the registry, with its fields', () => {
    for (const module of modules) expect(source).toContain(`"${module.name}"`);
    expect(source).toContain('"primaryContactId"');
  });

  it('never writes HTML from strings, so Trusted Types can forbid it', () => {
    expect(source).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(/);
  });
});

describe("the console's API paths", () => {
  it('are /api/*, forwarded without the prefix', () => {
    expect(staffConsoleApiPaths).toEqual(['/api/*']);
    expect(apiPathOf('/api/contacts')).toBe('/contacts');
    expect(apiPathOf('/api/partner-organizations/porg_1')).toBe('/partner-organizations/porg_1');
    expect(apiPathOf('/api')).toBe('/');
    expect(apiPathOf('/apiary')).toBeUndefined();
    expect(apiPathOf('/index.html')).toBeUndefined();
  });

  it('lose the prefix in CloudFront as they do locally (the viewer-request function)', () => {
    const handler = new Function(`${stripPrefixFunctionCode('/api')}; return handler;`)() as (event: {
      request: { uri: string };
    }) => { uri: string };
    for (const uri of ['/api/contacts', '/api/contacts/con_1/portal-access', '/api', '/api/'])
      expect(handler({ request: { uri } }).uri).toBe(apiPathOf(uri));
  });
});
