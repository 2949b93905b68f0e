import { randomUUID } from 'node:crypto';
import { AdminEnableUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { waitFor } from '../../infra/local/managed-process';
import { accessKey } from '../../shared/data/keys';
import { findModule } from '../../shared/modules/registry';
import { refusalMessage } from '../../shared/portal/portal-session';
import { accessServicesAt } from '../support/access-services';
import { HostedLoginError, parseLoginForm, pkcePair } from '../support/hosted-login';
import { temporaryPasswordIn } from '../support/mailbox';
import { invokeLocal } from '../support/invoke-local';
import { localStackContext } from '../support/local-stack-context';

/**
 * Finding 4: staff status tells the truth now, the daily check brings logins in line with support windows, a
 * sign-in counts only when a token is issued, and a refused person gets the same answer whatever password.
 */
jest.setTimeout(90_000);

type Json = Record<string, unknown>;

const local = localStackContext();

const short = () => randomUUID().slice(0, 8);
const newPassword = () => `New#Passw0rd-${short()}`;
/** The local stack's zone is UTC. */
const dayOffset = (days: number, from = Date.now()) => new Date(from + days * 86_400_000).toISOString().slice(0, 10);
const today = () => dayOffset(0);
/** A clock `days` days from now, for the services built in the test process. */
const inDays = (days: number) => () => new Date(Date.now() + days * 86_400_000);

interface AccessView {
  status: string;
  reason?: string;
  recordedStatus?: string;
  effective: boolean;
  ineffectiveBecause?: string;
  lastSignInAt?: string;
  activatedAt?: string;
  history: { event: string; actor: string; detail?: Json }[];
}

async function accessOf(id: string): Promise<AccessView> {
  const response = await local.api.call<AccessView>('GET', `/partner-contacts/${id}/portal-access`);
  expect(response.status).toBe(200);
  return response.body;
}

async function untilAccess(id: string, check: (view: AccessView) => boolean, what: string): Promise<AccessView> {
  let view: AccessView | undefined;
  await waitFor(async () => check((view = await accessOf(id))), 20_000, `${id}: ${what}; last ${JSON.stringify(view)}`);
  return view!;
}

/** A partner contact of an active partner, with portal access and the window given, as staff create one. */
async function partnerContact(portal: Json = {}) {
  const organization = await local.api.create('partner-organizations', {
    name: `Partner ${short()}`,
    partnerStatus: 'Active',
  });
  const email = `window.${short()}@example.com`;
  const person = await local.api.create('partner-contacts', {
    firstName: 'Wendy',
    lastName: `Window ${short()}`,
    email,
    organizationId: organization.id,
    portal: { enabled: true, ...portal },
  });
  return { person, email };
}

/** Invited, then signed in with a password of their own: `active`. */
async function activePerson(portal: Json = {}) {
  const { person, email } = await partnerContact(portal);
  const [invitation] = await local.mail.waitFor(email);
  await untilAccess(person.id, (view) => view.status === 'invited', 'invited');
  const password = newPassword();
  await local.users.firstSignIn(email, temporaryPasswordIn(invitation!), password);
  await untilAccess(person.id, (view) => view.status === 'active', 'active');
  return { person, email, password };
}

/** What the Cognito API answers a sign-in: the error's type and message, or tokens. */
async function signInAnswer(username: string, password: string) {
  return local.users.signIn(username, password).then(
    (result) => ({ tokens: Boolean(result.AuthenticationResult?.AccessToken), challenge: result.ChallengeName }),
    (error: Error) => ({ error: error.name, message: error.message }),
  );
}

/** What the hosted login answers a filled-in form: the page's error, or where it redirects. */
async function hostedAnswer(username: string, password: string) {
  const { challenge } = pkcePair();
  const authorize = new URL(`${local.outputs.CognitoEndpoint}/oauth2/authorize`);
  authorize.search = new URLSearchParams({
    client_id: local.outputs.PortalClientId,
    redirect_uri: local.outputs.PortalWebUrl,
    response_type: 'code',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    scope: 'openid email profile',
    state: short(),
  }).toString();
  const form = parseLoginForm(await (await fetch(authorize)).text(), authorize.toString());
  const submitted = await fetch(form.action, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...form.fields, username, password }).toString(),
    redirect: 'manual',
  });
  if (submitted.status >= 300 && submitted.status < 400) return { redirected: true };
  const html = await submitted.text();
  const alert = /<p class="error" role="alert">([^<]*)<\/p>/.exec(html)?.[1];
  return { status: submitted.status, alert };
}

