import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';

/** Probe: what the Powertools logger and its middy middleware add to a bundle. */
const logger = new Logger({ serviceName: 'probe' });
export const middleware = injectLambdaContext(logger, { resetKeys: true });

export const handler = async (event: unknown) => {
  logger.info('probe');
  return { statusCode: 200, body: JSON.stringify(event) };
};
