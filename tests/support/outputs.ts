import type { LocalOutputs } from '../../infra/outputs';
import { readOutputs } from '../../infra/local/stack-process';

/**
 * The outputs of the stack the integration global setup started. `PORTICO_API_URL_OVERRIDE` sends the tests' API
 * calls through a proxy in front of it instead (scripts/conformance-prism.ts).
 */
export function stackOutputs(): LocalOutputs {
  const dataDir = process.env.PORTICO_DATA_DIR;
  if (!dataDir) throw new Error("PORTICO_DATA_DIR is unset: run integration tests through jest's integration project");
  const outputs = readOutputs(dataDir);
  const apiUrl = process.env.PORTICO_API_URL_OVERRIDE;
  return apiUrl ? { ...outputs, ApiUrl: apiUrl } : outputs;
}