describe('staff status tells the truth now', () => {
  it('a window that ended overnight shows effective: false, outsideSupportWindow, suspended at once: no edit, no reconcile', async () => {
    const { person } = await activePerson({ supportStartDate: dayOffset(-30), supportEndDate: today() });
    const now = await accessOf(person.id);
    expect(now).toMatchObject({ status: 'active', effective: true });
    expect(now.recordedStatus).toBeUndefined();

    // Tomorrow, through the very code the status route runs: the records are untouched, only the clock moved.
    const tomorrow = accessServicesAt(local.outputs, inDays(1));
    try {
      const view = await tomorrow.admin.status(findModule('partner-contacts')!, person.id);
      expect(view).toMatchObject({
        status: 'suspended',
        reason: 'outsideSupportWindow',
        recordedStatus: 'active',
        effective: false,
        ineffectiveBecause: 'outsideSupportWindow',
      });
    } finally {
      tomorrow.close();
    }
    // Nothing was written: today the route still answers active, and the login is enabled.
    expect(await accessOf(person.id)).toMatchObject({ status: 'active', effective: true });
    expect((await local.users.login(person.id))?.enabled).toBe(true);
  });

  it('the route answers the live verdict even where the recorded state lags behind it', async () => {
    const { person } = await activePerson({ supportStartDate: dayOffset(-30), supportEndDate: dayOffset(5) });
    // The window ends: the edit reaches the controller through the stream, which suspends the login.
    expect(
      (await local.api.call('PATCH', `/partner-contacts/${person.id}`, { portal: { supportEndDate: dayOffset(-1) } }))
        .status,
    ).toBe(200);
    await untilAccess(
      person.id,
      (view) => view.recordedStatus === undefined && view.status === 'suspended',
      'suspended',
    );
    // Put the recorded state back to what it was before the window ended (the stream ignores ACCESS items).
    await setRecordedStatus(person.id, 'active');
    expect(await accessOf(person.id)).toMatchObject({
      status: 'suspended',
      reason: 'outsideSupportWindow',
      recordedStatus: 'active',
      effective: false,
      ineffectiveBecause: 'outsideSupportWindow',
    });
  });
});

async function setRecordedStatus(personId: string, status: string) {
  const services = accessServicesAt(local.outputs, () => new Date());
  try {
    await services.dynamo.send(
      new UpdateItemCommand({
        TableName: local.outputs.TableName,
        Key: marshall(accessKey(personId)),
        UpdateExpression: 'SET #status = :status REMOVE reason',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: marshall({ ':status': status }),
      }),
    );
  } finally {
    services.close();
  }
}

