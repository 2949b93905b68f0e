import { AdminGetUserCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import * as provisionerConfig from '../../shared/access/provisioner-config';
import { provisionerOnDemand } from '../../shared/access/provisioner-on-demand';
import type { ProvisionerConfig } from '../../shared/access/provisioner-environment';

/**
 * Staff's access API and the Colleagues page build the provisioner (Cognito, SES, the invitation emails) on the first
 * call that needs it, not at cold start (issue 18); the environment and the branding are still refused at once.
 */
jest.mock('../../shared/access/provisioner-config', () => {
  const actual = jest.requireActual<typeof provisionerConfig>('../../shared/access/provisioner-config');
  return { ...actual, provisionerFromConfig: jest.fn(actual.provisionerFromConfig) };
});

const build = jest.mocked(provisionerConfig.provisionerFromConfig);
const config: ProvisionerConfig = {
  TABLE_NAME: 'portico',
  TIME_ZONE: 'UTC',
  PORTAL_USER_POOL_ID: 'eu-west-1_portal',
  SENDER_EMAIL: 'portal@example.com',
  PORTAL_SIGN_IN_URL: 'https://portal.example.com/',
};
const personId = 'con_00000000-0000-4000-8000-000000000001';
const cognito = mockClient(CognitoIdentityProviderClient);

beforeEach(() => {
  build.mockClear();
  cognito.reset();
  cognito.on(AdminGetUserCommand).resolves({ Username: personId, Enabled: true, UserStatus: 'CONFIRMED' });
});

const dynamo = () => new DynamoDBClient({ region: 'eu-west-1' });

it('refuses a broken branding at once, as building the provisioner at cold start did', () => {
  expect(() => provisionerOnDemand({ ...config, BRANDING: '{"organizationName": ' }, dynamo())).toThrow(SyntaxError);
  expect(() => provisionerOnDemand({ ...config, BRANDING: '{"accentColor": "red"}' }, dynamo())).toThrow(
    /BRANDING\.accentColor/,
  );
});

it('builds nothing until a call needs it, then builds once for concurrent calls, with this config and client', async () => {
  const client = dynamo();
  const { passwordReset } = provisionerOnDemand(config, client);
  expect(build).not.toHaveBeenCalled();

  const logins = await Promise.all([passwordReset.login(personId), passwordReset.login(personId)]);
  expect(logins).toEqual([expect.objectContaining({ enabled: true, status: 'CONFIRMED' }), logins[0]]);
  expect(build).toHaveBeenCalledTimes(1);
  expect(build.mock.calls[0]![0]).toBe(config);
  expect(build.mock.calls[0]![1]).toBe(client);
  expect(cognito.commandCalls(AdminGetUserCommand).map((call) => call.args[0].input)).toEqual([
    { UserPoolId: 'eu-west-1_portal', Username: personId },
    { UserPoolId: 'eu-west-1_portal', Username: personId },
  ]);

  await passwordReset.login(personId);
  expect(build).toHaveBeenCalledTimes(1);
});

it('does not keep a failed build: the next call builds again', async () => {
  const { passwordReset } = provisionerOnDemand(config, dynamo());
  build.mockImplementationOnce(() => {
    throw new Error('the build failed');
  });
  await expect(passwordReset.login(personId)).rejects.toThrow('the build failed');
  await expect(passwordReset.login(personId)).resolves.toEqual(expect.objectContaining({ status: 'CONFIRMED' }));
  expect(build).toHaveBeenCalledTimes(2);
});
