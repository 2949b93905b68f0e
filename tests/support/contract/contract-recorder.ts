import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { portalWebApiPaths } from '../../../infra/portal-web';
import { apiPathOf as staffConsoleApiPathOf } from '../../../infra/staff-console';
import { stackOutputs } from '../outputs';
import { readContractValidators } from './contract-validators';
import { responseContract, type ObservedResponse, type ResponseContract } from './response-contract';

/**
 * What the API answered in this test file, checked against the document. The fetch hook (contract-hook.ts) and the
 * browser (tests/e2e/browser.ts) record each answer of the local stack's API here; the hook's `afterEach` fails the
 * test that saw a violation, naming the request. With `CONTRACT_VIOLATIONS_FILE` set, every violation is also
 * appended there as a JSON line (a list to work through, across files).
 */

interface Target {
  readonly contract: ResponseContract;
  readonly apiOrigin: string;
  readonly webOrigin: string;
  /** The staff console's origin, which forwards `/api/*` to the API without the prefix. */
  readonly staffWebOrigin: string | undefined;
}

let target: Target | undefined;
const violations: string[] = [];
const pending = new Set<Promise<unknown>>();

/** The contract and where the API answers: the stack the integration global setup started. */
function targetOf(): Target | undefined {
  const dataDir = process.env.PORTICO_DATA_DIR;
  if (!dataDir) return undefined;
  if (!target) {
    const outputs = stackOutputs();
    const { document, validatorFor } = readContractValidators(join(dataDir, 'contract'));
    target = {
      contract: responseContract(document, validatorFor),
      apiOrigin: new URL(outputs.ApiUrl).origin,
      webOrigin: new URL(outputs.PortalWebUrl).origin,
      staffWebOrigin: outputs.StaffWebUrl ? new URL(outputs.StaffWebUrl).origin : undefined,
    };
  }
  return target;
}

const webApiPrefixes = portalWebApiPaths.map((pattern) => pattern.replace(/\*$/, ''));

/**
 * The API path a URL names, on the API's origin or a browser app's (which forwards its API paths: the portal's as
 * they are, the console's without `/api`); else undefined.
 */
export function apiPathOf(url: string): string | undefined {
  const stack = targetOf();
  if (!stack) return undefined;
  const parsed = new URL(url);
  if (parsed.origin === stack.apiOrigin) return parsed.pathname;
  if (parsed.origin === stack.webOrigin && webApiPrefixes.some((prefix) => parsed.pathname.startsWith(prefix)))
    return parsed.pathname;
  if (parsed.origin === stack.staffWebOrigin) return staffConsoleApiPathOf(parsed.pathname);
  return undefined;
}

/** Checks one answer of the API and keeps what is wrong with it, labelled with the request and the test. */
export function recordResponse(observed: ObservedResponse & { readonly url: string }): void {
  const stack = targetOf();
  if (!stack) return;
  const found = stack.contract.check(observed);
  if (!found.length) return;
  const test = expect.getState().currentTestName ?? '(outside a test: a beforeAll or afterAll hook)';
  const request = `${observed.method.toUpperCase()} ${observed.url} → ${observed.status}`;
  for (const violation of found) violations.push(`${request}: ${violation}`);
  const file = process.env.CONTRACT_VIOLATIONS_FILE;
  if (file) {
    const lines = found.map((violation) =>
      JSON.stringify({
        testPath: expect.getState().testPath,
        test,
        request,
        violation,
        body: observed.body.slice(0, 500),
      }),
    );
    appendFileSync(file, lines.join('\n') + '\n');
  }
}

/** An answer still being read (a browser's): `takeViolations` waits for it. */
export function trackPending(work: Promise<unknown>): void {
  pending.add(work);
  void work.finally(() => pending.delete(work));
}

/** The violations recorded since the last call, once every answer still being read is in. */
export async function takeViolations(): Promise<string[]> {
  while (pending.size) await Promise.allSettled([...pending]);
  return violations.splice(0);
}
