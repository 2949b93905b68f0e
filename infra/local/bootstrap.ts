import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  UpdateUserPoolClientCommand,
  UpdateUserPoolCommand,
  UserNotFoundException,
  type CognitoIdentityProviderClient,
  type CreateUserPoolClientCommandInput,
  type UpdateUserPoolCommandInput,
} from '@aws-sdk/client-cognito-identity-provider';
import { portalCodeEmail } from '../../shared/access/portal-code-email';
import { tableDesign } from '../../shared/data/table-design';
import { userPools, type UserPoolDeclaration } from '../../shared/security/user-pools';
import { waitFor } from './managed-process';

/**
 * Idempotent bootstrap of the local stack: creates what is missing, converges what drifted, and never
 * deletes data. Safe to run at every start.
 */

export async function ensureTable(dynamo: DynamoDBClient, tableName: string): Promise<TableDescription> {
  let table = await describeTable(dynamo, tableName);
  if (!table) {
    const attributes = new Set<string>([tableDesign.partitionKey, tableDesign.sortKey]);
    for (const index of tableDesign.globalSecondaryIndexes) {
      attributes.add(index.partitionKey).add(index.sortKey);
    }
    await dynamo.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [...attributes].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
        KeySchema: [
          { AttributeName: tableDesign.partitionKey, KeyType: 'HASH' },
          { AttributeName: tableDesign.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: tableDesign.globalSecondaryIndexes.map(indexSpec),
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );
  } else {
    await addMissingIndexes(dynamo, tableName, table);
  }
  const ttl = await dynamo.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
  if (ttl.TimeToLiveDescription?.TimeToLiveStatus !== 'ENABLED') {
    await dynamo.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: tableDesign.ttlAttribute, Enabled: true },
      }),
    );
  }
  await waitFor(
    async () => {
      table = await describeTable(dynamo, tableName);
      return (
        table?.TableStatus === 'ACTIVE' && (table.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === 'ACTIVE')
      );
    },
    30_000,
    `table ${tableName} to become active`,
  );
  if (!table?.LatestStreamArn) throw new Error(`Table ${tableName} has no stream`);
  return table;
}

function indexSpec(index: (typeof tableDesign.globalSecondaryIndexes)[number]) {
  return {
    IndexName: index.indexName,
    KeySchema: [
      { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
    ],
    Projection: { ProjectionType: 'ALL' as const },
  };
}

/** A table made by an older checkout gains the indexes declared since (one per UpdateTable, as DynamoDB requires). */
async function addMissingIndexes(dynamo: DynamoDBClient, tableName: string, table: TableDescription) {
  const existing = new Set((table.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
  for (const index of tableDesign.globalSecondaryIndexes.filter((i) => !existing.has(i.indexName))) {
    await dynamo.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [
          { AttributeName: index.partitionKey, AttributeType: 'S' },
          { AttributeName: index.sortKey, AttributeType: 'S' },
        ],
        GlobalSecondaryIndexUpdates: [{ Create: indexSpec(index) }],
      }),
    );
  }
}

