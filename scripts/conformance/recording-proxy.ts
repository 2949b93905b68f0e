import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Exchange } from './prism-report';

/**
 * A plain pass-through in front of Prism's proxy that keeps, for each exchange, the method, path, status and Prism's
 * `sl-violations` header. Prism's log interleaves the violations of concurrent requests (jest runs files in
 * parallel), so the header on each response is the only reliable way to tie a violation to its request. Bytes pass
 * unchanged both ways; the header is taken off so the tests see what the API sent.
 */
export interface RecordingProxy {
  readonly url: string;
  readonly exchanges: readonly Exchange[];
  close(): Promise<void>;
}

export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const upstream = new URL(target);
  const exchanges: Exchange[] = [];
  const server: Server = createServer((incoming, outgoing) => {
    const path = new URL(incoming.url ?? '/', 'http://proxy').pathname;
    const method = incoming.method ?? 'GET';
    const forwarded = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method,
        path: incoming.url,
        headers: { ...incoming.headers, host: upstream.host },
      },
      (answer) => {
        const { 'sl-violations': violations, ...headers } = answer.headers;
        const status = answer.statusCode ?? 0;
        exchanges.push({
          method,
          path,
          status,
          violationsHeader: typeof violations === 'string' ? violations : undefined,
        });
        outgoing.writeHead(status, headers);
        answer.pipe(outgoing);
      },
    );
    forwarded.on('error', (error) => {
      exchanges.push({
        method,
        path,
        status: 502,
        violationsHeader: JSON.stringify([
          {
            location: ['response'],
            severity: 'Error',
            code: 'proxy-error',
            message: `Prism did not answer: ${error.message}`,
          },
        ]),
      });
      if (!outgoing.headersSent) outgoing.writeHead(502);
      outgoing.end();
    });
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    exchanges,
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
