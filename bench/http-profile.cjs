'use strict';
/**
 * Preloaded (NODE_OPTIONS=--require) into the local stack by the provisioning bench: records every outgoing
 * HTTP call of the process — which emulator, which operation, when it started, how long it took — from
 * Node's http diagnostics channels, and writes them to $PORTICO_HTTP_PROFILE_DIR/<pid>.json at exit. The
 * stack hosts the functions, so this is where the controller's time goes, call by call.
 */
const dc = require('node:diagnostics_channel');
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { performance } = require('node:perf_hooks');

const dir = process.env.PORTICO_HTTP_PROFILE_DIR;
if (dir) {
  const started = new WeakMap();
  const calls = [];
  const operationOf = (request) => {
    const target = request.getHeader('x-amz-target');
    if (target) return String(target).slice(String(target).indexOf('.') + 1);
    // REST APIs (SES v2, Lambda invoke): the method and the path without ids.
    return `${request.method} ${String(request.path)
      .split('?')[0]
      .replace(/\/[^/]*[0-9][^/]*/g, '/…')}`;
  };
  dc.subscribe('http.client.request.start', ({ request }) => {
    started.set(request, { at: Date.now(), t: performance.now() });
  });
  const finish = (request, ok) => {
    const start = started.get(request);
    if (!start) return;
    started.delete(request);
    const port = request.socket?.remotePort ?? request.getHeader('host')?.toString().split(':')[1];
    calls.push([
      start.at,
      Math.round((performance.now() - start.t) * 100) / 100,
      Number(port),
      operationOf(request),
      ok,
    ]);
  };
  dc.subscribe('http.client.response.finish', ({ request }) => finish(request, true));
  dc.subscribe('http.client.request.error', ({ request }) => finish(request, false));
  process.on('exit', () => {
    try {
      writeFileSync(join(dir, `${process.pid}.json`), JSON.stringify({ pid: process.pid, argv: process.argv, calls }));
    } catch {
      // profiling must never break the stack
    }
  });
}
