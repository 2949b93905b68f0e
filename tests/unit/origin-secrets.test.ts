import type { AddressInfo } from 'node:net';
import { secretsManagerOriginSecrets } from '../../shared/http/origin-secrets';
import { createSecretsEndpoint, type LocalSecrets } from '../../infra/local/secrets-endpoint';
import { localCredentials, localRegion } from '../../infra/local/local-aws';

/** The portal API's reader of the origin secret, through its real SDK client, against the local stand-in. */
let secrets: LocalSecrets;
const saved = { ...process.env };
beforeAll(async () => {
  secrets = createSecretsEndpoint();
  await new Promise<void>((resolve) => secrets.server.listen(0, '127.0.0.1', resolve));
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${(secrets.server.address() as AddressInfo).port}`,
    AWS_REGION: localRegion,
    AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
  });
});
afterAll(async () => {
  process.env = saved;
  secrets.server.closeAllConnections();
  await new Promise((resolve) => secrets.server.close(resolve));
});

describe('secretsManagerOriginSecrets', () => {
  it('reads the current value, and after a change the new current and the previous one', async () => {
    const read = secretsManagerOriginSecrets('origin-test');
    secrets.put('origin-test', 'first');
    expect(await read()).toEqual(['first']);
    secrets.put('origin-test', 'second');
    expect(await read()).toEqual(['second', 'first']);
    secrets.put('origin-test', 'third');
    expect(await read()).toEqual(['third', 'second']);
  });

  it('fails when the secret does not exist (a broken deployment, not "no secret")', async () => {
    await expect(secretsManagerOriginSecrets('no-such-secret')()).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });
});
