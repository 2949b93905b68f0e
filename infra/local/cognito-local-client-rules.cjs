/**
 * What Cognito refuses or keeps to itself and cognito-local did not (required by cognito-local-extensions.cjs, inside
 * the cognito-local process). Each rule answers as Cognito does, with its error names and messages.
 *
 * 1. Write attributes: a user's own access token writes (UpdateUserAttributes) or deletes (DeleteUserAttributes) only
 *    attributes its app client's WriteAttributes list; anything else is NotAuthorizedException "A client attempted to
 *    write unauthorized attribute" and changes nothing. An empty list means every standard attribute, as in Cognito.
 * 2. SignUp on a pool with AllowAdminCreateUserOnly: NotAuthorizedException "SignUp is not permitted for this user pool".
 * 3. Codes go to the local mail server, never to the log: every message cognito-local sends (ForgotPassword,
 *    AdminResetUserPassword, attribute verification, an unsuppressed AdminCreateUser) is an email sent through the
 *    local SES API (PORTICO_SES_ENDPOINT), worded by the pool's templates and sent From its EmailConfiguration.
 *    cognito-local's own delivery printed each code into its log.
 * 4. ForgotPassword and ConfirmForgotPassword as Cognito: with PreventUserExistenceErrors an unknown user gets the same
 *    answer as a known one; a disabled user, one who never chose a password, or one without a verified email gets no
 *    code; the destination is masked; the code works for one hour, once; the new password must meet the pool's policy.
 * 5. AdminResetUserPassword (unsupported there): the login becomes RESET_REQUIRED (sign-in answers
 *    PasswordResetRequiredException) and the code goes by email, as ForgotPassword's does.
 * 6. Error answers are Cognito-shaped JSON (`__type`, `message`): never an Express page with a stack trace, never an
 *    empty object for an unexpected error. The stack goes to the log only.
 */
const path = require('node:path');
const { Buffer } = require('node:buffer');

// Node's own, not declared to the linter for CommonJS files.
const { fetch, AbortSignal } = globalThis;

const lib = path.dirname(require.resolve('cognito-local/lib/index.js'));
const { Targets } = require(path.join(lib, 'targets', 'targets.js'));
const errors = require(path.join(lib, 'errors.js'));
const { MessagesService } = require(path.join(lib, 'services', 'messages.js'));
const { CognitoServiceFactoryImpl } = require(path.join(lib, 'services', 'cognitoService.js'));
const { passwordPolicy, policyProblem } = require('./cognito-local-hosted-login.cjs');

const { CognitoError, NotAuthorizedError, UserNotFoundError, InvalidParameterError, UnsupportedError } = errors;

/** Cognito's forgot-password codes work for one hour. */
const codeLifetimeMs = 60 * 60_000;

const attribute = (user, name) => (user.Attributes || []).find((a) => a.Name === name)?.Value;

