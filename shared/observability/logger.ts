import type { Context } from 'aws-lambda';

/**
 * One logger per process: a JSON line per entry on stdout, in the shape Powertools' logger writes (level, message,
 * timestamp, service, the invocation's Lambda context and correlation_id, then the entry's own keys,
 * errors as name, location, message and stack). Ours rather than Powertools': every function uses only this much of
 * it, and its logger and commons were a fifth of what an API function bundles over a bare SDK handler and a few ms
 * of each cold start (issue 18). The level comes from POWERTOOLS_LOG_LEVEL, then Lambda's AWS_LAMBDA_LOG_LEVEL, then
 * LOG_LEVEL (INFO when none is set); the service name from POWERTOOLS_SERVICE_NAME.
 */

export type LogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'CRITICAL' | 'SILENT';
export type LogAttributes = Record<string, unknown>;

const severity: Record<LogLevel, number> = {
  TRACE: 6,
  DEBUG: 8,
  INFO: 12,
  WARN: 16,
  ERROR: 20,
  CRITICAL: 24,
  SILENT: 28,
};

function levelFrom(value: string | undefined): LogLevel | undefined {
  const upper = value?.trim().toUpperCase();
  return upper && upper in severity ? (upper as LogLevel) : undefined;
}

/** An Error as a log attribute: what happened and where, the cause included. */
function errorAttributes(error: Error): LogAttributes {
  const frame = /\((.+?):(\d+):\d+\)/.exec(error.stack ?? '');
  const location = frame ? `${frame[1]}:${frame[2]}` : '';
  return {
    name: error.name,
    location,
    message: error.message,
    stack: error.stack,
    ...(error.cause instanceof Error ? { cause: errorAttributes(error.cause) } : {}),
  };
}

/** JSON.stringify that survives what attributes may hold: errors, cycles and bigints. */
function serialise(entry: LogAttributes): string {
  const seen = new WeakSet<object>();
  return JSON.stringify(entry, (_key, value: unknown) => {
    if (typeof value === 'bigint') return value.toString();
    if (value instanceof Error) return errorAttributes(value);
    if (value !== null && typeof value === 'object') {
      if (seen.has(value)) return '[Circular]';
      seen.add(value);
    }
    return value;
  });
}

export class Logger {
  readonly #serviceName: string;
  #level: LogLevel;
  #context: LogAttributes = {};
  #correlationId: string | undefined;
  #coldStart = true;

  constructor(options: { serviceName?: string; logLevel?: LogLevel } = {}, env: NodeJS.ProcessEnv = process.env) {
    this.#serviceName = options.serviceName ?? env.POWERTOOLS_SERVICE_NAME ?? 'service_undefined';
    this.#level =
      options.logLevel ??
      levelFrom(env.POWERTOOLS_LOG_LEVEL) ??
      levelFrom(env.AWS_LAMBDA_LOG_LEVEL) ??
      levelFrom(env.LOG_LEVEL) ??
      'INFO';
  }

  setLogLevel(level: LogLevel): void {
    this.#level = level;
  }

  getLevelName(): LogLevel {
    return this.#level;
  }

  /** The invocation's context on every entry until the next invocation; the first one is the cold start. */
  addContext(context: Context): void {
    this.#context = {
      cold_start: this.#coldStart,
      function_name: context.functionName,
      function_memory_size: Number(context.memoryLimitInMB),
      function_arn: context.invokedFunctionArn,
      function_request_id: context.awsRequestId,
    };
    this.#coldStart = false;
    this.#correlationId = undefined;
  }

  setCorrelationId(id: string | undefined): void {
    this.#correlationId = id;
  }

  trace(message: string, attributes?: LogAttributes): void {
    this.#write('TRACE', message, attributes);
  }
  debug(message: string, attributes?: LogAttributes): void {
    this.#write('DEBUG', message, attributes);
  }
  info(message: string, attributes?: LogAttributes): void {
    this.#write('INFO', message, attributes);
  }
  warn(message: string, attributes?: LogAttributes): void {
    this.#write('WARN', message, attributes);
  }
  error(message: string, attributes?: LogAttributes): void {
    this.#write('ERROR', message, attributes);
  }
  critical(message: string, attributes?: LogAttributes): void {
    this.#write('CRITICAL', message, attributes);
  }

  #write(level: Exclude<LogLevel, 'SILENT'>, message: string, attributes: LogAttributes = {}): void {
    if (severity[level] < severity[this.#level]) return;
    const entry: LogAttributes = {
      level,
      message,
      timestamp: new Date().toISOString(),
      service: this.#serviceName,
      ...this.#context,
      ...(this.#correlationId !== undefined ? { correlation_id: this.#correlationId } : {}),
      ...attributes,
    };
    // stdout, not console: Lambda's runtime prefixes console lines, which would break the JSON.
    (severity[level] >= severity.WARN ? process.stderr : process.stdout).write(`${serialise(entry)}\n`);
  }
}

/** One logger per process; the service name comes from POWERTOOLS_SERVICE_NAME when set. */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'portico' });
