'use strict';
/**
 * One profiled cold start: as bench/cold-start-child.cjs, with V8's CPU profiler on from just before the
 * bundle's require() to the first response, in two profiles — the require, then the first call — so each
 * phase's time can be read apart. Writes `<out>.require.cpuprofile` and `<out>.first-call.cpuprofile` (the
 * format Chrome DevTools and `node --cpu-prof` use) and prints one JSON line with the phases' times.
 *
 *   node [--enable-source-maps] bench/cold-profile-child.cjs <bundle.js> <event JSON> <function name> <out prefix> <interval µs>
 */
const { Session } = require('node:inspector');
const { writeFileSync } = require('node:fs');
const { performance } = require('node:perf_hooks');
const { lambdaContext } = require('./lambda-context.cjs');

const [bundle, eventJson, functionName, out, interval = '100'] = process.argv.slice(2);
const event = JSON.parse(eventJson);
const session = new Session();
session.connect();

// A session on this thread answers synchronously: the profiler is running when post() returns.
function post(method, params) {
  let answer;
  session.post(method, params, (error, result) => {
    if (error) throw error;
    answer = result;
  });
  return answer;
}

post('Profiler.enable');
post('Profiler.setSamplingInterval', { interval: Number(interval) });
const started = performance.now();
post('Profiler.start');
const { handler } = require(bundle);
const requireProfile = post('Profiler.stop').profile;
const loaded = performance.now();
post('Profiler.start');
const context = lambdaContext(functionName, 30_000);

Promise.resolve(handler(event, context)).then(
  (response) => {
    const firstCallProfile = post('Profiler.stop').profile;
    const answered = performance.now();
    writeFileSync(`${out}.require.cpuprofile`, JSON.stringify(requireProfile));
    writeFileSync(`${out}.first-call.cpuprofile`, JSON.stringify(firstCallProfile));
    process.stdout.write(
      `${JSON.stringify({
        loadMs: loaded - started,
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