async function describeTable(dynamo: DynamoDBClient, tableName: string): Promise<TableDescription | undefined> {
  try {
    return (await dynamo.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

export interface PoolIds {
  readonly userPoolId: string;
  readonly clientId: string;
}

export interface PoolOptions {
  /** Hosted login redirect targets; only for pools with a hosted login. */
  readonly callbackUrls: readonly string[];
  readonly logoutUrls: readonly string[];
  /** Codes this pool emails (forgot password, admin reset): the local mailbox's sender and the organization named. */
  readonly codeEmail?: { readonly senderEmail: string; readonly organizationName: string };
}

export async function ensureUserPool(
  cognito: CognitoIdentityProviderClient,
  pool: UserPoolDeclaration,
  options: PoolOptions,
): Promise<PoolIds> {
  // What CreateUserPool and UpdateUserPool share; UpdateUserPool resets whatever it is not given, as Cognito does.
  const message = options.codeEmail ? portalCodeEmail(options.codeEmail.organizationName) : undefined;
  const poolSettings: Omit<UpdateUserPoolCommandInput, 'UserPoolId'> = {
    AutoVerifiedAttributes: ['email'],
    MfaConfiguration: pool.mfa === 'off' ? 'OFF' : 'OPTIONAL',
    Policies: {
      PasswordPolicy: {
        MinimumLength: pool.passwordMinLength,
        RequireLowercase: true,
        RequireUppercase: true,
        RequireNumbers: true,
        RequireSymbols: true,
        TemporaryPasswordValidityDays: pool.temporaryPasswordValidityDays,
      },
    },
    AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
    // As the cloud pool (infra/cdk/identity.ts); the local delivery (cognito-local-client-rules.cjs) reads both.
    ...(options.codeEmail && message
      ? {
          EmailConfiguration: {
            EmailSendingAccount: 'DEVELOPER',
            From: `${options.codeEmail.organizationName} <${options.codeEmail.senderEmail}>`,
          },
          VerificationMessageTemplate: {
            DefaultEmailOption: 'CONFIRM_WITH_CODE',
            EmailSubject: message.subject,
            EmailMessage: message.body,
          },
        }
      : {}),
  };
  const pools = await cognito.send(new ListUserPoolsCommand({ MaxResults: 60 }));
  let userPoolId = pools.UserPools?.find((p) => p.Name === pool.poolName)?.Id;
  if (userPoolId) {
    await assertSignInSettings(cognito, userPoolId, pool);
    await cognito.send(new UpdateUserPoolCommand({ UserPoolId: userPoolId, ...poolSettings }));
  } else {
    const created = await cognito.send(
      new CreateUserPoolCommand({
        PoolName: pool.poolName,
        ...(pool.signInAliases.includes('preferred_username')
          ? { AliasAttributes: [...pool.signInAliases] }
          : { UsernameAttributes: ['email'] }),
        ...poolSettings,
      }),
    );
    userPoolId = created.UserPool?.Id;
    if (!userPoolId) throw new Error(`cognito-local did not return an id for ${pool.poolName}`);
  }
  const clientId = await ensureClient(cognito, userPoolId, pool, pool.clientName, pool.hostedLogin, options);
  return { userPoolId, clientId };
}

/** One app client of a pool, created or converged to the declaration: the API client, or a hosted login's. */
async function ensureClient(
  cognito: CognitoIdentityProviderClient,
  userPoolId: string,
  pool: UserPoolDeclaration,
  clientName: string,
  hostedLogin: boolean,
  options: PoolOptions,
): Promise<string> {
  const clientSettings: Omit<CreateUserPoolClientCommandInput, 'UserPoolId' | 'ClientName'> = {
    GenerateSecret: false,
    // Locally the password flow stands in for SRP, which cognito-local does not implement.
    ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    AccessTokenValidity: pool.accessTokenValidityMinutes,
    IdTokenValidity: pool.idTokenValidityMinutes,
    RefreshTokenValidity: pool.refreshTokenValidityDays,
    TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'days' },
    PreventUserExistenceErrors: 'ENABLED',
    // As in the cloud: a user's own token writes none of the attributes that name or reach them.
    WriteAttributes: [...pool.clientWriteAttributes],
    ...(hostedLogin
      ? {
          AllowedOAuthFlowsUserPoolClient: true,
          AllowedOAuthFlows: ['code'],
          AllowedOAuthScopes: ['openid', 'email', 'profile'],
          SupportedIdentityProviders: ['COGNITO'],
          CallbackURLs: [...options.callbackUrls],
          LogoutURLs: [...options.logoutUrls],
        }
      : {}),
  };
  const clients = await cognito.send(new ListUserPoolClientsCommand({ UserPoolId: userPoolId, MaxResults: 60 }));
  let clientId = clients.UserPoolClients?.find((c) => c.ClientName === clientName)?.ClientId;
  if (clientId) {
    await cognito.send(
      new UpdateUserPoolClientCommand({
        UserPoolId: userPoolId,
        ClientId: clientId,
        ClientName: clientName,
        ...clientSettings,
      }),
    );
  } else {
    const created = await cognito.send(
      new CreateUserPoolClientCommand({ UserPoolId: userPoolId, ClientName: clientName, ...clientSettings }),
    );
    clientId = created.UserPoolClient?.ClientId;
    if (!clientId) throw new Error(`cognito-local did not return a client id for ${clientName}`);
  }
  return clientId;
}

/** Sign-in attributes are fixed when a pool is created; a pool made by an older checkout must be recreated. */
async function assertSignInSettings(
  cognito: CognitoIdentityProviderClient,
  userPoolId: string,
  pool: UserPoolDeclaration,
) {
  const { UserPool: existing } = await cognito.send(new DescribeUserPoolCommand({ UserPoolId: userPoolId }));
  const wantsAliases = pool.signInAliases.includes('preferred_username');
  const actual = wantsAliases ? existing?.AliasAttributes : existing?.UsernameAttributes;
  const expected = wantsAliases ? pool.signInAliases : ['email'];
  const otherMode = wantsAliases ? existing?.UsernameAttributes : existing?.AliasAttributes;
  if ([...(actual ?? [])].sort().join() !== [...expected].sort().join() || (otherMode?.length ?? 0) > 0) {
    throw new Error(
      `The local user pool ${pool.poolName} was created with other sign-in settings than shared/security/user-pools.ts declares. ` +
        'Start from empty data with `npm start -- --fresh`.',
    );
  }
}

export async function ensureUserPools(
  cognito: CognitoIdentityProviderClient,
  portal: PoolOptions,
  staffConsole: PoolOptions,
) {
  // Staff codes stay with Cognito's own sender in the cloud too.
  const staff = await ensureUserPool(cognito, userPools.staff, { callbackUrls: [], logoutUrls: [] });
  // The staff console signs in through the staff pool's hosted login, with a client of its own.
  const consoleClientId = await ensureClient(
    cognito,
    staff.userPoolId,
    userPools.staff,
    userPools.staff.consoleClientName,
    true,
    staffConsole,
  );
  return {
    staff,
    staffConsole: { userPoolId: staff.userPoolId, clientId: consoleClientId },
    portal: await ensureUserPool(cognito, userPools.portal, portal),
  };
}

/** The local staff user; its password is set (again) every start so the outputs file always tells the truth. */
export async function ensureStaffUser(
  cognito: CognitoIdentityProviderClient,
  userPoolId: string,
  username: string,
  password: string,
): Promise<void> {
  try {
    await cognito.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username }));
  } catch (error) {
    if (!(error instanceof UserNotFoundException) && (error as Error).name !== 'UserNotFoundException') throw error;
    await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: userPoolId,
        Username: username,
        MessageAction: 'SUPPRESS',
        UserAttributes: [
          { Name: 'email', Value: username },
          { Name: 'email_verified', Value: 'true' },
        ],
      }),
    );
  }
  await cognito.send(
    new AdminSetUserPasswordCommand({
      UserPoolId: userPoolId,
      Username: username,
      Password: password,
      Permanent: true,
    }),
  );
}