/** The claims of a token, unverified (cognito-local's own targets do the same; its signing key is public anyway). */
function claimsOf(token) {
  try {
    return JSON.parse(Buffer.from(String(token).split('.')[1], 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

/** `p***@e***`, as Cognito shows where a code went. */
function mask(email) {
  const [local = '', domain = ''] = String(email).split('@');
  return `${local.slice(0, 1)}***@${domain.slice(0, 1)}***`;
}

/** Replaces target `name` with `wrap(original)`, each built from the services the router hands it. */
function wrapTarget(name, wrap) {
  const original = Targets[name];
  Targets[name] = (services) => wrap(original(services), services);
}

// 1. Write attributes.
async function assertWritable(services, ctx, accessToken, names) {
  const clientId = claimsOf(accessToken)?.client_id;
  // An undecodable token is left to the target's own answer.
  if (!clientId) return;
  const client = await services.cognito.getAppClient(ctx, clientId);
  const writable = client?.WriteAttributes ?? [];
  if (writable.length === 0) return;
  if ((names ?? []).some((name) => !writable.includes(name)))
    throw new NotAuthorizedError('A client attempted to write unauthorized attribute');
}
wrapTarget('UpdateUserAttributes', (target, services) => async (ctx, req) => {
  await assertWritable(
    services,
    ctx,
    req.AccessToken,
    (req.UserAttributes ?? []).map((a) => a?.Name),
  );
  return target(ctx, req);
});
wrapTarget('DeleteUserAttributes', (target, services) => async (ctx, req) => {
  await assertWritable(services, ctx, req.AccessToken, req.UserAttributeNames);
  return target(ctx, req);
});

// 2. No self sign-up where only administrators create users.
wrapTarget('SignUp', (target, services) => async (ctx, req) => {
  const userPool = await services.cognito.getUserPoolForClientId(ctx, req.ClientId);
  if (userPool.options.AdminCreateUserConfig?.AllowAdminCreateUserOnly)
    throw new NotAuthorizedError('SignUp is not permitted for this user pool');
  return target(ctx, req);
});

// 3. Delivery to the local mail server.
let cognitoService;
const createCognitoService = CognitoServiceFactoryImpl.prototype.create;
CognitoServiceFactoryImpl.prototype.create = async function createAndKeep(...args) {
  cognitoService = await createCognitoService.apply(this, args);
  return cognitoService;
};

const escapeHtml = (value) =>
  String(value).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
  );

/** Subject and HTML body as Cognito words them from the pool's settings, code filled in. */
function wordEmail(options, source, user, code) {
  const invitation = source === 'AdminCreateUser' ? options.AdminCreateUserConfig?.InviteMessageTemplate : undefined;
  const template = options.VerificationMessageTemplate ?? {};
  const subject = invitation
    ? (invitation.EmailSubject ?? 'Your temporary password')
    : (template.EmailSubject ?? options.EmailVerificationSubject ?? 'Your verification code');
  const body = invitation
    ? (invitation.EmailMessage ?? 'Your username is {username} and temporary password is {####}.')
    : (template.EmailMessage ?? options.EmailVerificationMessage ?? 'Your verification code is {####}.');
  return {
    subject,
    html: body.replaceAll('{####}', escapeHtml(code)).replaceAll('{username}', escapeHtml(user.Username)),
  };
}

/** The HTML body as plain text, for mail clients (and tests) that read the text part. */
const textOf = (html) =>
  html
    .replace(/<\/p>\s*/g, '\n\n')
    .replace(/<br\s*\/?>/g, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(amp|lt|gt|quot|#39);/g, (_, e) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e])
    .trim();

async function sendLocalEmail({ from, to, subject, html }) {
  const endpoint = process.env.PORTICO_SES_ENDPOINT;
  if (!endpoint) throw new Error('PORTICO_SES_ENDPOINT is not set: there is no mail server to deliver codes to');
  const response = await fetch(`${endpoint}/v2/email/outbound-emails`, {
    method: 'POST',
    // The local mail server wants an AWS authorization header and checks no signature.
    headers: { 'content-type': 'application/json', authorization: 'AWS4-HMAC-SHA256 Credential=local/cognito-local' },
    body: JSON.stringify({
      FromEmailAddress: from,
      Destination: { ToAddresses: [to] },
      Content: {
        Simple: {
          Subject: { Data: subject, Charset: 'UTF-8' },
          Body: { Html: { Data: html, Charset: 'UTF-8' }, Text: { Data: textOf(html), Charset: 'UTF-8' } },
        },
      },
    }),
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`The local mail server refused the email: HTTP ${response.status}`);
}

const deliverWithTriggers = MessagesService.prototype.deliver;
MessagesService.prototype.deliver = async function deliverToMailbox(...args) {
  const [ctx, source, , userPoolId, user, code, , deliveryDetails] = args;
  // A custom sender is a Lambda function of the developer's: it gets the code, as in Cognito. (Portico has none.)
  if (this.triggers.enabled('CustomEmailSender') && source !== 'Authentication')
    return deliverWithTriggers.apply(this, args);
  if (deliveryDetails?.DeliveryMedium !== 'EMAIL') {
    // No SMS locally; the code itself is never logged.
    ctx.logger.warn({ source, medium: deliveryDetails?.DeliveryMedium }, 'Only email is delivered locally: not sent');
    return;
  }
  const options = cognitoService ? (await cognitoService.getUserPool(ctx, userPoolId)).options : {};
  const { subject, html } = wordEmail(options, source, user, code);
  await sendLocalEmail({
    from:
      options.EmailConfiguration?.From ??
      options.EmailConfiguration?.SourceArn?.split('/').pop() ??
      'no-reply@cognito.local',
    to: deliveryDetails.Destination,
    subject,
    html,
  });
  ctx.logger.info({ source, to: mask(deliveryDetails.Destination) }, 'Code sent to the local mailbox');
};

// 4. ForgotPassword and ConfirmForgotPassword.
async function poolAndClient(services, ctx, clientId) {
  const userPool = await services.cognito.getUserPoolForClientId(ctx, clientId);
  const client = await services.cognito.getAppClient(ctx, clientId);
  return { userPool, hideExistence: client?.PreventUserExistenceErrors === 'ENABLED' };
}

const codeDelivery = (destination) => ({
  CodeDeliveryDetails: { AttributeName: 'email', DeliveryMedium: 'EMAIL', Destination: mask(destination) },
});

/** Why this login may not get a reset code now, as Cognito words it; undefined when it may. */
function resetRefusal(user) {
  if (user.Enabled === false) return new NotAuthorizedError('User is disabled.');
  if (user.UserStatus === 'FORCE_CHANGE_PASSWORD' || user.UserStatus === 'UNCONFIRMED')
    return new NotAuthorizedError('User password cannot be reset in the current state.');
  if (!attribute(user, 'email') || attribute(user, 'email_verified') !== 'true')
    return new InvalidParameterError(
      'Cannot reset password for the user as there is no registered/verified email or phone_number',
    );
  return undefined;
}

wrapTarget('ForgotPassword', (target, services) => async (ctx, req) => {
  const { userPool, hideExistence } = await poolAndClient(services, ctx, req.ClientId);
  const user = await userPool.getUserByUsername(ctx, req.Username);
  if (!user) {
    if (hideExistence) return codeDelivery(String(req.Username).includes('@') ? req.Username : 'user@example.com');
    throw new UserNotFoundError('Username/client id combination not found.');
  }
  const refusal = resetRefusal(user);
  if (refusal) throw refusal;
  // Saved first: the target reads the user afresh and keeps this beside the code it saves.
  await userPool.saveUser(ctx, { ...user, ConfirmationCodeExpiresAt: Date.now() + codeLifetimeMs });
  await target(ctx, { ...req, Username: user.Username });
  return codeDelivery(attribute(user, 'email'));
});

wrapTarget('ConfirmForgotPassword', (target, services) => async (ctx, req) => {
  const { userPool, hideExistence } = await poolAndClient(services, ctx, req.ClientId);
  const user = await userPool.getUserByUsername(ctx, req.Username);
  if (!user) {
    if (hideExistence) throw new errors.CodeMismatchError();
    throw new UserNotFoundError('Username/client id combination not found.');
  }
  if (!user.ConfirmationCode || String(req.ConfirmationCode) !== user.ConfirmationCode)
    throw new CognitoError('CodeMismatchException', 'Invalid verification code provided, please try again.');
  if (!(Number(user.ConfirmationCodeExpiresAt) > Date.now())) {
    await userPool.saveUser(ctx, { ...user, ConfirmationCode: undefined, ConfirmationCodeExpiresAt: undefined });
    throw new errors.ExpiredCodeError();
  }
  const problem = policyProblem(String(req.Password ?? ''), passwordPolicy(userPool));
  if (problem) throw new CognitoError('InvalidPasswordException', `Password does not conform to policy: ${problem}`);
  await userPool.saveUser(ctx, { ...user, ConfirmationCodeExpiresAt: undefined });
  return target(ctx, { ...req, Username: user.Username });
});

// 5. AdminResetUserPassword.
Targets.AdminResetUserPassword =
  ({ cognito, messages, otp, clock }) =>
  async (ctx, req) => {
    const userPool = await cognito.getUserPool(ctx, req.UserPoolId);
    const user = await userPool.getUserByUsername(ctx, req.Username);
    if (!user) throw new UserNotFoundError('User does not exist.');
    if (user.UserStatus === 'FORCE_CHANGE_PASSWORD' || user.UserStatus === 'UNCONFIRMED')
      throw new NotAuthorizedError('User password cannot be reset in the current state.');
    const code = otp();
    const email = attribute(user, 'email');
    const reset = {
      ...user,
      UserStatus: 'RESET_REQUIRED',
      ConfirmationCode: code,
      ConfirmationCodeExpiresAt: Date.now() + codeLifetimeMs,
      UserLastModifiedDate: clock.get(),
    };
    await userPool.saveUser(ctx, reset);
    // Cognito sends the code only to a verified address; without one, the user is left to ForgotPassword's answer.
    if (email && attribute(user, 'email_verified') === 'true') {
      await messages.deliver(ctx, 'ForgotPassword', null, userPool.options.Id, reset, code, req.ClientMetadata, {
        AttributeName: 'email',
        DeliveryMedium: 'EMAIL',
        Destination: email,
      });
    }
    return {};
  };

// 6. Cognito-shaped errors.
/** An unexpected failure: logged with its stack by cognito-local, answered without it. */
class InternalError extends Error {
  constructor(cause) {
    super('An internal error occurred.', { cause });
    this.name = 'InternalErrorException';
  }
  toJSON() {
    return { __type: 'InternalErrorException', message: this.message };
  }
}

const cognitoShapedRouter = (router) => (target) => {
  const route = router(target);
  return async (ctx, req) => {
    // A body of another content type never reaches the JSON parser and arrives undefined.
    if (req === null || typeof req !== 'object' || Array.isArray(req))
      throw new CognitoError('SerializationException', 'The request body must be a JSON object.');
    try {
      return await route(ctx, req);
    } catch (error) {
      if (error instanceof CognitoError || error instanceof UnsupportedError) throw error;
      throw new InternalError(error);
    }
  };
};

function sendError(res, status, type, message) {
  res
    .status(status)
    .set('content-type', 'application/x-amz-json-1.1')
    .send(JSON.stringify({ __type: type, message }));
}

/** Express's last word: its own handler answers with an HTML page and, outside production, the stack. */
function errorAnswer(error, req, res, _next) {
  const known = error instanceof CognitoError;
  const status = Number.isInteger(error?.status) && error.status >= 400 && error.status < 500 ? error.status : 500;
  if (status === 500 && !known) req.log?.error(error, 'Request failed');
  if (res.headersSent) return void res.end();
  if (error?.type === 'entity.parse.failed')
    return sendError(res, 400, 'SerializationException', 'The request body is not valid JSON.');
  // A refusal the hosted login's routes raise (a trigger's, say): its own words, as the OAuth endpoints word errors.
  if (error instanceof CognitoError)
    return void res
      .status(400)
      .json(
        req.path.startsWith('/oauth2/')
          ? { error: 'invalid_request', error_description: `${error.code}: ${error.message}` }
          : { __type: error.code, message: error.message },
      );
  if (status === 500) return sendError(res, 500, 'InternalErrorException', 'An internal error occurred.');
  sendError(res, status, 'InvalidParameterException', 'The request is not valid.');
}

const serverModulePath = path.join(lib, 'server', 'server.js');
const { createServer } = require(serverModulePath);
// server/defaults.js requires server.js after us and reads createServer from its exports.
require.cache[serverModulePath].exports = {
  createServer(router, logger, options, services) {
    const server = createServer(cognitoShapedRouter(router), logger, options, services);
    server.application.use((req, res) => sendError(res, 404, 'ResourceNotFoundException', 'Not found.'));
    server.application.use(errorAnswer);
    return server;
  },
};
