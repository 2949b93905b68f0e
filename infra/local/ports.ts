import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

export interface LocalPorts {
  readonly api: number;
  readonly dynamodb: number;
  readonly cognito: number;
  readonly ses: number;
  readonly lambda: number;
  /** The portal web app and its `/portal/*` forwarding (CloudFront's part in the cloud). */
  readonly web: number;
  /** The staff console and its `/api/*` forwarding. */
  readonly staffWeb: number;
  /** The S3 stand-in (its signature-checking front; shared/files' presigned URLs point here). */
  readonly s3: number;
}

/** Fixed ports for `npm start`, so URLs stay the same from one run to the next. */
export const defaultPorts: LocalPorts = {
  api: 3100,
  dynamodb: 8100,
  cognito: 9229,
  ses: 8105,
  lambda: 9101,
  web: 3000,
  staffWeb: 3001,
  s3: 8110,
};

function probe(port: number, host: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen({ port, host, exclusive: true }, () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : undefined));
    });
  });
}

/** The ports Linux hands out to outgoing connections (its default when the setting cannot be read). */
export function ephemeralPortRange(): { readonly low: number; readonly high: number } {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (low && high && low <= high) return { low, high };
  } catch {
    // Not Linux: the default below is also outside macOS's range (49152–65535).
  }
  return { low: 32_768, high: 60_999 };
}

/** Where `freePorts` picks: above every fixed port of `npm start`, below the ephemeral range. */
const pickedFrom = 10_000;

const free = async (port: number) =>
  (await probe(port, '0.0.0.0')) !== undefined && (await probe(port, '127.0.0.1')) !== undefined;

/**
 * Ports free now, for tests and `--ports=auto`, so they never clash with a running `npm start`. Picked at random
 * below the ephemeral range rather than asked of the OS (`listen(0)`): a port the OS handed out is soon handed out
 * again, to an outgoing connection of any process, and with the suites running in parallel one was taken between
 * the check and DynamoDB Local's bind a JVM start later ("Address already in use"). Each is checked free on both
 * loopback and every interface, as DynamoDB Local binds them all.
 */
export async function freePorts(random: () => number = Math.random): Promise<LocalPorts> {
  const below = ephemeralPortRange().low;
  const span = below - pickedFrom;
  if (span < 1_000)
    throw new Error(`The ephemeral port range starts at ${below}: too low to pick free ports below it.`);
  const taken = new Set<number>();
  const take = async () => {
    for (let attempt = 0; attempt < 100; attempt++) {
      const port = pickedFrom + Math.floor(random() * span);
      if (taken.has(port) || !(await free(port))) continue;
      taken.add(port);
      return port;
    }
    throw new Error(`No free port between ${pickedFrom} and ${below} after 100 tries`);
  };
  return {
    api: await take(),
    dynamodb: await take(),
    cognito: await take(),
    ses: await take(),
    lambda: await take(),
    web: await take(),
    staffWeb: await take(),
    s3: await take(),
  };
}

/** DynamoDB Local binds every interface, so a port counts as free only if both loopback and 0.0.0.0 are. */
export async function assertPortsFree(ports: LocalPorts): Promise<void> {
  const busy: string[] = [];
  for (const [name, port] of Object.entries(ports)) {
    if (!(await free(port))) busy.push(`${name} ${port}`);
  }
  if (busy.length) {
    throw new Error(
      `Port${busy.length > 1 ? 's' : ''} already in use: ${busy.join(', ')}. Another Portico (or another program) ` +
        'is using them; stop it, or start with --ports=auto.',
    );
  }
}
