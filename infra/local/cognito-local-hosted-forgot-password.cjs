/**
 * The hosted login's "Forgot your password?" pages, as Cognito's managed login offers them (loaded by
 * cognito-local-hosted-login.cjs, which hands over its page helpers):
 *
 * - GET /forgotPassword: the person gives their email or username.
 * - POST /forgotPassword: ForgotPassword sends a code to the login's verified email (the local mailbox). The next page
 *   reads the same whoever was named, so it does not tell whether an account exists.
 * - POST /confirmForgotPassword: the code and a new password under the pool's policy (ConfirmForgotPassword); then
 *   the sign-in page, to sign in with it.
 *
 * A login an administrator reset (RESET_REQUIRED) is sent to the code page when it tries to sign in. The OAuth
 * fields of the sign-in request travel along as hidden fields, so signing in afterwards returns to the app.
 */
const path = require('node:path');

const lib = path.dirname(require.resolve('cognito-local/lib/index.js'));
const { Targets } = require(path.join(lib, 'targets', 'targets.js'));

/** Answers that mean "no code for you", which the page must not tell apart from a sent code. */
const refusals = new Set(['UserNotFoundException', 'NotAuthorizedException', 'InvalidParameterException']);
const codeProblems = new Set(['CodeMismatchException', 'ExpiredCodeException']);

function forgotPasswordPages({
  page,
  escape,
  hidden,
  oauthQuery,
  signInPage,
  passwordPolicy,
  describePolicy,
  policyProblem,
}) {
  function requestPage(fields, error) {
    return page(
      'Reset your password',
      `<p>Enter the email address or username you sign in with. We will email you a code to choose a new password.</p>
${error ? `<p class="error" role="alert">${escape(error)}</p>` : ''}
<form method="POST" action="/forgotPassword">
${hidden(fields)}
<label for="username">Email or username</label>
<input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" required value="${escape(fields.username)}" autofocus>
<button type="submit">Send code</button>
</form>
<p><a href="/oauth2/authorize?${escape(oauthQuery(fields))}">Back to sign in</a></p>`,
    );
  }

  function codePage(fields, policy, { error, intro, code } = {}) {
    return page(
      'Choose a new password',
      `<p>${escape(
        intro ??
          'If that account exists and has a verified email address, we have emailed it a code. It works for one hour.',
      )}</p>
<p class="hint">Never signed in yet? Use the temporary password from your invitation instead.</p>
${error ? `<p class="error" role="alert">${escape(error)}</p>` : ''}
<form method="POST" action="/confirmForgotPassword">
${hidden(fields)}
<input type="hidden" name="username" value="${escape(fields.username)}">
<label for="code">Code from the email</label>
<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" required value="${escape(code)}" autofocus>
<label for="new_password">New password</label>
<input id="new_password" name="new_password" type="password" autocomplete="new-password" required aria-describedby="rules">
<p id="rules" class="hint">${escape(describePolicy(policy))}</p>
<label for="confirm_password">New password again</label>
<input id="confirm_password" name="confirm_password" type="password" autocomplete="new-password" required>
<button type="submit">Change password</button>
</form>
<p><a href="/forgotPassword?${escape(oauthQuery(fields))}">Send a new code</a></p>`,
    );
  }

  /** What the sign-in form shows a login an administrator reset, instead of checking its old password. */
  function resetRequiredPage(fields, userPool) {
    return codePage(fields, passwordPolicy(userPool), {
      intro: 'Your password was reset. We have emailed you a code: enter it and choose a new password.',
    });
  }

  function attach(app, services, clientFor) {
    const ctxOf = (req) => ({ logger: req.log });
    const html = (res, body) => res.status(200).type('text/html').send(body);

    app.get('/forgotPassword', async (req, res, next) => {
      if (!(await clientFor(req, req.query))) return next();
      html(res, requestPage(req.query));
    });

    app.post('/forgotPassword', async (req, res, next) => {
      const fields = req.body ?? {};
      const found = await clientFor(req, fields);
      if (!found) return next();
      const username = String(fields.username ?? '').trim();
      if (!username) return html(res, requestPage(fields, 'Enter your email address or username.'));
      try {
        await Targets.ForgotPassword(services)(ctxOf(req), { ClientId: fields.client_id, Username: username });
      } catch (error) {
        if (!refusals.has(error?.code)) throw error;
      }
      html(res, codePage({ ...fields, username }, passwordPolicy(found.userPool)));
    });

    app.post('/confirmForgotPassword', async (req, res, next) => {
      const fields = req.body ?? {};
      const found = await clientFor(req, fields);
      if (!found) return next();
      const policy = passwordPolicy(found.userPool);
      const password = String(fields.new_password ?? '');
      const problem =
        password !== String(fields.confirm_password ?? '')
          ? 'The two passwords are not the same.'
          : policyProblem(password, policy);
      // The code stays filled in: only the password needs another try.
      if (problem) return html(res, codePage(fields, policy, { error: problem, code: fields.code }));
      try {
        await Targets.ConfirmForgotPassword(services)(ctxOf(req), {
          ClientId: fields.client_id,
          Username: String(fields.username ?? ''),
          ConfirmationCode: String(fields.code ?? '').trim(),
          Password: password,
        });
      } catch (error) {
        if (!codeProblems.has(error?.code)) throw error;
        return html(
          res,
          codePage(fields, policy, {
            error: 'That code is not right, or it has expired. Check the email, or ask for a new code.',
          }),
        );
      }
      html(res, signInPage(fields, undefined, 'Your password has been changed. Sign in with your new password.'));
    });
  }

  return { attach, resetRequiredPage };
}

module.exports = { forgotPasswordPages };
