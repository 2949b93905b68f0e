import { createServer, type Server } from 'node:net';
import { ephemeralPortRange, freePorts } from '../../infra/local/ports';

/**
 * `--ports=auto` and the tests' emulators take ports picked below the ephemeral range: a port the OS hands out for a
 * listener is soon handed to some outgoing connection again, which once took DynamoDB Local's port before its JVM
 * could bind it.
 */
const listen = (port: number, host: string) =>
  new Promise<Server>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port, host, exclusive: true }, () => resolve(server));
  });
const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

it('gives eight different ports between 10000 and the ephemeral range, each free on every interface', async () => {
  const ports = Object.values(await freePorts());
  expect(ports).toHaveLength(8);
  expect(new Set(ports).size).toBe(8);
  const { low } = ephemeralPortRange();
  for (const port of ports) {
    expect(port).toBeGreaterThanOrEqual(10_000);
    expect(port).toBeLessThan(low);
    await close(await listen(port, '0.0.0.0'));
  }
});

it('passes over a port in use, on any interface, and never gives one port twice', async () => {
  const span = ephemeralPortRange().low - 10_000;
  const fractionOf = (port: number) => (port - 10_000 + 0.5) / span;
  const [busyEverywhere, busyOnLoopback, free] = Object.values(await freePorts());
  const servers = [await listen(busyEverywhere!, '0.0.0.0'), await listen(busyOnLoopback!, '127.0.0.1')];
  try {
    // The picks: both busy ports, then the free one again and again, then any port.
    const picks = [busyEverywhere!, busyOnLoopback!, free!, free!, free!].map(fractionOf);
    const ports = Object.values(await freePorts(() => picks.shift() ?? Math.random()));
    expect(ports[0]).toBe(free);
    expect(ports).not.toContain(busyEverywhere);
    expect(ports).not.toContain(busyOnLoopback);
    expect(new Set(ports).size).toBe(8);
  } finally {
    await Promise.all(servers.map(close));
  }
});