describe('the daily check', () => {
  it('disables the login of someone whose window ended overnight, and records suspended / outsideSupportWindow', async () => {
    const { person, email } = await activePerson({ supportStartDate: dayOffset(-30), supportEndDate: today() });
    expect((await local.users.login(person.id))?.enabled).toBe(true);
    const tomorrow = accessServicesAt(local.outputs, inDays(1));
    try {
      expect(await tomorrow.daily.checkPerson(person.id)).toEqual({ reconciled: true, reminded: false });
      // Run again: already in line, nothing to do.
      expect(await tomorrow.daily.checkPerson(person.id)).toEqual({ reconciled: false, reminded: false });
    } finally {
      tomorrow.close();
    }
    expect((await local.users.login(person.id))?.enabled).toBe(false);
    const view = await accessOf(person.id);
    // Today, to the route, the window is still open: the recorded state says what the check did.
    expect(view.history).toContainEqual(
      expect.objectContaining({
        actor: 'daily-check',
        event: 'statusChanged',
        detail: expect.objectContaining({ from: 'active', to: 'suspended', reason: 'outsideSupportWindow' }),
      }),
    );
    // Recorded suspended; today (to the route) the window is still open, so the verdict is effective again.
    expect(view).toMatchObject({ status: 'suspended', reason: 'outsideSupportWindow', effective: true });
    // No email for a suspension.
    expect(await local.mail.to(email)).toHaveLength(1);
  });

  it('enables the login again when the window begins, without a new invitation for someone who had signed in', async () => {
    const { person, email } = await activePerson({ supportStartDate: dayOffset(-30), supportEndDate: dayOffset(30) });
    // Staff move the start to tomorrow: the stream suspends the login at once.
    expect(
      (await local.api.call('PATCH', `/partner-contacts/${person.id}`, { portal: { supportStartDate: dayOffset(1) } }))
        .status,
    ).toBe(200);
    await untilAccess(
      person.id,
      (view) => view.status === 'suspended' && view.recordedStatus === undefined,
      'suspended',
    );
    await waitFor(async () => (await local.users.login(person.id))?.enabled === false, 20_000, 'the login disabled');

    const tomorrow = accessServicesAt(local.outputs, inDays(1));
    try {
      expect(await tomorrow.daily.checkPerson(person.id)).toEqual({ reconciled: true, reminded: false });
      expect((await local.users.login(person.id))?.enabled).toBe(true);
      expect(await tomorrow.admin.status(findModule('partner-contacts')!, person.id)).toMatchObject({
        status: 'active',
        effective: true,
      });
    } finally {
      tomorrow.close();
    }
    expect(await local.mail.to(email)).toHaveLength(1);
  });

  it('invites someone whose window begins only then (no login and no mail before it)', async () => {
    const { person, email } = await partnerContact({ supportStartDate: dayOffset(1), supportEndDate: dayOffset(30) });
    const before = await untilAccess(
      person.id,
      (view) => view.status === 'suspended' && view.recordedStatus === undefined,
      'suspended, as recorded',
    );
    expect(before).toMatchObject({ reason: 'outsideSupportWindow', effective: false });
    expect(await local.users.login(person.id)).toBeUndefined();
    expect(await local.mail.to(email)).toEqual([]);

    const tomorrow = accessServicesAt(local.outputs, inDays(1));
    try {
      expect(await tomorrow.daily.checkPerson(person.id)).toEqual({ reconciled: true, reminded: false });
    } finally {
      tomorrow.close();
    }
    expect((await local.users.login(person.id))?.enabled).toBe(true);
    const [invitation] = await local.mail.waitFor(email);
    expect(invitation!.subject).toBe('Your portal access');
  });

  it('runs as the scheduled function through the local Lambda endpoint: a login still enabled past its window is disabled', async () => {
    const { person } = await activePerson({ supportStartDate: dayOffset(-30), supportEndDate: dayOffset(5) });
    expect(
      (await local.api.call('PATCH', `/partner-contacts/${person.id}`, { portal: { supportEndDate: dayOffset(-1) } }))
        .status,
    ).toBe(200);
    await untilAccess(
      person.id,
      (view) => view.status === 'suspended' && view.recordedStatus === undefined,
      'suspended',
    );
    // As if the window had ended since the last run: the login enabled, the recorded state still active.
    await local.cognito.send(
      new AdminEnableUserCommand({ UserPoolId: local.outputs.PortalUserPoolId, Username: person.id }),
    );
    await setRecordedStatus(person.id, 'active');

    const summary = await invokeLocal<Json>(local.outputs, 'portal-access-daily', { schedule: 'portal-access-daily' });
    expect(summary).toMatchObject({ checked: expect.any(Number), reconciled: expect.any(Number), reminded: 0 });
    expect(summary.reconciled).toBeGreaterThanOrEqual(1);
    expect((await local.users.login(person.id))?.enabled).toBe(false);
    expect(await accessOf(person.id)).toMatchObject({ status: 'suspended', reason: 'outsideSupportWindow' });
    expect((await accessOf(person.id)).recordedStatus).toBeUndefined();
  });
});

