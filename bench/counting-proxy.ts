import { createServer, request as httpRequest, Agent, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A tiny HTTP proxy in front of DynamoDB Local that counts requests by operation (the `x-amz-target`
 * header). A bundle has its own copy of the SDK, so counting happens on the wire: point
 * AWS_ENDPOINT_URL_DYNAMODB at the proxy. `POST /__counts/reset` and `GET /__counts/counts` control it.
 */
export interface CountingProxy {
  readonly url: string;
  readonly controlUrl: string;
  counts(): Record<string, number>;
  close(): Promise<void>;
}

export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true });
  let counts: Record<string, number> = {};
  const server: Server = createServer((req, res) => {
    if (req.url === '/__counts/reset') {
      counts = {};
      res.writeHead(204).end();
      return;
    }
    if (req.url === '/__counts/counts') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(counts));
      return;
    }
    const target = String(req.headers['x-amz-target'] ?? 'unknown');
    const operation = target.slice(target.indexOf('.') + 1);
    counts[operation] = (counts[operation] ?? 0) + 1;
    const forwarded = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
        agent,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forwarded.on('error', (error) => res.destroy(error));
    req.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    controlUrl: `${url}/__counts`,
    counts: () => ({ ...counts }),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}
