import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import {
  accessMaxFailures,
  cognitoTriggerTable,
  functions,
  routeTable,
  type FunctionDeclaration,
} from '../../shared/declarations/functions';
import { stackName, type LocalOutputs } from '../outputs';
import { createApiGateway } from './api-gateway';
import { generatePassword } from '../../shared/security/generate-password';
import { ensureStaffUser, ensureTable, ensureUserPools } from './bootstrap';
import { startCognitoLocal, startDynamoDbLocal, startSesLocal, type Emulator } from './emulators';
import { buildFunctions } from './build-functions';
import { FunctionHost } from './function-host';
import { createJwtAuthorizer } from './jwt-authorizer';
import { createLambdaEndpoint } from './lambda-endpoint';
import { localCredentials, localRegion } from './local-aws';
import { assertPortsFree, defaultPorts, freePorts, type LocalPorts } from './ports';
import { RunLock } from './run-lock';
import { matchesInterest } from '../../shared/data/stream-interest';
import { defaultCreateRate } from '../../shared/config/provisioning-defaults';
import { quotas } from '../../shared/quotas/quota-rates';
import { defaultOrganizationName, organizationNameProblem } from '../../shared/access/portal-code-email';
import { startStreamEventSource } from './stream-event-source';
import { startLocalSchedules } from './schedules';
import { createBrowserAppServer, portalApiPathOf } from './browser-app-server';
import {
  brandingEnvironmentValue,
  brandingProblems,
  defaultAccentColor,
  type Branding,
} from '../../shared/branding/branding';
import { createSecretsEndpoint } from './secrets-endpoint';
import { createAsyncInvoker } from './async-invoker';
import { originVerifyHeader } from '../../shared/http/origin-verify';
import { defaultPortalTicketsPerDay } from '../../shared/tickets/ticket-limits';
import { defaultDealProtectionDays } from '../../shared/deals/deal-limits';
import { buildPortalWeb, portalWebScopes } from '../portal-web';
import { apiPathOf as staffConsoleApiPathOf, buildStaffConsole, staffConsoleScopes } from '../staff-console';
import { startS3Local } from './s3-local';

export const repoRoot = resolve(__dirname, '..', '..');
export const defaultDataDir = join(repoRoot, '.local');
export const localTableName = 'portico';
export const localStaffUsername = 'admin@portico.local';
/** The name of the local origin secret (ORIGIN_VERIFY_SECRET_ID); its value is new with every start. */
export const localOriginSecretId = 'portico-local/origin-verify';
/** The From address of local mail; the local mail server accepts any. */
export const localSenderEmail = 'portal@portico.local';
/** The files bucket in the local S3 stand-in (FILES_BUCKET_NAME). */
export const localFilesBucketName = 'portico-files';

/** The on-failure destination of a function's asynchronous invocations, locally (its failure queue in the cloud). */
export function asyncFailureFile(dataDir: string, functionName: string): string {
  return join(resolve(dataDir), 'async', `${functionName}.failures.jsonl`);
}

/** The organization named in the local pool's code emails: `ORGANIZATION_NAME`, as `organizationName` in the cloud. */
function localOrganizationName(): string {
  const name = process.env.ORGANIZATION_NAME ?? defaultOrganizationName;
  const problem = organizationNameProblem(name);
  if (problem) throw new Error(`ORGANIZATION_NAME "${name}" ${problem}.`);
  return name;
}

/** `ORGANIZATION_NAME`, `LOGO_URL`, `ACCENT_COLOR`: the cloud's `organizationName`, `logoUrl`, `accentColor` context. */
function localBranding(): Branding {
  const branding: Branding = {
    organizationName: localOrganizationName(),
    ...(process.env.LOGO_URL ? { logoUrl: process.env.LOGO_URL } : {}),
    accentColor: (process.env.ACCENT_COLOR ?? defaultAccentColor).toLowerCase(),
  };
  const problems = brandingProblems(branding, {
    organizationName: 'ORGANIZATION_NAME',
    logoUrl: 'LOGO_URL',
    accentColor: 'ACCENT_COLOR',
  });
  if (problems.length > 0) throw new Error(problems.join(' '));
  return branding;
}

