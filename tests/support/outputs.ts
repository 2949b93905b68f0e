import type { LocalOutputs } from '../../infra/outputs';
import { readOutputs } from '../../infra/local/stack-process';

/** The outputs of the stack the integration global setup started. */
export function stackOutputs(): LocalOutputs {
  const dataDir = process.env.PORTICO_DATA_DIR;
  if (!dataDir) throw new Error("PORTICO_DATA_DIR is unset: run integration tests through jest's integration project");
  return readOutputs(dataDir);
}
