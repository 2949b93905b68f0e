import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { localCredentials, localRegion } from '../../infra/local/local-aws';
import type { LocalOutputs } from '../../infra/outputs';
import { hostedLogin } from './hosted-login';
import { mailbox } from './mailbox';
import { stackOutputs } from './outputs';
import { portalUsers } from './portal-users';
import { staffApi, type StaffApi } from './staff-api';

/** What an integration test file reaches the local stack with. */
export interface LocalStackContext {
  outputs: LocalOutputs;
  /** Staff's API, signed in as a staff user. */
  api: StaffApi;
  users: ReturnType<typeof portalUsers>;
  mail: ReturnType<typeof mailbox>;
  hosted: ReturnType<typeof hostedLogin>;
  /** The Cognito API of cognito-local, as a client of the portal pool calls it. */
  cognito: CognitoIdentityProviderClient;
}

/**
 * The local stack's outputs and the clients a test file uses, made in a `beforeAll` and closed in an `afterAll` it
 * registers; read the fields inside tests and hooks (they are filled when the stack is up, not at import).
 */
export function localStackContext(): LocalStackContext {
  const context = {} as LocalStackContext;
  beforeAll(async () => {
    const outputs = stackOutputs();
    context.outputs = outputs;
    context.api = await staffApi(outputs);
    context.users = portalUsers(outputs);
    context.mail = mailbox(outputs.SesEndpoint);
    context.hosted = hostedLogin(outputs);
    context.cognito = new CognitoIdentityProviderClient({
      endpoint: outputs.CognitoEndpoint,
      region: localRegion,
      credentials: localCredentials,
    });
  });
  afterAll(() => {
    context.users?.close();
    context.cognito?.destroy();
  });
  return context;
}
