import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnLocalStack, untilReady, type StackProcess } from '../../infra/local/stack-process';
import { routeTable } from '../../shared/declarations/functions';
import { modules } from '../../shared/modules/registry';
import { buildOpenApiDocument } from '../../shared/openapi/openapi-document';
import { writeContractValidators } from '../support/contract/contract-validators';

declare global {
  var porticoStack: StackProcess | undefined;
}

/** One local stack for the whole integration run: free ports, fresh data, the same launcher as `npm start`. */
export default async function globalSetup() {
  // A stack someone else runs and stops (the Prism conformance check puts its proxy in front of it), else our own.
  const existing = process.env.PORTICO_EXISTING_STACK_DIR;
  const dataDir = existing ?? mkdtempSync(join(tmpdir(), 'portico-it-'));
  const stack = existing ? undefined : spawnLocalStack(dataDir, ['--fresh']);
  globalThis.porticoStack = stack;
  // The contract check's validators, compiled once for the whole run while the stack starts (contract-hook.ts).
  const contractDir = join(dataDir, 'contract');
  mkdirSync(contractDir, { recursive: true });
  writeContractValidators(buildOpenApiDocument({ routes: routeTable(), modules }), contractDir);
  if (stack) await untilReady(stack);
  // Workers start after this and inherit the environment.
  process.env.PORTICO_DATA_DIR = dataDir;
}