describe('the reminder before a window ends', () => {
  it('is off by default: the scheduled run sends none', async () => {
    const { person, email } = await activePerson({ supportStartDate: dayOffset(-30), supportEndDate: dayOffset(2) });
    await invokeLocal(local.outputs, 'portal-access-daily', {});
    expect((await local.mail.to(email)).map((message) => message.subject)).toEqual(['Your portal access']);
    expect((await accessOf(person.id)).history.map((entry) => entry.event)).not.toContain('supportEndReminderSent');
  });

  it('when on, is sent once per window end, however many runs (and retries) there are at once', async () => {
    const end = dayOffset(3);
    const { person, email } = await activePerson({ supportStartDate: dayOffset(-30), supportEndDate: end });
    const services = accessServicesAt(local.outputs, () => new Date(), { reminderDays: 7 });
    try {
      const runs = await Promise.all(Array.from({ length: 6 }, () => services.daily.checkPerson(person.id)));
      expect(runs.filter((run) => run.reminded)).toHaveLength(1);
      expect(await services.daily.checkPerson(person.id)).toEqual({ reconciled: false, reminded: false });
    } finally {
      services.close();
    }
    const reminders = (await local.mail.to(email)).filter((message) => message.subject !== 'Your portal access');
    expect(reminders).toHaveLength(1);
    expect(reminders[0]!.subject).toBe(`Your portal access ends on ${end}`);
    expect(reminders[0]!.body.text).toContain(local.outputs.PortalWebUrl);
    const view = await accessOf(person.id);
    expect(view.history).toContainEqual(
      expect.objectContaining({
        event: 'supportEndReminderSent',
        detail: expect.objectContaining({ supportEndDate: end }),
      }),
    );

    // The window is extended, then its new end comes near: one reminder for that end too.
    const later = dayOffset(20);
    expect(
      (await local.api.call('PATCH', `/partner-contacts/${person.id}`, { portal: { supportEndDate: later } })).status,
    ).toBe(200);
    const nearLater = accessServicesAt(local.outputs, inDays(15), { reminderDays: 7 });
    try {
      expect(await nearLater.daily.checkPerson(person.id)).toEqual({ reconciled: false, reminded: true });
      expect(await nearLater.daily.checkPerson(person.id)).toEqual({ reconciled: false, reminded: false });
    } finally {
      nearLater.close();
    }
    expect((await local.mail.to(email)).map((message) => message.subject)).toEqual([
      'Your portal access',
      `Your portal access ends on ${end}`,
      `Your portal access ends on ${later}`,
    ]);
  });
});

