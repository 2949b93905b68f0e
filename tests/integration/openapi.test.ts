import type { LocalOutputs } from '../../infra/outputs';
import { routeTable } from '../../shared/declarations/functions';
import { stackOutputs } from '../support/outputs';
import { staffAccessToken } from '../support/tokens';

let outputs: LocalOutputs;
beforeAll(() => {
  outputs = stackOutputs();
});

describe('GET /openapi.json', () => {
  it('answers anyone, without a token, with the OpenAPI 3.1 document of every route', async () => {
    const response = await fetch(`${outputs.ApiUrl}/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('cache-control')).toBe('max-age=300');
    const document = (await response.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(document.openapi).toBe('3.1.0');
    for (const route of routeTable()) expect(document.paths[route.path]).toHaveProperty(route.method.toLowerCase());
  });

  it('answers a caller with a token alike (a staff console may send one)', async () => {
    const token = await staffAccessToken(outputs);
    const response = await fetch(`${outputs.ApiUrl}/openapi.json`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
  });

  it('is served on the web app origin beside the API reference page', async () => {
    const response = await fetch(new URL('openapi.json', outputs.PortalWebUrl));
    expect(response.status).toBe(200);
    expect(((await response.json()) as { openapi: string }).openapi).toBe('3.1.0');
  });
});
