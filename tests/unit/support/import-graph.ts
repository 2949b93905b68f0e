import { readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/** Repository root: everything here is repository-relative with forward slashes. */
export const repoRoot = resolve(__dirname, '../../..');

/** One import (or re-export, or require) of a repository file by another. */
export interface ImportEdge {
  readonly from: string;
  readonly to: string;
  /** Line of the import in `from`, 1-based. */
  readonly line: number;
}

/** Every .ts/.cjs file below these folders, repository-relative, sorted. */
export function sourceFiles(folders: readonly string[], extensions: readonly string[] = ['.ts', '.cjs']): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(join(repoRoot, dir), { withFileTypes: true }).flatMap((entry) => {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : walk(path);
      return extensions.some((ext) => entry.name.endsWith(ext)) && !entry.name.endsWith('.d.ts') ? [path] : [];
    });
  return folders.flatMap(walk).sort();
}

export function parse(file: string): ts.SourceFile {
  const text = ts.sys.readFile(join(repoRoot, file));
  if (text === undefined) throw new Error(`Cannot read ${file}`);
  return ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
}

/** Module specifiers a file names: static imports, re-exports, `import()`, `require()`, `import x = require()`. */
function specifiers(source: ts.SourceFile): { text: string; node: ts.Node }[] {
  const found: { text: string; node: ts.Node }[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
      if (ts.isStringLiteral(node.moduleSpecifier)) found.push({ text: node.moduleSpecifier.text, node });
    } else if (ts.isExternalModuleReference(node) && ts.isStringLiteral(node.expression)) {
      found.push({ text: node.expression.text, node });
    } else if (ts.isCallExpression(node)) {
      const [first] = node.arguments;
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require';
      const isDynamicImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      if ((isRequire || isDynamicImport) && first && ts.isStringLiteralLike(first))
        found.push({ text: first.text, node });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const compilerOptions: ts.CompilerOptions = {
  module: ts.ModuleKind.Preserve,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  allowJs: true,
};

/** The imports between repository files (packages are left out) of the given files. */
export function importEdges(files: readonly string[]): ImportEdge[] {
  return files.flatMap((file) => {
    const source = parse(file);
    return specifiers(source).flatMap(({ text, node }) => {
      if (!text.startsWith('.')) return [];
      const resolved = ts.resolveModuleName(text, join(repoRoot, file), compilerOptions, ts.sys).resolvedModule;
      // A relative path that does not resolve is itself a defect the type checker reports; keep the raw path.
      const target = resolved
        ? relative(repoRoot, resolved.resolvedFileName).split(sep).join('/')
        : relative(repoRoot, resolve(repoRoot, dirname(file), text))
            .split(sep)
            .join('/');
      const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
      return [{ from: file, to: target, line }];
    });
  });
}

/**
 * The cycles of a directed graph, one per strongly connected component with more than one node (or a self-loop),
 * each as a closed path through that component: enough to name what must be cut.
 */
export function cycles(edges: readonly { from: string; to: string }[]): string[][] {
  const next = new Map<string, Set<string>>();
  for (const { from, to } of edges) {
    if (!next.has(from)) next.set(from, new Set());
    next.get(from)!.add(to);
    if (!next.has(to)) next.set(to, new Set());
  }
  // Tarjan's strongly connected components.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const connect = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const target of next.get(node)!) {
      if (!index.has(target)) {
        connect(target);
        low.set(node, Math.min(low.get(node)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node)!, index.get(target)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || next.get(node)!.has(node)) components.push(component.sort());
    }
  };
  for (const node of [...next.keys()].sort()) if (!index.has(node)) connect(node);
  return components.map((component) => closedPath(component, next));
}

/** A path from the component's first node back to it, through nodes of the component only (breadth first). */
function closedPath(component: string[], next: Map<string, Set<string>>): string[] {
  const start = component[0]!;
  const members = new Set(component);
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const target of [...next.get(node)!].sort()) {
      if (!members.has(target)) continue;
      if (target === start) {
        const path = [node];
        while (path[0] !== start) path.unshift(cameFrom.get(path[0]!)!);
        return [...path, start];
      }
      if (!cameFrom.has(target)) {
        cameFrom.set(target, node);
        queue.push(target);
      }
    }
  }
  return [start, start];
}
