import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * One owner for portal access state: shared/access/access-machine.ts (with its private helper
 * access-machine-writes.ts) makes every write of a person's ACCESS item and history entries. This fails when any
 * other source file could write them: it uses a write-side builder, imports the private helper, or names the ACCESS
 * key (builder or literal) in a file that also makes DynamoDB writes.
 */
const root = join(__dirname, '../..');
const owner = ['shared/access/access-machine.ts', 'shared/access/access-machine-writes.ts'];
/**
 * Files that may write items shaped like ACCESS items, and why. bench/table-ceiling.ts measures DynamoDB Local's
 * write ceiling with transactions shaped like a staff write (record, claim, ACCESS, history) into its own scratch
 * table, never Portico's. bench/simulation/bulk-onboarding.ts reads the ACCESS items of its in-memory simulated
 * table to count outcomes; its writes are the real access machine's, into that simulated table.
 */
const exempt = ['bench/table-ceiling.ts', 'bench/simulation/bulk-onboarding.ts'];
/** Where the key builders are defined (today access-state.ts; the key catalog once it exists). */
const keyDefinitions = ['shared/access/access-state.ts', 'shared/data/keys.ts'];

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'dist' ? [] : sourceFiles(path);
    return /\.(ts|tsx|cjs|mjs|js)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The code of a file without its comments, so a doc comment naming a builder is no violation. */
const codeOf = (path: string) =>
  readFileSync(join(root, path), 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`])\/\/.*$/gm, '$1');

const files = ['shared', 'functions', 'infra', 'bench', 'web']
  .flatMap((dir) => {
    try {
      return sourceFiles(dir);
    } catch {
      return [];
    }
  })
  .map((path) => relative(root, join(root, path)));

/** Builders that only make sense for writing the ACCESS item or a history entry. */
const writeBuilders =
  /\b(accessListAttributes|historyItem|accessWriteItems|conditionalWrite|setExpression|historyWriteItem)\b/;
const privateHelper = /from\s+['"][./]*(shared\/access\/)?access-machine-writes['"]/;
/** The ACCESS item's key: its builder, its sort key constant, or the literal. */
const accessKeyUse = /\baccessKey\b|\baccessSortKey\b|['"`]ACCESS['"`]/;
const dynamoWrites =
  /\b(UpdateItemCommand|PutItemCommand|DeleteItemCommand|TransactWriteItemsCommand|BatchWriteItemCommand|UpdateExpression)\b|\bUpdate:\s*\{|\bPut:\s*\{|\bDelete:\s*\{/;

export function accessWritersOutsideOwner(paths: readonly string[], read: (path: string) => string): string[] {
  return paths.flatMap((path) => {
    if (owner.includes(path) || exempt.includes(path)) return [];
    const code = read(path);
    const reasons: string[] = [];
    if (!keyDefinitions.includes(path) && writeBuilders.test(code)) reasons.push('uses a write-side builder');
    if (privateHelper.test(code)) reasons.push("imports the machine's private write helper");
    if (!keyDefinitions.includes(path) && accessKeyUse.test(code) && dynamoWrites.test(code)) {
      reasons.push('names the ACCESS key and writes to DynamoDB');
    }
    return reasons.map((reason) => `${path}: ${reason}`);
  });
}

describe('the ACCESS item has one owner', () => {
  it('scans the source tree (and finds the owner)', () => {
    for (const path of owner) expect(files).toContain(path);
    expect(files.length).toBeGreaterThan(50);
  });

  it('no source file outside shared/access/access-machine.ts writes the ACCESS item or its history', () => {
    expect(accessWritersOutsideOwner(files, codeOf)).toEqual([]);
  });

  it('the check catches each way of writing it elsewhere', () => {
    const planted: Record<string, string> = {
      'shared/records/sneaky-a.ts':
        "dynamo.send(new UpdateItemCommand({ Key: marshall(accessKey(id)), UpdateExpression: 'SET #s = :x' }));",
      'shared/records/sneaky-b.ts': "plan.add({ Update: { Key: { pk: id, sk: 'ACCESS' } } });",
      'shared/portal/sneaky-c.ts': 'dynamo.send(new PutItemCommand({ Item: marshall(historyItem(id, entry)) }));',
      'functions/sneaky-d.ts': "import { conditionalWrite } from '../shared/access/access-machine-writes';",
      'shared/access/reads-only.ts': 'dynamo.send(new GetItemCommand({ Key: marshall(accessKey(id)) }));',
    };
    expect(accessWritersOutsideOwner(Object.keys(planted), (path) => planted[path]!)).toEqual([
      'shared/records/sneaky-a.ts: names the ACCESS key and writes to DynamoDB',
      'shared/records/sneaky-b.ts: names the ACCESS key and writes to DynamoDB',
      'shared/portal/sneaky-c.ts: uses a write-side builder',
      'functions/sneaky-d.ts: uses a write-side builder',
      "functions/sneaky-d.ts: imports the machine's private write helper",
    ]);
  });
});
