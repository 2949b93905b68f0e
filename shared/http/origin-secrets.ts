import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { OriginSecrets } from './origin-verify';

/** Secrets Manager's labels for a secret's value now and its value before the last change. */
const stages = ['AWSCURRENT', 'AWSPREVIOUS'] as const;

/**
 * Reads the origin secret's current and previous values from Secrets Manager, so CloudFront may send either while
 * a rotation reaches its edge locations. The SDK client is imported and created on the first read, not at cold
 * start: only a request that carries the origin header (a signature through the web app) ever needs it.
 */
export function secretsManagerOriginSecrets(secretId: string): () => Promise<OriginSecrets> {
  let client: Promise<{ client: SecretsManagerClient; sdk: typeof import('@aws-sdk/client-secrets-manager') }>;
  return async () => {
    client ??= import('@aws-sdk/client-secrets-manager').then((sdk) => ({
      sdk,
      client: new sdk.SecretsManagerClient({}),
    }));
    const { sdk, client: secrets } = await client;
    const values = await Promise.all(
      stages.map(async (stage) => {
        try {
          const answer = await secrets.send(new sdk.GetSecretValueCommand({ SecretId: secretId, VersionStage: stage }));
          return answer.SecretString ?? '';
        } catch (error) {
          // A secret never changed has no previous value; a missing current one is a broken deployment.
          if (stage === 'AWSPREVIOUS' && (error as Error).name === 'ResourceNotFoundException') return '';
          throw error;
        }
      }),
    );
    return values.filter((value) => value.length > 0);
  };
}
