import { parseArgs } from 'node:util';
import { isProcessAlive, parentOf } from './managed-process';
import { AlreadyRunning } from './run-lock';
import { launchLocalStack, type RunningStack } from './local-stack';

/**
 * `npm start`: the whole of Portico on this machine. Stays in the foreground; Ctrl-C, SIGTERM, or the
 * death of the npm process that started it stops every emulator.
 */
const usage = `Usage: npm start -- [--fresh] [--ports=auto] [--data-dir=DIR]
  --fresh        start from empty data (deletes the table, users and stream checkpoint)
  --ports=auto   use free ports instead of the fixed defaults
  --data-dir     where data, logs and outputs.json live (default .local/)`;

function banner(stack: RunningStack, seconds: number): string {
  const o = stack.outputs;
  return `
Portico is running (ready in ${seconds.toFixed(1)} s). Ctrl-C stops it.

  Portal         ${o.PortalWebUrl}        the web app partners and customers use
  Staff console  ${o.StaffWebUrl}        the CRM screens staff run the portal from (sign in as the staff user)
  API            ${o.ApiUrl}          try: curl ${o.ApiUrl}/health
  Mailbox        ${o.MailboxUrl}
  Portal login   ${o.PortalLoginUrl}/oauth2/authorize (hosted login, PKCE)
  DynamoDB       ${o.DynamoDbEndpoint}   table ${o.TableName}
  Cognito        ${o.CognitoEndpoint}
  S3 (files)     ${o.S3Endpoint}   bucket ${o.FilesBucketName}
  Staff user     ${o.StaffUsername} / ${o.StaffPassword}
  Staff token    TOKEN=$(npm run -s token) && curl -H "Authorization: Bearer $TOKEN" ${o.ApiUrl}/me

  Outputs        ${stack.outputsFile}
  Logs           ${stack.dataDir}/logs/
`;
}

/** Our parent, its parent, and so on up to (not including) init. */
function ancestorsOf(pid: number): number[] {
  const chain: number[] = [];
  for (let parent = parentOf(pid); parent !== undefined && parent > 1 && chain.length < 8; parent = parentOf(parent)) {
    chain.push(parent);
  }
  return chain;
}

async function main() {
  const { values } = parseArgs({
    options: {
      fresh: { type: 'boolean', default: false },
      ports: { type: 'string' },
      'data-dir': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return console.log(usage);
  if (values.ports !== undefined && values.ports !== 'auto') throw new Error(`--ports takes only "auto"\n${usage}`);

  const started = performance.now();
  const launching = launchLocalStack({
    fresh: values.fresh,
    ports: values.ports === 'auto' ? 'auto' : undefined,
    dataDir: values['data-dir'],
    log: (message) => console.error(message),
  });
  let stopping: Promise<void> | undefined;
  const shutdown = (why: string, code = 0) => {
    stopping ??= (async () => {
      console.log(`\nStopping Portico (${why})…`);
      // A signal during start-up waits for the start to finish, so nothing half-started is left behind.
      await (await launching.catch(() => undefined))?.stop();
      process.exit(code);
    })();
    return stopping;
  };
  process.on('SIGINT', () => void shutdown('interrupted'));
  process.on('SIGTERM', () => void shutdown('terminated'));
  process.on('SIGHUP', () => void shutdown('terminal closed'));
  // If npm (or the shell around it) is killed, stop rather than linger as an orphan holding the ports.
  const ancestors = ancestorsOf(process.pid);
  setInterval(() => {
    if (ancestors.some((pid) => !isProcessAlive(pid))) void shutdown('the process that started it exited');
  }, 1000).unref();

  const stack = await launching;
  if (stopping) return;
  console.log(banner(stack, (performance.now() - started) / 1000));
  // Keeps the event loop alive while the servers are up.
  setInterval(() => {}, 1 << 30);
}

main().catch((error: unknown) => {
  console.error(
    error instanceof AlreadyRunning ? error.message : `Portico failed to start: ${(error as Error).message}`,
  );
  process.exit(1);
});
