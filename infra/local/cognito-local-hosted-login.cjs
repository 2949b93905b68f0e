/**
 * cognito-local's hosted login, brought closer to Cognito's managed login (loaded by
 * cognito-local-extensions.cjs, inside the cognito-local process). Its own routes stay in charge of issuing
 * codes and tokens; these run first and either answer themselves or pass the request on.
 *
 * - A user whose status is FORCE_CHANGE_PASSWORD (a fresh invitation) gets, after the right temporary
 *   password, a "choose a new password" page instead of a code; the new password must meet the pool's
 *   policy, and only then is the code issued (cognito-local alone issued one for the temporary password).
 * - GET /logout?client_id&logout_uri redirects to a sign-out URL registered on the app client (as Cognito).
 * - POST /oauth2/revoke (RFC 7009) revokes a refresh token of the client.
 * - The sign-in page has labels, autocomplete hints and escaped values, and the cursor starts in its first empty field.
 * - "Forgot your password?" and an administrator's reset (cognito-local-hosted-forgot-password.cjs).
 */
const { randomBytes } = require('node:crypto');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { URLSearchParams } = require('node:url');
const { forgotPasswordPages } = require('./cognito-local-hosted-forgot-password.cjs');
const { preAuthenticationRefusal } = require('./cognito-local-pre-authentication.cjs');

const pendingTtlMs = 5 * 60_000;
/** New-password steps in progress: a random handle, so the temporary password never goes back to the page. */
const pending = new Map();

const escape = (value) =>
  String(value ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
  );

const oauthFields = [
  'client_id',
  'redirect_uri',
  'response_type',
  'code_challenge',
  'code_challenge_method',
  'scope',
  'state',
];

/** The portal app's own icon (web/favicon.svg), so the sign-in page reads as part of the same portal. */
const favicon = `data:image/svg+xml,${encodeURIComponent(readFileSync(join(__dirname, '..', '..', 'web', 'favicon.svg'), 'utf8').trim())}`;

/**
 * The deployment's organization name, logo and accent colour (PORTICO_BRANDING, validated by the local stack before
 * it starts this process), as the cloud's hosted login wears them.
 */
const branding = JSON.parse(process.env.PORTICO_BRANDING || '{}');
const accent = /^#[0-9a-f]{6}$/i.test(branding.accentColor ?? '') ? branding.accentColor : '#0b5cad';
const organizationName = typeof branding.organizationName === 'string' ? branding.organizationName : 'Portico';

function masthead() {
  const mark = branding.logoUrl
    ? `<img src="${escape(branding.logoUrl)}" alt="${escape(organizationName)}" height="40">`
    : `<span>${escape(organizationName)}</span>`;
  return `<header class="brand">${mark}</header>`;
}

