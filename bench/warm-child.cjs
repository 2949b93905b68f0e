'use strict';
/* global fetch */
/**
 * Warm request overhead, in a process of its own (plain Node, no tsx): loads the crm-records and portal-api
 * bundles and the direct-reads bundle, warms them up, then times handler and direct calls interleaved
 * (the order flips every iteration). With `countUrl`, runs a few requests of each kind instead and reads the
 * DynamoDB calls they made from the counting proxy the endpoint points at.
 *
 *   node bench/warm-child.cjs '<config JSON>'
 */
const { performance } = require('node:perf_hooks');
const { lambdaContext } = require('./lambda-context.cjs');

const config = JSON.parse(process.argv[2]);
const crm = require(config.crmBundle);
const portal = require(config.portalBundle);
const direct = require(config.directBundle);

let sequence = 0;
function withRequestId(event) {
  sequence += 1;
  return { ...event, requestContext: { ...event.requestContext, requestId: `bench-${sequence}` } };
}

const context = (functionName) => lambdaContext(functionName, 10_000);

async function expectOk(response, what) {
  if (!response || response.statusCode !== 200) throw new Error(`${what}: ${JSON.stringify(response)}`);
  return response;
}

const kinds = {
  'crm-records.handler': async () =>
    expectOk(await crm.handler(withRequestId(config.crmEvent), context('crm-records')), 'GET /{module}/{id}'),
  'crm-records.direct': () => direct.recordRead(config.recordId),
  'portal-api.handler': async () =>
    expectOk(await portal.handler(withRequestId(config.portalEvent), context('portal-api')), 'GET /portal/{module}'),
  'portal-api.direct': () => direct.portalListRead(config.personId, config.partition, config.limit),
};

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

function summary(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (value) => Math.round(value * 1000) / 1000;
  return {
    samples: sorted.length,
    p50: round(quantile(sorted, 0.5)),
    p90: round(quantile(sorted, 0.9)),
    p99: round(quantile(sorted, 0.99)),
    mean: round(sorted.reduce((sum, value) => sum + value, 0) / sorted.length),
  };
}

async function timeAll() {
  // Same answers from both ways of reading, or the comparison means nothing.
  const handlerItems = JSON.parse((await kinds['portal-api.handler']()).body).items.length;
  const directItems = JSON.parse(await kinds['portal-api.direct']()).items.length;
  if (handlerItems !== directItems || handlerItems === 0)
    throw new Error(`portal list: handler saw ${handlerItems} items, direct ${directItems}`);
  for (let i = 0; i < config.warmup; i++) for (const run of Object.values(kinds)) await run();
  const samples = Object.fromEntries(Object.keys(kinds).map((kind) => [kind, []]));
  const names = Object.keys(kinds);
  for (let i = 0; i < config.iterations; i++) {
    // Flip the order every iteration: neither side always runs right after the other.
    const order = i % 2 === 0 ? names : [...names].reverse();
    for (const kind of order) {
      const started = performance.now();
      await kinds[kind]();
      samples[kind].push(performance.now() - started);
    }
  }
  return { items: handlerItems, ...Object.fromEntries(Object.entries(samples).map(([kind, s]) => [kind, summary(s)])) };
}

async function countAll() {
  const counts = {};
  for (const [kind, run] of Object.entries(kinds)) {
    await run(); // connections and lazy initialisation out of the way first
    await fetch(`${config.countUrl}/reset`, { method: 'POST' });
    for (let i = 0; i < config.countRequests; i++) await run();
    const byOperation = await (await fetch(`${config.countUrl}/counts`)).json();
    counts[kind] = Object.fromEntries(
      Object.entries(byOperation).map(([operation, calls]) => [operation, calls / config.countRequests]),
    );
  }
  return counts;
}

(config.countUrl ? countAll() : timeAll()).then(
  (result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(0);
  },
  (error) => {
    process.stderr.write(`${error && error.stack}\n`);
    process.exit(1);
  },
);
