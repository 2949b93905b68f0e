import ts from 'typescript';
import { itemCatalog } from '../../shared/data/keys';
import { idPrefixes } from '../../shared/modules/registry';
import { cycles, importEdges, parse, sourceFiles, type ImportEdge } from './support/import-graph';

/**
 * Dependencies point one way: functions/ → shared/ and infra/ → shared/, never back; nothing but a handler's own
 * file is in functions/, and no other file imports one. shared/'s folders form no cycle, and no file anywhere in
 * the three layers does. Table keys are built in the key catalog (shared/data/keys.ts) and nowhere else.
 */

const layers = ['shared', 'functions', 'infra'] as const;
const layerOf = (file: string) => file.split('/')[0]!;
const folderOf = (file: string) => file.split('/').slice(0, 2).join('/');
const describeEdge = (edge: ImportEdge) => `${edge.from}:${edge.line} imports ${edge.to}`;

/** Imports against the direction: into infra/ from shared/ or functions/; into functions/ from any other file. */
function importsAgainstDirection(edges: readonly ImportEdge[]): string[] {
  return edges
    .filter(({ from, to }) => {
      const [source, target] = [layerOf(from), layerOf(to)];
      if (target === 'infra') return source === 'shared' || source === 'functions';
      if (target === 'functions') return true;
      return false;
    })
    .map(describeEdge);
}

/** Cycles between shared/'s folders (shared/records → shared/access → shared/records, say). */
function sharedFolderCycles(edges: readonly ImportEdge[]): string[][] {
  const folderEdges = edges
    .filter(({ from, to }) => layerOf(from) === 'shared' && layerOf(to) === 'shared')
    .map(({ from, to }) => ({ from: folderOf(from), to: folderOf(to) }))
    .filter(({ from, to }) => from !== to);
  return cycles(folderEdges);
}

const catalogFile = 'shared/data/keys.ts';

/**
 * What a key literal is, read off the catalog itself: its constant values (`RECORD`, `ACCESS`, `portal-access` …)
 * exactly, and the leading word of each prefixed value (`HISTORY#`, `UNIQUE#`, `LINK#` …) anywhere in a string;
 * and every module's id prefix followed by `_` (`porg_`) at the start of one.
 */
