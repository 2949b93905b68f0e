import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, isAbsolute, resolve } from 'node:path';

/**
 * Stack traces that point into the TypeScript sources, with the bundle's source map read when a stack is first
 * formatted rather than at every cold start. Node's `--enable-source-maps` reads and parses the whole map (about a
 * megabyte) while the bundle loads: 15–20 ms of each cold start here, for stacks most invocations never format (issue
 * 18). Injected into every bundle (infra/bundling.ts), so nothing imports it.
 *
 * A frame is printed as Node prints it with `--enable-source-maps` (lib/internal/source_map/prepare_stack_trace.js,
 * whose steps this follows through the public `SourceMap` of node:module): the original file, line and column, and
 * the original function name where the map has it; the first line is Node's own. It stays out of the way where Node
 * maps stacks itself (`--enable-source-maps`) and outside a bundle (no map beside the module: tests, tsx).
 */

type Frame = NodeJS.CallSite;

export function mapStacksOnDemand(bundleFile: string): boolean {
  if (process.sourceMapsEnabled || !existsSync(`${bundleFile}.map`)) return false;
  // Node's own, given no frames, is the first line as Node writes it (`TypeError [ERR_…]: …` for its own errors).
  const nodes = Error.prepareStackTrace;
  const maps = new Map<string, SourceMap | undefined>();

  /**
   * The map beside a file, parsed once; none for a file without one (Node's internals, eval, a module outside the
   * bundle). Only a missing or malformed map is remembered as none: a read that failed for another reason (a stack
   * formatted near the recursion limit, no file descriptor left) is tried again on the next stack, or a warm container
   * would log unmapped stacks for the rest of its life.
   */
  function mapOf(file: string | undefined): SourceMap | undefined {
    if (!file || !isAbsolute(file)) return undefined;
    if (!maps.has(file)) {
      try {
        const payload = JSON.parse(readFileSync(`${file}.map`, 'utf8')) as ConstructorParameters<typeof SourceMap>[0];
        // The map names its sources relative to itself; a stack names them as paths.
        const sources = payload.sources.map((source) => resolve(dirname(file), source));
        maps.set(file, new SourceMap({ ...payload, sources }));
      } catch (error) {
        const absent = (error as NodeJS.ErrnoException).code === 'ENOENT';
        if (absent || error instanceof SyntaxError || error instanceof TypeError) maps.set(file, undefined);
        return undefined;
      }
    }
    return maps.get(file);
  }

  /** A name the map gives a position (1-based, as a stack counts), if any: @types/node leaves `name` out. */
  const nameAt = (map: SourceMap, line: number | null, column: number | null) =>
    line && column ? (map.findEntry(line - 1, column - 1) as { name?: string }).name : undefined;

  /** The original name of the frame's function: at its definition, or else at its call in the caller's frame. */
  const originalName = (map: SourceMap, frame: Frame, caller: Frame | undefined) =>
    nameAt(map, frame.getEnclosingLineNumber(), frame.getEnclosingColumnNumber()) ||
    (caller && caller.getFileName() === frame.getFileName()
      ? nameAt(map, caller.getLineNumber(), caller.getColumnNumber())
      : undefined) ||
    undefined;

  function mapped(frame: Frame, caller: Frame | undefined): string {
    const map = mapOf(frame.getFileName() ?? undefined);
    const line = frame.getLineNumber();
    const column = frame.getColumnNumber();
    if (!map || !line || !column) return `${frame}`;
    const entry = map.findEntry(line - 1, column - 1);
    if (!('originalSource' in entry)) return `${frame}`;
    const prefix = frame.isAsync() ? 'async ' : frame.isConstructor() ? 'new ' : '';
    const typeName = frame.getTypeName();
    const namePrefix = typeName !== null && typeName !== 'global' ? `${typeName}.` : '';
    const name =
      originalName(map, frame, caller) ?? (frame.getFunctionName() || frame.getMethodName() || '<anonymous>');
    return `${prefix}${namePrefix}${name} (${entry.originalSource}:${entry.originalLine + 1}:${entry.originalColumn + 1})`;
  }

  Error.prepareStackTrace = (error: Error, frames: Frame[]) => {
    const header = nodes ? String(nodes(error, [])) : Error.prototype.toString.call(error);
    return frames.reduce((stack, frame, i) => {
      let line: string;
      try {
        line = mapped(frame, frames[i + 1]);
      } catch {
        line = `${frame}`;
      }
      return `${stack}\n    at ${line}`;
    }, header);
  };
  return true;
}

mapStacksOnDemand(__filename);