describe('signing in', () => {
  it('an allowed sign-in records lastSignInAt and invited → active; a refresh does not count as a sign-in', async () => {
    const { person, email } = await partnerContact();
    const [invitation] = await local.mail.waitFor(email);
    await untilAccess(person.id, (view) => view.status === 'invited', 'invited');
    // The temporary password only earns the new-password challenge: no token, no sign-in.
    const challenge = await local.users.signIn(email, temporaryPasswordIn(invitation!));
    expect(challenge.ChallengeName).toBe('NEW_PASSWORD_REQUIRED');
    expect((await accessOf(person.id)).lastSignInAt).toBeUndefined();

    const password = newPassword();
    await local.users.firstSignIn(email, temporaryPasswordIn(invitation!), password);
    const first = await accessOf(person.id);
    expect(first).toMatchObject({
      status: 'active',
      lastSignInAt: expect.any(String),
      activatedAt: expect.any(String),
    });

    const signedIn = await local.users.signIn(email, password);
    const second = await accessOf(person.id);
    expect(Date.parse(second.lastSignInAt!)).toBeGreaterThan(Date.parse(first.lastSignInAt!));

    const refreshed = await local.users.refresh(signedIn.AuthenticationResult!.RefreshToken!);
    expect(refreshed.AuthenticationResult?.AccessToken).toEqual(expect.any(String));
    expect((await accessOf(person.id)).lastSignInAt).toBe(second.lastSignInAt);
  });

  it('a refused sign-in leaves lastSignInAt unchanged, and is refused before the password is checked', async () => {
    const { person, email, password } = await activePerson();
    const before = await accessOf(person.id);
    expect(before.lastSignInAt).toEqual(expect.any(String));
    expect(
      (await local.api.call('PATCH', `/partner-contacts/${person.id}`, { portal: { supportEndDate: dayOffset(-1) } }))
        .status,
    ).toBe(200);

    const right = await signInAnswer(email, password);
    expect(right).toEqual({
      error: 'UserLambdaValidationException',
      message: `PreAuthentication failed with error ${refusalMessage}.`,
    });
    await expect(local.hosted.signIn(email, password)).rejects.toBeInstanceOf(HostedLoginError);

    const after = await accessOf(person.id);
    expect(after.lastSignInAt).toBe(before.lastSignInAt);
    expect(after.history).toContainEqual(
      expect.objectContaining({
        event: 'signInRefused',
        detail: { reason: 'outsideSupportWindow', trigger: 'PreAuthentication_Authentication' },
      }),
    );
  });

  it('a refused person gets the same answer with the right and a wrong password, through the API and the hosted login', async () => {
    const { person, email, password } = await activePerson();
    // Positive control: before the refusal, a wrong password is told apart from the right one.
    expect(await signInAnswer(email, `${password}x`)).toMatchObject({ error: expect.any(String) });
    expect(await signInAnswer(email, password)).toEqual({ tokens: true, challenge: undefined });
    expect(await hostedAnswer(email, password)).toEqual({ redirected: true });
    expect((await hostedAnswer(email, `${password}x`)).alert).toBe('Incorrect username or password.');

    const organizationId = person.organizationId as string;
    expect(
      (await local.api.call('PATCH', `/partner-organizations/${organizationId}`, { partnerStatus: 'Inactive' })).status,
    ).toBe(200);

    const refusal = {
      error: 'UserLambdaValidationException',
      message: `PreAuthentication failed with error ${refusalMessage}.`,
    };
    expect(await signInAnswer(email, password)).toEqual(refusal);
    expect(await signInAnswer(email, `${password}x`)).toEqual(refusal);
    expect(await signInAnswer(person.id, 'not-even-close')).toEqual(refusal);

    const hostedRight = await hostedAnswer(email, password);
    const hostedWrong = await hostedAnswer(email, `${password}x`);
    expect(hostedRight).toEqual({ status: 200, alert: `PreAuthentication failed with error ${refusalMessage}.` });
    expect(hostedWrong).toEqual(hostedRight);
  });

  it('a name nobody has gets the usual wrong-password answer, not the refusal (no user-existence oracle)', async () => {
    const nobody = `nobody.${short()}@example.com`;
    const answer = await signInAnswer(nobody, 'Whatever#Passw0rd');
    expect(answer).toMatchObject({ error: 'NotAuthorizedException' });
    expect((answer as { message: string }).message).not.toContain(refusalMessage);
    expect((await hostedAnswer(nobody, 'Whatever#Passw0rd')).alert).toBe('Incorrect username or password.');
  });
});
