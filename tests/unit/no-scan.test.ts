import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(__dirname, '..', '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('request paths', () => {
  it('never issue a Scan: no handler or domain module imports ScanCommand or paginateScan', () => {
    const offenders = [...sources(join(root, 'functions')), ...sources(join(root, 'shared'))].filter((file) =>
      /\b(ScanCommand|paginateScan|ScanInput)\b/.test(readFileSync(file, 'utf8')),
    );
    expect(offenders.map((file) => relative(root, file))).toEqual([]);
  });
});
