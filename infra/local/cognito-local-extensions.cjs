/**
 * Preloaded into the cognito-local process (node --require) to fill two gaps our flows rely on, each as
 * Cognito itself behaves. Deliberately NOT changed: cognito-local still lets disabled users sign in, so
 * Portico's own access gates are tested without help from the emulator.
 *
 * 1. AdminUserGlobalSignOut (unsupported there): revokes every refresh token of the user.
 * 2. Sign-in aliases: a pool created with AliasAttributes lets a user sign in with a verified email or
 *    their preferred_username, as Cognito does; cognito-local only knows email-as-username pools.
 * 3. The PreAuthentication trigger (cognito-local-pre-authentication.cjs), before the password is checked, in
 *    InitiateAuth and the hosted login, as Cognito runs it; cognito-local has no such trigger.
 * 4. Durable state: its store rewrote each pool file in place, so a crash mid-write (or two overlapping
 *    writes) left invalid JSON and the emulator would not start again. Writes now go to a temporary file,
 *    renamed over the old one (atomic), in the order they were made.
 * 5. The hosted login as Cognito's managed login behaves (cognito-local-hosted-login.cjs): a first sign-in
 *    with a temporary password must choose a new password before any code is issued; `/logout` returns to a
 *    registered sign-out URL; `/oauth2/revoke` revokes a refresh token; the form is accessible and escaped.
 * 6. Client rules, codes and errors as Cognito (cognito-local-client-rules.cjs): the client's write attributes, no
 *    SignUp on an admin-only pool, codes by email to the local mailbox (never the log), AdminResetUserPassword, and
 *    Cognito-shaped JSON errors without stack traces.
 */
const fs = require('node:fs');
const path = require('node:path');

const lib = path.dirname(require.resolve('cognito-local/lib/index.js'));
const { Targets } = require(path.join(lib, 'targets', 'targets.js'));
const { UserPoolServiceImpl } = require(path.join(lib, 'services', 'userPoolService.js'));
const { UserNotFoundError } = require(path.join(lib, 'errors.js'));

Targets.AdminUserGlobalSignOut =
  ({ cognito }) =>
  async (ctx, req) => {
    const userPool = await cognito.getUserPool(ctx, req.UserPoolId);
    const user = await userPool.getUserByUsername(ctx, req.Username);
    if (!user) throw new UserNotFoundError();
    await userPool.saveUser(ctx, { ...user, RefreshTokens: [] });
    return {};
  };

const attribute = (user, name) => (user.Attributes || []).find((a) => a.Name === name)?.Value;
const byUsername = UserPoolServiceImpl.prototype.getUserByUsername;
UserPoolServiceImpl.prototype.getUserByUsername = async function getUserByUsernameOrAlias(ctx, username) {
  const user = await byUsername.call(this, ctx, username);
  const aliases = this.options.AliasAttributes || [];
  if (user || aliases.length === 0 || typeof username !== 'string') return user;
  const wanted = username.toLowerCase();
  const users = Object.values((await this.dataStore.get(ctx, 'Users', {})) || {});
  return (
    users.find(
      (candidate) =>
        (aliases.includes('email') &&
          attribute(candidate, 'email_verified') === 'true' &&
          attribute(candidate, 'email')?.toLowerCase() === wanted) ||
        (aliases.includes('preferred_username') &&
          attribute(candidate, 'preferred_username')?.toLowerCase() === wanted),
    ) || null
  );
};

require('./cognito-local-pre-authentication.cjs');

require('./cognito-local-hosted-login.cjs').extendHostedLogin(path.join(lib, 'oauth2', 'routes.js'));

const LocalEngine = require(require.resolve('stormdb/src/engine/local.js', { paths: [lib] }));
const pendingWrites = new Map();
let temporaryFiles = 0;
LocalEngine.prototype.write = function writeAtomically(data) {
  const file = this.path;
  const body = this.serialize(data);
  const temporary = () => `${file}.${process.pid}.${++temporaryFiles}.tmp`;
  if (!this.async) {
    const scratch = temporary();
    fs.writeFileSync(scratch, body);
    fs.renameSync(scratch, file);
    return null;
  }
  const write = (pendingWrites.get(file) ?? Promise.resolve())
    .catch(() => {})
    .then(async () => {
      const scratch = temporary();
      await fs.promises.writeFile(scratch, body);
      await fs.promises.rename(scratch, file);
    });
  pendingWrites.set(file, write);
  return write;
};

require('./cognito-local-client-rules.cjs');
