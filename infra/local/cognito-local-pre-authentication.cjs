/**
 * Cognito's PreAuthentication trigger, which cognito-local lacks (loaded by cognito-local-extensions.cjs, inside the
 * cognito-local process). Cognito runs it when someone signs in, before it looks at the password, so a trigger that
 * refuses gives the same answer whatever password was typed. Here it runs, as there:
 *
 * - in InitiateAuth with USER_PASSWORD_AUTH, before cognito-local's own user and password checks;
 * - in the hosted login's sign-in form (cognito-local-hosted-login.cjs calls `preAuthenticationRefusal`).
 *
 * A refusal reads as Cognito words it: UserLambdaValidationException, "PreAuthentication failed with error
 * <message>.". For a name no user has, the trigger runs only when the app client prevents user existence errors,
 * with `userNotFound: true` (Portico's trigger then lets it pass, and the answer is the usual wrong-password one).
 */
const path = require('node:path');

const lib = path.dirname(require.resolve('cognito-local/lib/index.js'));
const { Targets } = require(path.join(lib, 'targets', 'targets.js'));
const { UnexpectedLambdaExceptionError, UserLambdaValidationError } = require(path.join(lib, 'errors.js'));
const { attributesToRecord } = require(path.join(lib, 'services', 'userPoolService.js'));

/** Runs the trigger for a sign-in attempt; answers Cognito's error message if it refused, else undefined. */
async function preAuthenticationRefusal(services, ctx, { userPool, client, username, user, clientMetadata }) {
  const lambda = services.triggers.lambda;
  if (!services.triggers.enabled('PreAuthentication')) return undefined;
  const preventsExistenceErrors = client.PreventUserExistenceErrors === 'ENABLED';
  if (!user && !preventsExistenceErrors) return undefined;
  const event = {
    version: '1',
    region: 'local',
    userPoolId: userPool.options.Id,
    userName: user ? user.Username : username,
    callerContext: { awsSdkVersion: 'cognito-local', clientId: client.ClientId },
    triggerSource: 'PreAuthentication_Authentication',
    request: {
      userAttributes: user ? attributesToRecord(user.Attributes) : {},
      validationData: clientMetadata,
      ...(preventsExistenceErrors ? { userNotFound: !user } : {}),
    },
    response: {},
  };
  let result;
  try {
    result = await lambda.lambdaClient
      .invoke({
        FunctionName: lambda.config.PreAuthentication,
        InvocationType: 'RequestResponse',
        Payload: JSON.stringify(event),
      })
      .promise();
  } catch (error) {
    ctx.logger.error(error, 'PreAuthentication could not be invoked');
    throw new UnexpectedLambdaExceptionError();
  }
  if (!result.FunctionError) return undefined;
  let message = result.FunctionError;
  try {
    message = JSON.parse(result.Payload).errorMessage ?? message;
  } catch {
    // Not JSON: Cognito then names the function error itself.
  }
  return `PreAuthentication failed with error ${message}.`;
}

const initiateAuth = Targets.InitiateAuth;
Targets.InitiateAuth = (services) => {
  const original = initiateAuth(services);
  return async (ctx, req) => {
    if (req.AuthFlow === 'USER_PASSWORD_AUTH' && req.AuthParameters?.USERNAME) {
      const client = await services.cognito.getAppClient(ctx, req.ClientId);
      // An unknown client is refused by cognito-local's own checks, as Cognito refuses it.
      if (client) {
        const userPool = await services.cognito.getUserPoolForClientId(ctx, req.ClientId);
        const username = req.AuthParameters.USERNAME;
        const refusal = await preAuthenticationRefusal(services, ctx, {
          userPool,
          client,
          username,
          user: await userPool.getUserByUsername(ctx, username),
          clientMetadata: req.ClientMetadata,
        });
        if (refusal) throw new UserLambdaValidationError(refusal);
      }
    }
    return original(ctx, req);
  };
};

module.exports = { preAuthenticationRefusal };
