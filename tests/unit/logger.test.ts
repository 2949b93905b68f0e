import type { Context } from 'aws-lambda';
import { Logger } from '../../shared/observability/logger';

/** Every function's log lines: JSON in Powertools' shape, filtered by level, errors spelled out, no line lost. */
describe('Logger', () => {
  let out: string[];
  let err: string[];
  beforeEach(() => {
    out = [];
    err = [];
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true));
  });
  afterEach(() => jest.restoreAllMocks());

  const lines = (written: string[]) => written.map((line) => JSON.parse(line) as Record<string, unknown>);
  const context = (requestId: string) =>
    ({
      functionName: 'portal-api',
      memoryLimitInMB: '512',
      invokedFunctionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:portal-api',
      awsRequestId: requestId,
    }) as Context;

  it('writes one JSON line with the service, the invocation and the correlation id, then the attributes', () => {
    const logger = new Logger({ serviceName: 'portico' }, {});
    logger.addContext(context('r-1'));
    logger.setCorrelationId('c-1');
    logger.info('Request refused', { status: 403 });
    logger.addContext(context('r-2'));
    logger.info('Next');
    const [first, second] = lines(out);
    expect(first).toMatchObject({
      level: 'INFO',
      message: 'Request refused',
      service: 'portico',
      cold_start: true,
      function_name: 'portal-api',
      function_memory_size: 512,
      function_request_id: 'r-1',
      correlation_id: 'c-1',
      status: 403,
    });
    expect(new Date(first!.timestamp as string).toISOString()).toBe(first!.timestamp);
    // A new invocation: no longer the cold start, and the last request's correlation id is gone.
    expect(second).toMatchObject({ cold_start: false, function_request_id: 'r-2' });
    expect(second).not.toHaveProperty('correlation_id');
    expect(out.every((line) => line.endsWith('}\n') && !line.slice(0, -1).includes('\n'))).toBe(true);
  });

  it('sends warnings and errors to stderr, with the error named, located and its cause', () => {
    const logger = new Logger({ serviceName: 'portico' }, {});
    const cause = new Error('socket hang up');
    logger.warn('Retrying');
    logger.error('Request failed', { error: new TypeError('boom', { cause }) });
    expect(out).toEqual([]);
    const [warning, failure] = lines(err);
    expect(warning).toMatchObject({ level: 'WARN', message: 'Retrying' });
    expect(failure!.error).toMatchObject({
      name: 'TypeError',
      message: 'boom',
      location: expect.stringMatching(/logger\.test\.ts:\d+$/),
      stack: expect.stringContaining('TypeError: boom'),
      cause: { name: 'Error', message: 'socket hang up' },
    });
  });

  it.each([
    [{ POWERTOOLS_LOG_LEVEL: 'warn' }, ['WARN', 'ERROR']],
    [{ AWS_LAMBDA_LOG_LEVEL: 'ERROR' }, ['ERROR']],
    [{ POWERTOOLS_LOG_LEVEL: 'DEBUG', AWS_LAMBDA_LOG_LEVEL: 'ERROR' }, ['DEBUG', 'INFO', 'WARN', 'ERROR']],
    [{ LOG_LEVEL: 'SILENT' }, []],
    [{ POWERTOOLS_LOG_LEVEL: 'nonsense' }, ['INFO', 'WARN', 'ERROR']],
    [{}, ['INFO', 'WARN', 'ERROR']],
  ])('%j logs %j', (env, levels) => {
    const logger = new Logger({}, env);
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    expect([...lines(out), ...lines(err)].map((line) => line.level).sort()).toEqual([...levels].sort());
  });

  it('survives cycles and bigints in attributes', () => {
    const logger = new Logger({ serviceName: 'portico' }, {});
    const cyclic: Record<string, unknown> = { id: 1 };
    cyclic.self = cyclic;
    logger.info('odd', { cyclic, big: 10n ** 20n });
    expect(lines(out)[0]).toMatchObject({ cyclic: { id: 1, self: '[Circular]' }, big: '100000000000000000000' });
  });
});
