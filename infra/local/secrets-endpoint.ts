import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { localAccountId, localRegion } from './local-aws';

/**
 * A stand-in for Secrets Manager's GetSecretValue (JSON 1.1 protocol, `X-Amz-Target: secretsmanager.GetSecretValue`),
 * enough for the handlers' own Secrets Manager client to read a secret locally as it does in the cloud. Secrets live
 * in memory: `put` makes a new current value and the old one the previous, as PutSecretValue does. It logs nothing.
 */
export interface LocalSecrets {
  readonly server: Server;
  /** Stores a new value of `name`; the value it replaces stays readable as AWSPREVIOUS. */
  put(name: string, value: string): void;
}

interface Version {
  readonly id: string;
  readonly value: string;
  readonly created: number;
}

export function createSecretsEndpoint(): LocalSecrets {
  const secrets = new Map<string, { current: Version; previous?: Version }>();
  const arnOf = (name: string) => `arn:aws:secretsmanager:${localRegion}:${localAccountId}:secret:${name}`;

  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const fail = (status: number, type: string, message: string) => {
      response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': type });
      response.end(JSON.stringify({ __type: type, message }));
    };
    if (request.method !== 'POST' || request.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue') {
      return fail(400, 'UnknownOperationException', 'Only GetSecretValue is served locally');
    }
    let input: { SecretId?: unknown; VersionStage?: unknown; VersionId?: unknown };
    try {
      input = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof input;
    } catch {
      return fail(400, 'SerializationException', 'The request body is not JSON');
    }
    const name = typeof input.SecretId === 'string' ? input.SecretId.replace(arnOf(''), '') : '';
    const secret = secrets.get(name);
    const stage = input.VersionStage ?? 'AWSCURRENT';
    const version = stage === 'AWSCURRENT' ? secret?.current : stage === 'AWSPREVIOUS' ? secret?.previous : undefined;
    if (!secret) return fail(400, 'ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    if (!version || (input.VersionId !== undefined && input.VersionId !== version.id)) {
      return fail(400, 'ResourceNotFoundException', "Secrets Manager can't find the specified secret value.");
    }
    response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
    response.end(
      JSON.stringify({
        ARN: arnOf(name),
        Name: name,
        VersionId: version.id,
        SecretString: version.value,
        VersionStages: [stage],
        CreatedDate: version.created / 1000,
      }),
    );
  });

  return {
    server,
    put(name, value) {
      const previous = secrets.get(name)?.current;
      secrets.set(name, { current: { id: randomUUID(), value, created: Date.now() }, previous });
    },
  };
}
