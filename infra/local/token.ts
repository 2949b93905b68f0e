import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CognitoIdentityProviderClient, InitiateAuthCommand } from '@aws-sdk/client-cognito-identity-provider';
import { stackName, type LocalOutputs } from '../outputs';
import { defaultDataDir } from './local-stack';
import { localCredentials, localRegion } from './local-aws';

/** `npm run -s token`: prints an access token for the local staff user, for curl and friends. */
async function main() {
  const { values } = parseArgs({
    options: { 'data-dir': { type: 'string' }, id: { type: 'boolean', default: false } },
  });
  const file = join(values['data-dir'] ?? defaultDataDir, 'outputs.json');
  const outputs = (JSON.parse(readFileSync(file, 'utf8')) as Record<string, LocalOutputs>)[stackName];
  if (!outputs) throw new Error(`${file} has no ${stackName} outputs; is \`npm start\` running?`);
  const cognito = new CognitoIdentityProviderClient({
    endpoint: outputs.CognitoEndpoint,
    region: localRegion,
    credentials: localCredentials,
  });
  const result = await cognito.send(
    new InitiateAuthCommand({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: outputs.StaffClientId,
      AuthParameters: { USERNAME: outputs.StaffUsername, PASSWORD: outputs.StaffPassword },
    }),
  );
  const token = values.id ? result.AuthenticationResult?.IdToken : result.AuthenticationResult?.AccessToken;
  if (!token) throw new Error('Cognito returned no token');
  console.log(token);
}

main().catch((error: unknown) => {
  console.error(`Could not get a staff token: ${(error as Error).message}`);
  process.exit(1);
});
