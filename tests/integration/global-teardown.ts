import { rmSync } from 'node:fs';
import { stopLocalStack } from '../../infra/local/stack-process';

export default async function globalTeardown() {
  const stack = globalThis.porticoStack;
  if (!stack) return;
  const code = await stopLocalStack(stack);
  if (code !== 0) console.error(`Local stack exited with ${code}:\n${stack.output()}`);
  rmSync(stack.dataDir, { recursive: true, force: true });
}
