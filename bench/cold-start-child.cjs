'use strict';
/**
 * One cold start: a fresh Node process loads a bundle with require(), as the Lambda runtime does, and
 * serves one invocation. Prints one JSON line with the times, in ms since the process began
 * (performance.timeOrigin). Plain CommonJS, so nothing (no tsx) loads before the bundle.
 *
 *   node [--enable-source-maps] bench/cold-start-child.cjs <bundle.js> <event JSON> <function name>
 */
const { performance } = require('node:perf_hooks');
const { lambdaContext } = require('./lambda-context.cjs');

const [bundle, eventJson, functionName = 'bench'] = process.argv.slice(2);
const event = JSON.parse(eventJson);
const requireStarted = performance.now();
const { handler } = require(bundle);
const loaded = performance.now();
const context = lambdaContext(functionName, 30_000);

Promise.resolve(handler(event, context)).then(
  (response) => {
    const answered = performance.now();
    process.stdout.write(
      `${JSON.stringify({
        initMs: answered,
        bootMs: requireStarted,
        loadMs: loaded - requireStarted,
        invokeMs: answered - loaded,
        statusCode: response && response.statusCode,
      })}\n`,
    );
    process.exit(0);
  },
  (error) => {
    process.stderr.write(`${error && error.stack}\n`);
    process.exit(1);
  },
);
