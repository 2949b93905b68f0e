import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

/**
 * Static reading of which environment variables a function's code reads: the entry module and every repository
 * module it imports at run time (relative imports, followed transitively; `import type` is erased and skipped).
 *
 * A variable counts as read when the code says `process.env.NAME`, `process.env['NAME']`, destructures it from
 * `process.env`, or names it as a key of the valibot object schema passed to `readConfig(...)` (inline, or a `const` of
 * the same module or of a module it imports). A `readConfig` call whose schema cannot be found that way is an error,
 * so a reader the scan does not understand fails the test instead of reading as "no variables".
 */
export interface EnvReads {
  /** Variable name → repository-relative modules that read it. */
  readonly reads: ReadonlyMap<string, readonly string[]>;
  /** Every module scanned, repository-relative. */
  readonly modules: readonly string[];
}

interface ParsedModule {
  readonly file: string;
  readonly source: ts.SourceFile;
  /** Local name → absolute path of the module it is imported from (value imports only). */
  readonly importedFrom: ReadonlyMap<string, string>;
  readonly dependencies: readonly string[];
}

const schemaFactories = new Set(['object', 'strictObject', 'looseObject']);

export function envReadsOf(entry: string, repoRoot: string): EnvReads {
  const parsed = new Map<string, ParsedModule>();
  const pending = [path.resolve(repoRoot, entry)];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (parsed.has(file)) continue;
    const module = parse(file);
    parsed.set(file, module);
    pending.push(...module.dependencies);
  }

  const reads = new Map<string, Set<string>>();
  const relative = (file: string) => path.relative(repoRoot, file).split(path.sep).join('/');
  const record = (name: string, file: string) => {
    const readers = reads.get(name) ?? new Set<string>();
    readers.add(relative(file));
    reads.set(name, readers);
  };

  for (const module of parsed.values()) {
    const visit = (node: ts.Node): void => {
      const envKey = processEnvKey(node);
      if (envKey) record(envKey, module.file);
      if (ts.isVariableDeclaration(node) && node.initializer && isProcessEnv(unwrap(node.initializer))) {
        if (ts.isObjectBindingPattern(node.name)) {
          for (const element of node.name.elements) {
            const key = element.propertyName ?? element.name;
            if (ts.isIdentifier(key) || ts.isStringLiteral(key)) record(key.text, module.file);
          }
        }
      }
      if (ts.isCallExpression(node) && calleeName(node.expression) === 'readConfig') {
        const [schema] = node.arguments;
        const keys = schema ? schemaKeys(schema, module, parsed, 0) : undefined;
        if (!keys) {
          const { line } = module.source.getLineAndCharacterOfPosition(node.getStart(module.source));
          throw new Error(
            `${relative(module.file)}:${line + 1}: readConfig's schema is not a v.object({...}) this scan can find`,
          );
        }
        keys.forEach((key) => record(key, module.file));
      }
      ts.forEachChild(node, visit);
    };
    visit(module.source);
  }

  return {
    reads: new Map([...reads].map(([name, readers]) => [name, [...readers].sort()])),
    modules: [...parsed.keys()].map(relative).sort(),
  };
}

function parse(file: string): ParsedModule {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const importedFrom = new Map<string, string>();
  const dependencies: string[] = [];
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      if (statement.importClause?.isTypeOnly) continue;
      const target = resolveModule(file, (statement.moduleSpecifier as ts.StringLiteral).text);
      if (!target) continue;
      dependencies.push(target);
      const bindings = statement.importClause?.namedBindings;
      if (bindings && ts.isNamedImports(bindings)) {
        for (const element of bindings.elements) {
          if (!element.isTypeOnly) importedFrom.set(element.name.text, target);
        }
      }
    } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier && !statement.isTypeOnly) {
      const target = resolveModule(file, (statement.moduleSpecifier as ts.StringLiteral).text);
      if (target) dependencies.push(target);
    }
  }
  return { file, source, importedFrom, dependencies };
}

/** A repository module for a relative specifier; packages (bare specifiers) are not scanned. */
function resolveModule(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(from), specifier);
  const candidates = [base, `${base}.ts`, path.join(base, 'index.ts')];
  const found = candidates.find((candidate) => candidate.endsWith('.ts') && existsSync(candidate));
  if (found) return found;
  // JSON and other data files hold no code that reads the environment.
  if (existsSync(base) && !base.endsWith('.js')) return undefined;
  throw new Error(`${from}: cannot resolve the import "${specifier}"`);
}

/** The expression inside parentheses, `as`, `satisfies` and `!`. */
function unwrap(node: ts.Expression): ts.Expression {
  let current = node;
  while (
    ts.isParenthesizedExpression(current) ||
    ts.isAsExpression(current) ||
    ts.isSatisfiesExpression(current) ||
    ts.isNonNullExpression(current)
  ) {
    current = current.expression;
  }
  return current;
}

function isProcessEnv(node: ts.Node): boolean {
  return (
    ts.isPropertyAccessExpression(node) &&
    node.name.text === 'env' &&
    ts.isIdentifier(node.expression) &&
    node.expression.text === 'process'
  );
}

/** `process.env.NAME` or `process.env['NAME']`. */
function processEnvKey(node: ts.Node): string | undefined {
  if (ts.isPropertyAccessExpression(node) && isProcessEnv(node.expression)) return node.name.text;
  if (
    ts.isElementAccessExpression(node) &&
    isProcessEnv(node.expression) &&
    ts.isStringLiteralLike(node.argumentExpression)
  ) {
    return node.argumentExpression.text;
  }
  return undefined;
}

function calleeName(expression: ts.Expression): string | undefined {
  if (ts.isIdentifier(expression)) return expression.text;
  if (ts.isPropertyAccessExpression(expression)) return expression.name.text;
  return undefined;
}

/** Keys of a `v.object({...})` expression, or of the `const` an identifier names (followed through imports). */
function schemaKeys(
  expression: ts.Expression,
  module: ParsedModule,
  modules: ReadonlyMap<string, ParsedModule>,
  depth: number,
): string[] | undefined {
  if (depth > 5) return undefined;
  if (ts.isCallExpression(expression)) {
    const factory = calleeName(expression.expression);
    const [shape] = expression.arguments;
    if (!factory || !schemaFactories.has(factory) || !shape || !ts.isObjectLiteralExpression(shape)) return undefined;
    const keys: string[] = [];
    for (const property of shape.properties) {
      if (!ts.isPropertyAssignment(property) && !ts.isShorthandPropertyAssignment(property)) return undefined;
      const name = property.name;
      if (ts.isIdentifier(name) || ts.isStringLiteral(name)) keys.push(name.text);
      else return undefined;
    }
    return keys;
  }
  if (ts.isIdentifier(expression)) {
    const local = findConst(module.source, expression.text);
    if (local) return schemaKeys(local, module, modules, depth + 1);
    const from = module.importedFrom.get(expression.text);
    const target = from ? modules.get(from) : undefined;
    const imported = target ? findConst(target.source, expression.text) : undefined;
    return imported && target ? schemaKeys(imported, target, modules, depth + 1) : undefined;
  }
  return undefined;
}

function findConst(source: ts.SourceFile, name: string): ts.Expression | undefined {
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (ts.isIdentifier(declaration.name) && declaration.name.text === name) return declaration.initializer;
    }
  }
  return undefined;
}
