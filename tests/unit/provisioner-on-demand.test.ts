import { AdminGetUserCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';
import * as loginPasswordReset from '../../shared/access/login-password-reset';
import * as provisionerConfig from '../../shared/access/provisioner-config';
import { provisionerOnDemand } from '../../shared/access/provisioner-on-demand';
import type { ProvisionerConfig } from '../../shared/access/provisioner-environment';
import type { Provisioner } from '../../shared/access/provisioning';
import { brandingFromEnvironment } from '../../shared/branding/branding';
import { parse, repoRoot } from './support/import-graph';

/**
 * Staff's access API and the Colleagues page build the provisioner (Cognito, SES, the invitation emails) on the first
 * call that needs it, not at cold start (issue 18); the environment and the branding are still refused at once.
 */
jest.mock('../../shared/access/provisioner-config', () => {
  const actual = jest.requireActual<typeof provisionerConfig>('../../shared/access/provisioner-config');
  return { ...actual, provisionerFromConfig: jest.fn(actual.provisionerFromConfig) };
});
jest.mock('../../shared/access/login-password-reset', () => {
  const actual = jest.requireActual<typeof loginPasswordReset>('../../shared/access/login-password-reset');
  return { ...actual, createLoginPasswordReset: jest.fn(actual.createLoginPasswordReset) };
});

const build = jest.mocked(provisionerConfig.provisionerFromConfig);
const createReset = jest.mocked(loginPasswordReset.createLoginPasswordReset);
const config: ProvisionerConfig = {
  TABLE_NAME: 'portico',
  TIME_ZONE: 'UTC',
  PORTAL_USER_POOL_ID: 'eu-west-1_portal',
  SENDER_EMAIL: 'portal@example.com',
  PORTAL_SIGN_IN_URL: 'https://portal.example.com/',
  BRANDING: '{"organizationName":"Acme"}',
};
const personId = 'con_00000000-0000-4000-8000-000000000001';
const cognito = mockClient(CognitoIdentityProviderClient);

beforeEach(() => {
  build.mockClear();
  createReset.mockClear();
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

it('builds nothing until a call needs it, then once for concurrent calls, with what the function gave it', async () => {
  const client = dynamo();
  const waitUntil = () => 1_000;
  const { passwordReset } = provisionerOnDemand(config, client, waitUntil);
  expect(build).not.toHaveBeenCalled();

  const logins = await Promise.all([passwordReset.login(personId), passwordReset.login(personId)]);
  expect(logins).toEqual([expect.objectContaining({ enabled: true, status: 'CONFIRMED' }), logins[0]]);
  expect(build.mock.calls).toEqual([[config, client, waitUntil, brandingFromEnvironment(config.BRANDING)]]);
  // Cognito's password reset uses the built (paced) Cognito client and the portal pool.
  expect(createReset.mock.calls).toEqual([
    [{ cognito: build.mock.results[0]!.value.cognito, userPoolId: 'eu-west-1_portal' }],
  ]);
  expect(cognito.commandCalls(AdminGetUserCommand).map((call) => call.args[0].input)).toEqual([
    { UserPoolId: 'eu-west-1_portal', Username: personId },
    { UserPoolId: 'eu-west-1_portal', Username: personId },
  ]);

  await passwordReset.login(personId);
  expect(build).toHaveBeenCalledTimes(1);
});

it('forwards every call to the built provisioner and password reset, with its arguments and answer', async () => {
  const built = {
    reconcilePerson: jest.fn(async () => ({ status: 'active' })),
    recordFailure: jest.fn(async () => undefined),
    sendEmail: jest.fn(async () => 'message-1'),
  };
  const reset = { login: jest.fn(async () => undefined), reset: jest.fn(async () => undefined) };
  build.mockImplementationOnce((...args) => ({
    ...jest
      .requireActual<typeof provisionerConfig>('../../shared/access/provisioner-config')
      .provisionerFromConfig(...args),
    provisioner: built as unknown as Provisioner,
  }));
  createReset.mockReturnValueOnce(reset);
  const { provisioner, passwordReset } = provisionerOnDemand(config, dynamo());

  await expect(provisioner.reconcilePerson(personId, 'staff:sub-1')).resolves.toEqual({ status: 'active' });
  expect(built.reconcilePerson).toHaveBeenCalledWith(personId, 'staff:sub-1');
  const failure = new Error('Cognito said no');
  await provisioner.recordFailure(personId, failure);
  expect(built.recordFailure).toHaveBeenCalledWith(personId, failure);
  const email = { subject: 'Welcome' } as unknown as Parameters<Provisioner['sendEmail']>[2];
  await expect(provisioner.sendEmail(personId, 'ann@example.com', email, 'invitation')).resolves.toBe('message-1');
  expect(built.sendEmail).toHaveBeenCalledWith(personId, 'ann@example.com', email, 'invitation');
  await expect(passwordReset.login(personId)).resolves.toBeUndefined();
  expect(reset.login).toHaveBeenCalledWith(personId);
  await passwordReset.reset(personId);
  expect(reset.reset).toHaveBeenCalledWith(personId);
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

/**
 * The files a bundle evaluates at load: those reached by value imports (static `import`, `export … from`). A module
 * only `import()`ed is evaluated when the call runs; a type-only import is erased.
 */
function loadedAtColdStart(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const statement of parse(file).statements) {
      if (!(ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement))) continue;
      const specifier = statement.moduleSpecifier;
      if (!specifier || !ts.isStringLiteral(specifier)) continue;
      if (ts.isImportDeclaration(statement)) {
        const clause = statement.importClause;
        const named = clause?.namedBindings;
        const onlyTypes =
          clause?.isTypeOnly ||
          (clause &&
            !clause.name &&
            named &&
            ts.isNamedImports(named) &&
            named.elements.length > 0 &&
            named.elements.every((element) => element.isTypeOnly));
        if (onlyTypes) continue;
      } else if (statement.isTypeOnly) continue;
      if (!specifier.text.startsWith('.')) {
        packages.add(specifier.text);
        continue;
      }
      const resolved = ts.resolveModuleName(
        specifier.text,
        join(repoRoot, file),
        { allowJs: true },
        ts.sys,
      ).resolvedModule;
      const target = resolved
        ? relative(repoRoot, resolved.resolvedFileName).split('\\').join('/')
        : join(dirname(file), specifier.text);
      visit(target);
    }
  };
  visit(entry);
  return { files, packages };
}

const cognitoAndSes = ['shared/aws/client-cognito-identity-provider.ts', 'shared/aws/client-sesv2.ts'];

it.each(['functions/portal-access-api.ts', 'functions/portal-colleagues.ts'])(
  '%s loads neither Cognito nor SES at cold start',
  (entry) => {
    const { files, packages } = loadedAtColdStart(entry);
    expect(files.has('shared/access/provisioner-on-demand.ts')).toBe(true);
    expect(cognitoAndSes.filter((file) => files.has(file))).toEqual([]);
    expect([...packages].filter((name) => /client-(cognito|sesv2)/.test(name))).toEqual([]);
  },
);

it('the stream controller, whose every call provisions, loads both at cold start (the check above can see them)', () => {
  const { files } = loadedAtColdStart('functions/portal-access-controller.ts');
  expect(cognitoAndSes.filter((file) => files.has(file))).toEqual(cognitoAndSes);
});
