import { apiPathOf, recordResponse, takeViolations } from './contract-recorder';

/**
 * Jest setup (setupFilesAfterEnv of the integration and e2e projects): every `fetch` to the local stack's API is
 * checked against the OpenAPI document, and a test that saw an answer the document does not promise fails in its
 * `afterEach`, with the request and what was wrong. Tests that send garbage on purpose are checked too: the 4xx
 * they get must be documented.
 */

const realFetch = globalThis.fetch;

function headersOf(headers: Headers): Record<string, string> {
  const fields: Record<string, string> = {};
  headers.forEach((value, name) => (fields[name] = value));
  return fields;
}

globalThis.fetch = async function contractCheckedFetch(input: RequestInfo | URL, init?: RequestInit) {
  const response = await realFetch(input, init);
  const isRequest = typeof input === 'object' && !(input instanceof URL) && 'url' in input;
  const url = isRequest ? input.url : String(input);
  const path = apiPathOf(url);
  if (path !== undefined) {
    const method = init?.method ?? (isRequest ? input.method : 'GET');
    // A clone: the test reads the original as it would without the check.
    const body = method.toUpperCase() === 'HEAD' ? '' : await response.clone().text();
    recordResponse({
      method,
      url,
      path,
      status: response.status,
      headers: headersOf(response.headers),
      body,
    });
  }
  return response;
};

afterEach(async () => {
  const violations = await takeViolations();
  if (violations.length) {
    throw new Error(
      `The API answered outside its OpenAPI document (${violations.length}):\n${violations.map((v) => `  - ${v}`).join('\n')}`,
    );
  }
});

afterAll(async () => {
  // Answers seen after the last test (an afterAll's requests) still count.
  const violations = await takeViolations();
  if (violations.length) {
    throw new Error(`The API answered outside its OpenAPI document:\n${violations.map((v) => `  - ${v}`).join('\n')}`);
  }
});