export interface LocalStackOptions {
  /** Where data, logs, the lock and outputs.json live; `.local/` for `npm start`. */
  readonly dataDir?: string;
  /** `auto` picks free ports (tests); the default is the fixed set in ports.ts. */
  readonly ports?: LocalPorts | 'auto';
  /** Start from empty data. */
  readonly fresh?: boolean;
  readonly declarations?: readonly FunctionDeclaration[];
  readonly log?: (message: string) => void;
}

export interface RunningStack {
  readonly outputs: LocalOutputs;
  readonly outputsFile: string;
  readonly dataDir: string;
  stop(): Promise<void>;
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolveListen());
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolveClose) => {
    server.close(() => resolveClose());
    server.closeAllConnections();
  });
}

/** Staff password survives restarts: it lives beside the data it unlocks. */
function readPreviousOutputs(file: string): Partial<LocalOutputs> {
  if (!existsSync(file)) return {};
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as Record<string, Partial<LocalOutputs>>)[stackName] ?? {};
  } catch {
    return {};
  }
}

function writeJsonAtomically(file: string, value: unknown) {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, file);
}

/** Points every AWS SDK client in this process (ours and the handlers') at the emulators. */
function useLocalAws(
  endpoints: { dynamodb: string; cognito: string; ses: string; lambda: string; secrets: string },
  tableName: string,
) {
  Object.assign(process.env, {
    AWS_REGION: localRegion,
    AWS_DEFAULT_REGION: localRegion,
    AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_DYNAMODB_STREAMS: endpoints.dynamodb,
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: endpoints.cognito,
    AWS_ENDPOINT_URL_SESV2: endpoints.ses,
    AWS_ENDPOINT_URL_LAMBDA: endpoints.lambda,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoints.secrets,
    TABLE_NAME: tableName,
    POWERTOOLS_SERVICE_NAME: process.env.POWERTOOLS_SERVICE_NAME ?? 'portico-local',
  });
}

