import { join } from 'node:path';
import { build } from 'esbuild';
import * as z from 'zod/mini';
import { esbuildOptions } from '../../infra/bundling';
import { domainName, website } from '../../shared/modules/fields';

/**
 * The website field checks host names with zod's own domain rule, kept as a copy in shared/modules/fields.ts so
 * that a bundle does not carry zod's whole table of regular expressions (reading `z.regexes.domain` keeps it all).
 */
const repoRoot = join(__dirname, '..', '..');

describe('the website field', () => {
  it("uses zod's domain rule, unchanged", () => {
    expect(domainName.source).toBe(z.regexes.domain.source);
    expect(domainName.flags).toBe(z.regexes.domain.flags);
  });

  it('takes http(s) URLs of a domain and refuses the rest', () => {
    const field = website();
    expect(z.safeParse(field, 'https://example.com/path?q=1').success).toBe(true);
    expect(z.safeParse(field, 'http://sub.example.co.uk').success).toBe(true);
    for (const refused of ['ftp://example.com', 'https://localhost', 'https://10.0.0.1', 'https://exa mple.com']) {
      expect(z.safeParse(field, refused).success).toBe(false);
    }
  });

  it("leaves zod's table of regular expressions out of a bundle that uses the module fields", async () => {
    const result = await build({
      ...esbuildOptions(),
      stdin: {
        contents: "import { website } from '../shared/modules/fields';\nexport const handler = () => website();\n",
        loader: 'ts',
        resolveDir: join(repoRoot, 'bench'),
      },
      write: false,
      outfile: 'fields.js',
      metafile: true,
    });
    const output = Object.values(result.metafile.outputs).find((candidate) => candidate.entryPoint !== undefined)!;
    const regexes = Object.entries(output.inputs).find(([input]) => input.endsWith('zod/v4/core/regexes.js'));
    // Only the few expressions the fields use (a table-wide pull is about 6.6 KB).
    expect(regexes?.[1].bytesInOutput ?? 0).toBeLessThan(2_000);
  });
});
