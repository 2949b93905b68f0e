/**
 * What the Prism conformance check (scripts/conformance-prism.ts) makes of the exchanges it saw: which documented
 * operation each request hit, Prism's violations from its `sl-violations` header, and the summary that decides the
 * exit code. Pure, and written without the repo's own contract check (tests/support/contract), so that the two stay
 * independent.
 */

/** One violation as Prism's proxy puts it in `sl-violations` (prism-http-server's createErrorObjectWithPrefix). */
export interface PrismViolation {
  readonly location: readonly (string | number)[];
  readonly severity: string;
  readonly code?: string | number;
  readonly message: string;
}

/** One request through the proxy and what came back. */
export interface Exchange {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** The raw `sl-violations` header, when Prism set one. */
  readonly violationsHeader?: string;
}

export interface Operation {
  readonly method: string;
  readonly path: string;
  readonly operationId: string;
}

interface OpenApiLike {
  readonly paths?: Record<string, Record<string, unknown>>;
}

const httpMethods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** Every operation the document declares, each with a matcher for concrete paths. */
export function operationsOf(document: OpenApiLike): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of httpMethods) {
      const operation = item[method] as { operationId?: string } | undefined;
      if (!operation) continue;
      operations.push({
        method: method.toUpperCase(),
        path,
        operationId: operation.operationId ?? `${method} ${path}`,
      });
    }
  }
  return operations;
}

function templateRegex(path: string): RegExp {
  const pattern = path
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith('{') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${pattern}$`);
}

/**
 * The operation a request hit, or undefined for a path or method the document lacks. A literal segment wins over a
 * template (`/portal/pin` before `/portal/{module}`), as OpenAPI 3.1 says concrete paths match first.
 */
export function operationMatcher(
  operations: readonly Operation[],
): (method: string, path: string) => Operation | undefined {
  const byParams = operations
    .map((operation) => ({ operation, regex: templateRegex(operation.path), params: operation.path.split('{').length }))
    .sort((a, b) => a.params - b.params);
  return (method, path) =>
    byParams.find(({ operation, regex }) => operation.method === method.toUpperCase() && regex.test(path))?.operation;
}

/** Prism's violations from its header; a header too long to carry them all (Prism truncates it) is one violation. */
export function parseViolations(header: string | undefined): PrismViolation[] {
  if (!header) return [];
  try {
    const parsed = JSON.parse(header) as PrismViolation[];
    if (Array.isArray(parsed)) return parsed;
  } catch {
    // Falls through: "Too many violations! …" or anything else Prism did not write as JSON.
  }
  return [{ location: ['response'], severity: 'Error', code: 'unparsed', message: header.slice(0, 500) }];
}

/** A short name for a violation's kind: Prism's code (an ajv keyword), else what its message is about. */
export function kindOf(violation: PrismViolation): string {
  if (violation.code !== undefined && violation.code !== '') return String(violation.code);
  if (/status code/i.test(violation.message)) return 'undocumented-status';
  if (/media type/i.test(violation.message)) return 'undocumented-media-type';
  if (/route not found/i.test(violation.message)) return 'undocumented-route';
  return 'other';
}

export interface ReportedViolation extends PrismViolation {
  readonly method: string;
  readonly path: string;
  /** The document's path template the request matched, else the path itself. */
  readonly route: string;
  readonly operation?: string;
  readonly status: number;
  readonly kind: string;
}

export interface ConformanceSummary {
  readonly requests: number;
  readonly operationsTotal: number;
  readonly operationsCovered: readonly string[];
  readonly operationsMissed: readonly string[];
  /** Requests to a path or method the document does not declare (Prism forwards them unchecked). */
  readonly undocumented: readonly { method: string; path: string; status: number }[];
  readonly responseViolations: readonly ReportedViolation[];
  readonly requestViolations: readonly ReportedViolation[];
}

export function summarize(document: OpenApiLike, exchanges: readonly Exchange[]): ConformanceSummary {
  const operations = operationsOf(document);
  const match = operationMatcher(operations);
  const covered = new Set<string>();
  const undocumented: { method: string; path: string; status: number }[] = [];
  const responseViolations: ReportedViolation[] = [];
  const requestViolations: ReportedViolation[] = [];
  for (const exchange of exchanges) {
    const operation = match(exchange.method, exchange.path);
    if (operation) covered.add(operation.operationId);
    else undocumented.push({ method: exchange.method, path: exchange.path, status: exchange.status });
    for (const violation of parseViolations(exchange.violationsHeader)) {
      const reported: ReportedViolation = {
        ...violation,
        method: exchange.method,
        path: exchange.path,
        route: operation?.path ?? exchange.path,
        operation: operation?.operationId,
        status: exchange.status,
        kind: kindOf(violation),
      };
      if (violation.location[0] === 'response') responseViolations.push(reported);
      // An unmatched route is already listed as undocumented.
      else if (reported.kind !== 'undocumented-route') requestViolations.push(reported);
    }
  }
  return {
    requests: exchanges.length,
    operationsTotal: operations.length,
    operationsCovered: [...covered].sort(),
    operationsMissed: operations.map((o) => o.operationId).filter((id) => !covered.has(id)),
    undocumented,
    responseViolations,
    requestViolations,
  };
}

function countBy<T>(items: readonly T[], key: (item: T) => string): [string, number][] {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1]);
}

/** The summary as a reviewer reads it. */
export function renderSummary(summary: ConformanceSummary): string {
  const lines = [
    `Requests through Prism: ${summary.requests}`,
    `Operations covered: ${summary.operationsCovered.length} of ${summary.operationsTotal}`,
  ];
  if (summary.operationsMissed.length) lines.push(`  not exercised: ${summary.operationsMissed.join(', ')}`);
  const undocumented = countBy(summary.undocumented, (u) => `${u.method} ${u.path} → ${u.status}`);
  lines.push(`Requests to undocumented routes: ${summary.undocumented.length}`);
  for (const [route, count] of undocumented.slice(0, 30)) lines.push(`  ${count} × ${route}`);
  if (undocumented.length > 30) lines.push(`  … and ${undocumented.length - 30} more (violations.json has them all)`);
  lines.push(
    `Request violations (tests sending bad input on purpose; not failures): ${summary.requestViolations.length}`,
  );
  for (const [kind, count] of countBy(summary.requestViolations, (v) => v.kind)) lines.push(`  ${count} × ${kind}`);
  lines.push(`Response violations: ${summary.responseViolations.length}`);
  for (const [kind, count] of countBy(summary.responseViolations, (v) => v.kind)) lines.push(`  ${count} × ${kind}`);
  const distinct = countBy(
    summary.responseViolations,
    (v) =>
      `${v.method} ${v.route} → ${v.status} (${v.operation ?? 'undocumented'}): [${v.severity}] ${v.location.join('.')} ${v.message}`,
  );
  for (const [violation, count] of distinct) lines.push(`  ${count} × ${violation}`);
  return lines.join('\n');
}