function keyLiteralPatterns() {
  const values = itemCatalog().flatMap((entry) => Object.values(entry.keys));
  const exact = new Set(values.filter((value) => /^[A-Za-z][\w-]*$/.test(value) && !value.startsWith('<')));
  const prefixes = new Set(
    values.flatMap((value) => value.split(/<[^>]+>/).flatMap((part) => /^[A-Za-z]\w*#/.exec(part)?.[0] ?? [])),
  );
  const idStarts = Object.values(idPrefixes).map((prefix) => `${prefix}_`);
  return { exact, prefixes, idStarts };
}

/** Key literals in one source text: string and template literal parts only, so comments never count. */
function keyLiteralsIn(file: string, source: ts.SourceFile = parse(file)): string[] {
  const { exact, prefixes, idStarts } = keyLiteralPatterns();
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    const text =
      ts.isStringLiteralLike(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)
        ? node.text
        : undefined;
    if (
      text !== undefined &&
      (exact.has(text) ||
        [...prefixes].some((prefix) => text.includes(prefix)) ||
        idStarts.some((start) => text.startsWith(start)))
    ) {
      const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
      found.push(`${file}:${line} ${JSON.stringify(text)}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Strings that read like a key but are none, each with why. */
const notKeys = new Set([
  // An OpenAPI tag (the staff access operations), named like the pseudo-module that lists access items.
  'shared/openapi/access-operations.ts "portal-access"',
]);

const files = sourceFiles(layers);
const edges = importEdges(sourceFiles([...layers, 'bench']));
const inMemory = (name: string, text: string) => ts.createSourceFile(name, text, ts.ScriptTarget.Latest, true);

describe('dependencies point one way', () => {
  it('reads the whole tree', () => {
    // A positive control: the graph it checks is the real one.
    expect(files.length).toBeGreaterThan(100);
    expect(edges).toContainEqual(expect.objectContaining({ from: 'infra/cdk/api.ts' }));
  });

  it('has no import of infra/ in shared/ or functions/, and no import of functions/ outside its own file', () => {
    expect(importsAgainstDirection(edges)).toEqual([]);
  });

  it('tells an import against the direction', () => {
    const wrong: ImportEdge[] = [
      { from: 'shared/access/access-routes.ts', to: 'infra/functions.ts', line: 1 },
      { from: 'functions/openapi.ts', to: 'infra/functions.ts', line: 1 },
      { from: 'infra/local/local-stack.ts', to: 'functions/health.ts', line: 3 },
      { from: 'functions/health.ts', to: 'functions/openapi.ts', line: 2 },
    ];
    const right: ImportEdge[] = [
      { from: 'infra/cdk/api.ts', to: 'shared/declarations/functions.ts', line: 1 },
      { from: 'functions/openapi.ts', to: 'shared/declarations/functions.ts', line: 1 },
      { from: 'infra/cdk/api.ts', to: 'infra/cdk/config.ts', line: 2 },
    ];
    expect(importsAgainstDirection([...wrong, ...right])).toEqual(wrong.map(describeEdge));
  });

  it("has no cycle between shared/'s folders", () => {
    expect(sharedFolderCycles(edges)).toEqual([]);
  });

  it('has no import cycle between files of shared/, functions/ and infra/', () => {
    expect(cycles(edges)).toEqual([]);
  });

  it('tells a cycle between folders, through any number of them', () => {
    const cyclic: ImportEdge[] = [
      { from: 'shared/records/record-service.ts', to: 'shared/access/enablement.ts', line: 1 },
      { from: 'shared/access/enablement.ts', to: 'shared/modules/registry.ts', line: 1 },
      { from: 'shared/modules/registry.ts', to: 'shared/records/write-plan.ts', line: 1 },
      { from: 'shared/modules/registry.ts', to: 'shared/http/errors.ts', line: 1 },
    ];
    expect(sharedFolderCycles(cyclic)).toEqual([
      ['shared/access', 'shared/modules', 'shared/records', 'shared/access'],
    ]);
    expect(sharedFolderCycles(cyclic.slice(1))).toEqual([]);
  });
});

describe('table keys come from the key catalog', () => {
  it('finds no key literal outside shared/data/keys.ts', () => {
    const found = files
      .filter((file) => file !== catalogFile)
      .flatMap((file) => keyLiteralsIn(file))
      .filter((finding) => !notKeys.has(finding.replace(/:\d+ /, ' ')));
    expect(found).toEqual([]);
  });

  it('knows the keys the catalog builds', () => {
    const { exact, prefixes, idStarts } = keyLiteralPatterns();
    expect([...exact]).toEqual(
      expect.arrayContaining(['RECORD', 'ACCESS', 'PIN_ATTEMPTS', 'UNIQUE', 'portal-access', 'HEALTH', 'PROBE']),
    );
    expect([...prefixes]).toEqual(expect.arrayContaining(['HISTORY#', 'UNIQUE#', 'LINK#', 'EMAIL#', 'PORTAL#']));
    expect(idStarts).toEqual(expect.arrayContaining(['porg_', 'pcon_']));
  });

  it('tells a key literal in code, and not one in a comment', () => {
    const source = inMemory(
      'shared/example.ts',
      [
        '// A person record is the item with sk RECORD; its history is under HISTORY#.',
        "const person = items.find((item) => item.sk === 'RECORD');",
        'const entry = `HISTORY#${at}#${tail}`;',
        "const isPartner = (id: string) => id.startsWith('porg_');",
        "const fine = 'Record not found';",
      ].join('\n'),
    );
    expect(keyLiteralsIn('shared/example.ts', source)).toEqual([
      'shared/example.ts:2 "RECORD"',
      'shared/example.ts:3 "HISTORY#"',
      'shared/example.ts:4 "porg_"',
    ]);
  });
});