function page(title, body) {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)} · ${escape(organizationName)}</title><link rel="icon" href="${escape(favicon)}">
<style>
body{font-family:system-ui,sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem;color:#1b1f24;line-height:1.5}
.brand{font-weight:700;font-size:1.25rem;padding-bottom:.75rem;border-bottom:3px solid ${accent}}.brand img{height:40px;width:auto}
label{display:block;font-weight:600;margin-top:1rem}input{font:inherit;width:100%;min-height:2.75rem;padding:.4rem;box-sizing:border-box}
button{font:inherit;margin-top:1.25rem;min-height:2.75rem;padding:.5rem 1.25rem;background:${accent};color:#fff;border:0;border-radius:.4rem}
.error{color:#a3161a;background:#fdecec;padding:.75rem;border-left:4px solid #a3161a}.hint{color:#4a5360}
.notice{background:#e8f3ea;padding:.75rem;border-left:4px solid #1e6b34}a{color:${accent}}
</style></head><body>${masthead()}<main><h1>${escape(title)}</h1>${body}</main></body></html>`;
}

const hidden = (fields) =>
  oauthFields.map((name) => `<input type="hidden" name="${name}" value="${escape(fields[name])}">`).join('\n');

/** The OAuth fields as a query string, for links that must come back to this sign-in. */
const oauthQuery = (fields) =>
  new URLSearchParams(
    oauthFields.filter((name) => fields[name] !== undefined).map((name) => [name, String(fields[name])]),
  ).toString();

function signInPage(fields, error, notice) {
  return page(
    'Sign in',
    `${error ? `<p class="error" role="alert">${escape(error)}</p>` : ''}${notice ? `<p class="notice" role="status">${escape(notice)}</p>` : ''}
<form method="POST" action="/oauth2/authorize">
${hidden(fields)}
<label for="username">Email or username</label>
<input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" required value="${escape(fields.username)}"${fields.username ? '' : ' autofocus'}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${fields.username ? ' autofocus' : ''}>
<button type="submit">Sign in</button>
</form>
<p><a href="/forgotPassword?${escape(oauthQuery(fields))}">Forgot your password?</a></p>`,
  );
}

function newPasswordPage(fields, handle, policy, error) {
  return page(
    'Choose a new password',
    `<p>This is your first sign-in: replace the temporary password from your invitation with one of your own.</p>
${error ? `<p class="error" role="alert">${escape(error)}</p>` : ''}
<form method="POST" action="/oauth2/authorize">
${hidden(fields)}
<input type="hidden" name="new_password_session" value="${escape(handle)}">
<label for="new_password">New password</label>
<input id="new_password" name="new_password" type="password" autocomplete="new-password" required aria-describedby="rules" autofocus>
<p id="rules" class="hint">${escape(describePolicy(policy))}</p>
<label for="confirm_password">New password again</label>
<input id="confirm_password" name="confirm_password" type="password" autocomplete="new-password" required>
<button type="submit">Save and sign in</button>
</form>`,
  );
}

function passwordPolicy(userPool) {
  const policy = userPool.options?.Policies?.PasswordPolicy ?? {};
  return {
    minimumLength: policy.MinimumLength ?? 8,
    lowercase: policy.RequireLowercase ?? true,
    uppercase: policy.RequireUppercase ?? true,
    numbers: policy.RequireNumbers ?? true,
    symbols: policy.RequireSymbols ?? true,
  };
}

function describePolicy(policy) {
  const kinds = [
    policy.lowercase && 'a lower-case letter',
    policy.uppercase && 'an upper-case letter',
    policy.numbers && 'a number',
    policy.symbols && 'a symbol',
  ].filter(Boolean);
  return `At least ${policy.minimumLength} characters${kinds.length ? `, with ${kinds.join(', ')}` : ''}.`;
}

/** Cognito's password policy check; the message names what is missing. */
function policyProblem(password, policy) {
  if (password.length < policy.minimumLength)
    return `The password must have at least ${policy.minimumLength} characters.`;
  if (policy.lowercase && !/[a-z]/.test(password)) return 'The password must contain a lower-case letter.';
  if (policy.uppercase && !/[A-Z]/.test(password)) return 'The password must contain an upper-case letter.';
  if (policy.numbers && !/[0-9]/.test(password)) return 'The password must contain a number.';
  if (policy.symbols && !/[\^$*.[\]{}()?"!@#%&/\\,><':;|_~`=+-]/.test(password))
    return 'The password must contain a symbol.';
  return undefined;
}

function badRequest(res, description) {
  res.status(400).json({ error: 'invalid_request', error_description: description });
}

function extendHostedLogin(routesModulePath) {
  const routes = require(routesModulePath);
  const attachOAuth2Routes = routes.attachOAuth2Routes;
  // server.js requires this module after us and reads attachOAuth2Routes from its exports.
  require.cache[routesModulePath].exports = {
    attachOAuth2Routes(app, services, codeStore) {
      const ctxOf = (req) => ({ logger: req.log });

      /** The client and its pool, if the request names a registered callback. */
      async function clientFor(req, fields) {
        const ctx = ctxOf(req);
        const client = fields.client_id
          ? await services.cognito.getAppClient(ctx, fields.client_id).catch(() => null)
          : null;
        if (!client || !(client.CallbackURLs ?? []).includes(fields.redirect_uri)) return null;
        return { client, userPool: await services.cognito.getUserPoolForClientId(ctx, fields.client_id) };
      }

      const forgotPassword = forgotPasswordPages({
        page,
        escape,
        hidden,
        oauthQuery,
        signInPage,
        passwordPolicy,
        describePolicy,
        policyProblem,
      });
      forgotPassword.attach(app, services, clientFor);

      app.get('/oauth2/authorize', async (req, res, next) => {
        const fields = req.query;
        // Anything malformed goes to cognito-local's own checks and their error answers.
        if (fields.response_type !== 'code' || !fields.code_challenge || fields.code_challenge_method !== 'S256')
          return next();
        if (!(await clientFor(req, fields))) return next();
        res.status(200).type('text/html').send(signInPage(fields));
      });

      app.post('/oauth2/authorize', async (req, res, next) => {
        const fields = req.body ?? {};
        const found = await clientFor(req, fields);
        if (!found) return next();
        const ctx = ctxOf(req);
        const policy = passwordPolicy(found.userPool);

        if (fields.new_password_session) {
          const step = pending.get(fields.new_password_session);
          if (!step || step.expiresAt < Date.now() || step.clientId !== fields.client_id) {
            pending.delete(fields.new_password_session);
            return res.status(200).type('text/html').send(signInPage(fields, 'That took too long. Sign in again.'));
          }
          const password = String(fields.new_password ?? '');
          const problem =
            password !== String(fields.confirm_password ?? '')
              ? 'The two passwords are not the same.'
              : policyProblem(password, policy);
          if (problem)
            return res
              .status(200)
              .type('text/html')
              .send(newPasswordPage(fields, fields.new_password_session, policy, problem));
          const user = await found.userPool.getUserByUsername(ctx, step.username);
          if (!user || user.UserStatus !== 'FORCE_CHANGE_PASSWORD') {
            pending.delete(fields.new_password_session);
            return res.status(200).type('text/html').send(signInPage(fields, 'Sign in again.'));
          }
          pending.delete(fields.new_password_session);
          await found.userPool.saveUser(ctx, {
            ...user,
            Password: password,
            UserStatus: 'CONFIRMED',
            UserLastModifiedDate: new Date(),
          });
          // cognito-local's own handler now issues the code for the confirmed user.
          req.body = { ...fields, username: user.Username, password };
          return next();
        }

        const user = fields.username ? await found.userPool.getUserByUsername(ctx, String(fields.username)) : null;
        // Before the password is looked at, as Cognito's managed login runs it.
        const refusal = fields.username
          ? await preAuthenticationRefusal(services, ctx, { ...found, username: String(fields.username), user })
          : undefined;
        if (refusal) return res.status(200).type('text/html').send(signInPage(fields, refusal));
        // As Cognito's PasswordResetRequiredException: the old password no longer counts, the emailed code does.
        if (user?.UserStatus === 'RESET_REQUIRED')
          return res.status(200).type('text/html').send(forgotPassword.resetRequiredPage(fields, found.userPool));
        if (!user || user.Password !== fields.password || user.UserStatus === 'UNCONFIRMED')
          return res.status(200).type('text/html').send(signInPage(fields, 'Incorrect username or password.'));
        if (user.UserStatus === 'FORCE_CHANGE_PASSWORD') {
          // Abandoned steps expire; dropping them here keeps the map from growing without bound.
          for (const [key, value] of pending) if (value.expiresAt < Date.now()) pending.delete(key);
          const handle = randomBytes(24).toString('base64url');
          pending.set(handle, {
            username: user.Username,
            clientId: fields.client_id,
            expiresAt: Date.now() + pendingTtlMs,
          });
          return res
            .status(200)
            .type('text/html')
            .send(newPasswordPage(fields, handle, policy));
        }
        return next();
      });

      app.get('/logout', async (req, res) => {
        const { client_id: clientId, logout_uri: logoutUri } = req.query;
        const client = clientId ? await services.cognito.getAppClient(ctxOf(req), clientId).catch(() => null) : null;
        if (!client) return badRequest(res, 'Invalid client_id');
        if (!(client.LogoutURLs ?? []).includes(logoutUri))
          return badRequest(res, 'logout_uri not registered for this client');
        res.redirect(logoutUri);
      });

      app.post('/oauth2/revoke', async (req, res) => {
        const { token, client_id: clientId } = req.body ?? {};
        if (!token || !clientId) return badRequest(res, 'Missing token or client_id');
        const ctx = ctxOf(req);
        const client = await services.cognito.getAppClient(ctx, clientId).catch(() => null);
        if (!client) return res.status(400).json({ error: 'invalid_client' });
        const userPool = await services.cognito.getUserPoolForClientId(ctx, clientId);
        const user = await userPool.getUserByRefreshToken(ctx, token);
        if (user)
          await userPool.saveUser(ctx, { ...user, RefreshTokens: user.RefreshTokens.filter((t) => t !== token) });
        // RFC 7009: an unknown or already revoked token is not an error.
        res.status(200).end();
      });

      attachOAuth2Routes(app, services, codeStore);
    },
  };
}

module.exports = { extendHostedLogin, passwordPolicy, policyProblem };
