'use strict';
/**
 * Warms the local emulators up before cold starts are timed: loads one bundle and invokes its handler `count` times
 * in a row with the event its cold start answers, so DynamoDB Local's JVM has compiled the paths (GetItem, each
 * index's Query, BatchGetItem) the timed first calls take. Prints one JSON line.
 *
 *   node bench/emulator-warm-up-child.cjs <bundle.js> <event JSON> <function name> <count>
 */
const { lambdaContext } = require('./lambda-context.cjs');

const [bundle, eventJson, functionName, count] = process.argv.slice(2);
const event = JSON.parse(eventJson);
const { handler } = require(bundle);

(async () => {
  for (let i = 0; i < Number(count); i++) {
    const response = await handler(event, lambdaContext(functionName, 30_000));
    if (!response || response.statusCode !== 200)
      throw new Error(`${functionName} answered ${response && response.statusCode}`);
  }
  process.stdout.write(`${JSON.stringify({ warmed: Number(count) })}\n`);
  process.exit(0);
})().catch((error) => {
  process.stderr.write(`${error && error.stack}\n`);
  process.exit(1);
});
