import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnLocalStack, untilReady, type StackProcess } from '../../infra/local/stack-process';

declare global {
  var porticoStack: StackProcess | undefined;
}

/** One local stack for the whole integration run: free ports, fresh data, the same launcher as `npm start`. */
export default async function globalSetup() {
  const dataDir = mkdtempSync(join(tmpdir(), 'portico-it-'));
  const stack = spawnLocalStack(dataDir, ['--fresh']);
  globalThis.porticoStack = stack;
  await untilReady(stack);
  // Workers start after this and inherit the environment.
  process.env.PORTICO_DATA_DIR = dataDir;
}
