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

/** Ports the OS hands out now; tests use them so they never clash with a running `npm start`. */
export async function freePorts(): Promise<LocalPorts> {
  const take = async () => {
    const port = await probe(0, '127.0.0.1');
    if (!port) throw new Error('No free port on 127.0.0.1');
    return port;
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
    if (!(await probe(port, '0.0.0.0')) || !(await probe(port, '127.0.0.1'))) busy.push(`${name} ${port}`);
  }
  if (busy.length) {
    throw new Error(
      `Port${busy.length > 1 ? 's' : ''} already in use: ${busy.join(', ')}. Another Portico (or another program) ` +
        'is using them; stop it, or start with --ports=auto.',
    );
  }
}