export async function launchLocalStack(options: LocalStackOptions = {}): Promise<RunningStack> {
  const log = options.log ?? (() => {});
  const dataDir = resolve(options.dataDir ?? defaultDataDir);
  const declarations = options.declarations ?? functions;
  const logDir = join(dataDir, 'logs');
  const outputsFile = join(dataDir, 'outputs.json');
  mkdirSync(logDir, { recursive: true });

  const lock = await RunLock.acquire(join(dataDir, 'run', 'lock.json'));
  const cleanups: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse().splice(0)) await cleanup().catch(() => {});
    lock.release();
  };

  try {
    if (options.fresh) {
      for (const dir of ['dynamodb', 'cognito', 'stream', 'async', 's3', 'outputs.json'])
        rmSync(join(dataDir, dir), { recursive: true, force: true });
    }
    const ports = options.ports === 'auto' ? await freePorts() : (options.ports ?? defaultPorts);
    await assertPortsFree(ports);

    process.setSourceMapsEnabled(true);
    const host = new FunctionHost(declarations, await buildFunctions(declarations, repoRoot, join(dataDir, 'build')));
    // Lambda retries an asynchronous invocation twice unless a function declares otherwise; only a declared one has
    // a failure destination, as in the cloud (infra/cdk/async-invocation.ts).
    const asyncInvokers = new Map(
      declarations.map((fn) => [
        fn.name,
        createAsyncInvoker({
          functionName: fn.name,
          invoke: (event) => host.invoke(fn.name, event),
          maxRetryAttempts: fn.asyncInvocation?.maxRetryAttempts ?? 2,
          failureFile: fn.asyncInvocation ? asyncFailureFile(dataDir, fn.name) : undefined,
          log,
        }),
      ]),
    );
    const lambdaServer = createLambdaEndpoint({
      has: (name) => host.has(name),
      invoke: (name, event) => host.invoke(name, event),
      invokeAsync: (name, event) => asyncInvokers.get(name)?.enqueue(event),
      onError: (error, name) => log(`Function ${name} failed: ${(error as Error).message}`),
    });
    await listen(lambdaServer, ports.lambda);
    cleanups.push(() => close(lambdaServer));
    const lambdaEndpoint = `http://127.0.0.1:${ports.lambda}`;

    // Secrets Manager's part: the origin secret CloudFront's stand-in sends and the portal API checks. Generated for
    // each start, kept in this process's memory only, never written to a log or file. Any free port: only this
    // process's handlers call it.
    const secrets = createSecretsEndpoint();
    const originSecret = randomBytes(32).toString('base64url');
    secrets.put(localOriginSecretId, originSecret);
    await listen(secrets.server, 0);
    cleanups.push(() => close(secrets.server));
    const secretsEndpoint = `http://127.0.0.1:${(secrets.server.address() as AddressInfo).port}`;

    // Checked before anything starts: a bad setting stops `npm start` with its name, as it stops a synth.
    const branding = localBranding();
    const emulators: Emulator[] = [];
    const track = (emulator: Emulator) => {
      emulators.push(emulator);
      lock.addChild(emulator.process.name, emulator.process.pid);
      cleanups.push(() => emulator.process.stop());
      return emulator;
    };
    // Started together: Java's start dominates, the others fit inside it.
    const started = await Promise.allSettled([
      startDynamoDbLocal({ port: ports.dynamodb, dataDir: join(dataDir, 'dynamodb'), logDir }).then(track),
      startCognitoLocal({
        port: ports.cognito,
        dataDir: join(dataDir, 'cognito'),
        logDir,
        config: {
          lambdaEndpoint,
          triggerFunctions: cognitoTriggerTable(declarations),
          sesEndpoint: `http://127.0.0.1:${ports.ses}`,
          branding: brandingEnvironmentValue(branding),
        },
      }).then(track),
      startSesLocal({ port: ports.ses, logDir }).then(track),
    ]);
    const failed = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) throw failed.reason;
    const [dynamodb, cognito, ses] = started.map((result) => (result as PromiseFulfilledResult<Emulator>).value) as [
      Emulator,
      Emulator,
      Emulator,
    ];
    useLocalAws(
      {
        dynamodb: dynamodb.endpoint,
        cognito: cognito.endpoint,
        ses: ses.endpoint,
        lambda: lambdaEndpoint,
        secrets: secretsEndpoint,
      },
      localTableName,
    );

    const dynamo = new DynamoDBClient({});
    const identity = new CognitoIdentityProviderClient({});
    cleanups.push(async () => {
      dynamo.destroy();
      identity.destroy();
    });
    const apiUrl = `http://127.0.0.1:${ports.api}`;
    // The app's own origin is its sign-in callback and sign-out URL (hash routing: one page).
    const portalWebUrl = `http://127.0.0.1:${ports.web}/`;
    const staffWebUrl = `http://127.0.0.1:${ports.staffWeb}/`;
    // The files bucket: uploads and downloads go straight from the browser to it with presigned URLs, and its
    // ObjectCreated events invoke the functions declaring them, asynchronously as S3 does.
    const s3 = await startS3Local({
      port: ports.s3,
      dataDir: join(dataDir, 's3'),
      bucket: localFilesBucketName,
      allowedOrigins: [new URL(portalWebUrl).origin, new URL(staffWebUrl).origin],
      onObjectCreated: (event) => {
        for (const fn of declarations.filter((d) => d.filesBucket?.objectCreated))
          asyncInvokers.get(fn.name)?.enqueue(event);
      },
    });
    cleanups.push(() => s3.stop());
    Object.assign(process.env, { AWS_ENDPOINT_URL_S3: s3.endpoint, FILES_BUCKET_NAME: localFilesBucketName });
    const previous = readPreviousOutputs(outputsFile);
    const staffPassword = previous.StaffPassword ?? generatePassword();
    const [table, pools] = await Promise.all([
      ensureTable(dynamo, localTableName),
      ensureUserPools(
        identity,
        {
          callbackUrls: [portalWebUrl],
          logoutUrls: [portalWebUrl],
          codeEmail: { senderEmail: localSenderEmail, organizationName: localOrganizationName() },
        },
        { callbackUrls: [staffWebUrl], logoutUrls: [staffWebUrl] },
      ),
    ]);
    await ensureStaffUser(identity, pools.staff.userPoolId, localStaffUsername, staffPassword);
    // What the provisioning functions read at cold start; they load on first use, after this.
    Object.assign(process.env, {
      PORTAL_USER_POOL_ID: pools.portal.userPoolId,
      STAFF_USER_POOL_ID: pools.staff.userPoolId,
      SENDER_EMAIL: localSenderEmail,
      PORTAL_SIGN_IN_URL: portalWebUrl,
      COGNITO_CREATE_RATE: process.env.COGNITO_CREATE_RATE ?? String(defaultCreateRate),
      COGNITO_UPDATE_RATE: process.env.COGNITO_UPDATE_RATE ?? String(quotas.cognitoUpdate.defaultRate),
      SES_SEND_RATE: process.env.SES_SEND_RATE ?? String(quotas.sesSend.defaultRate),
      // As in the cloud: a person shows `failed` when the event source gives up on them, not before.
      ACCESS_MAX_FAILURES: accessMaxFailures(declarations),
      // Support windows are dates in this zone; the cloud takes it from the `timeZone` context.
      TIME_ZONE: process.env.TIME_ZONE ?? 'UTC',
      ORIGIN_VERIFY_SECRET_ID: localOriginSecretId,
      // Off unless set, as in the cloud (the `supportReminderDays` context).
      SUPPORT_REMINDER_DAYS: process.env.SUPPORT_REMINDER_DAYS ?? '0',
      BRANDING: brandingEnvironmentValue(branding),
      PORTAL_TICKETS_PER_DAY: process.env.PORTAL_TICKETS_PER_DAY ?? String(defaultPortalTicketsPerDay),
      DEAL_PROTECTION_DAYS: process.env.DEAL_PROTECTION_DAYS ?? String(defaultDealProtectionDays),
    });

    const issuerOf = (poolId: string) => `${cognito.endpoint}/${poolId}`;
    const api = createApiGateway({
      routes: routeTable(declarations),
      authorizers: {
        staff: createJwtAuthorizer({
          issuer: issuerOf(pools.staff.userPoolId),
          audiences: [pools.staff.clientId, pools.staffConsole.clientId],
          jwksUri: `${issuerOf(pools.staff.userPoolId)}/.well-known/jwks.json`,
        }),
        portal: createJwtAuthorizer({
          issuer: issuerOf(pools.portal.userPoolId),
          audiences: [pools.portal.clientId],
          jwksUri: `${issuerOf(pools.portal.userPoolId)}/.well-known/jwks.json`,
        }),
      },
      invoke: (name, event) => host.invoke(name, event),
      onError: (error, routeKey) => log(`${routeKey} failed: ${(error as Error).stack ?? error}`),
    });
    await listen(api, ports.api);
    cleanups.push(() => close(api));

    const web = createBrowserAppServer({
      build: buildPortalWeb(join(dataDir, 'build', 'portal-web')),
      config: { loginUrl: cognito.endpoint, clientId: pools.portal.clientId, scopes: portalWebScopes, branding },
      apiPathOf: portalApiPathOf,
      apiUrl,
      loginOrigin: new URL(cognito.endpoint).origin,
      filesOrigin: new URL(s3.endpoint).origin,
      apiOriginHeaders: { [originVerifyHeader]: originSecret },
    });
    await listen(web, ports.web);
    cleanups.push(() => close(web));

    // The staff console on an origin of its own, signing in through the staff pool's hosted login.
    const staffWeb = createBrowserAppServer({
      build: buildStaffConsole(join(dataDir, 'build', 'staff-console')),
      config: {
        loginUrl: cognito.endpoint,
        clientId: pools.staffConsole.clientId,
        scopes: staffConsoleScopes,
        branding,
      },
      apiPathOf: staffConsoleApiPathOf,
      apiUrl,
      loginOrigin: new URL(cognito.endpoint).origin,
      filesOrigin: new URL(s3.endpoint).origin,
      apiOriginHeaders: { [originVerifyHeader]: originSecret },
    });
    await listen(staffWeb, ports.staffWeb);
    cleanups.push(() => close(staffWeb));

    const streams = new DynamoDBStreamsClient({});
    cleanups.push(async () => streams.destroy());
    for (const fn of declarations.filter((d) => d.tableStream)) {
      const source = startStreamEventSource({
        streams,
        streamArn: table.LatestStreamArn!,
        handler: async (event) => (await host.invoke(fn.name, event)) as never,
        filter: (record) => matchesInterest(record, fn.tableStream!.interest),
        checkpointFile: join(dataDir, 'stream', `${fn.name}.checkpoint.json`),
        failureFile: join(dataDir, 'stream', `${fn.name}.failures.jsonl`),
        batchSize: fn.tableStream!.batchSize,
        maxRetryAttempts: fn.tableStream!.maxRetryAttempts,
        region: localRegion,
        logger: {
          info: () => {},
          warn: (message, attrs) => log(`[stream ${fn.name}] ${message} ${JSON.stringify(attrs ?? {})}`),
          error: (message, attrs) => log(`[stream ${fn.name}] ${message} ${JSON.stringify(attrs ?? {})}`),
        },
      });
      cleanups.push(() => source.stop());
    }

    const schedules = startLocalSchedules({
      declarations,
      timeZone: process.env.TIME_ZONE!,
      invoke: (name, event) => host.invoke(name, event),
      failureFile: (name) => join(dataDir, 'schedules', `${name}.failures.jsonl`),
      log,
    });
    cleanups.push(() => schedules.stop());
    // Registered last, so it runs first on stop (cleanups run in reverse): events already accepted are handled, or
    // written to their failure file, while the emulators they need still run.
    cleanups.push(async () => {
      await Promise.all([...asyncInvokers.values()].map((invoker) => invoker.whenIdle()));
    });

    const outputs: LocalOutputs = {
      ApiUrl: apiUrl,
      StaffUserPoolId: pools.staff.userPoolId,
      StaffClientId: pools.staff.clientId,
      PortalUserPoolId: pools.portal.userPoolId,
      PortalClientId: pools.portal.clientId,
      PortalLoginUrl: cognito.endpoint,
      PortalWebUrl: portalWebUrl,
      StaffWebUrl: staffWebUrl,
      StaffConsoleClientId: pools.staffConsole.clientId,
      StaffLoginUrl: cognito.endpoint,
      TableName: localTableName,
      FilesBucketName: localFilesBucketName,
      CognitoEndpoint: cognito.endpoint,
      DynamoDbEndpoint: dynamodb.endpoint,
      SesEndpoint: ses.endpoint,
      S3Endpoint: s3.endpoint,
      LambdaEndpoint: lambdaEndpoint,
      MailboxUrl: `${ses.endpoint}/`,
      StaffUsername: localStaffUsername,
      StaffPassword: staffPassword,
    };
    writeJsonAtomically(outputsFile, { [stackName]: outputs });
    return { outputs, outputsFile, dataDir, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
