import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { localCredentials, localRegion } from '../../infra/local/local-aws';
import { waitFor } from '../../infra/local/managed-process';
import { temporaryPasswordIn } from '../support/mailbox';
import { repoRoot } from '../../infra/local/stack-process';
import { invokeLocal } from '../support/invoke-local';
import { localStackContext } from '../support/local-stack-context';

/**
 * Portal access end to end on the local stack: a staff write → DynamoDB Local's stream → the local event
 * source mapping → the controller → cognito-local and the local mail server.
 */
jest.setTimeout(90_000);

const local = localStackContext();

const uniqueEmail = (name: string) => `${name}.${randomUUID().slice(0, 8)}@example.com`;
const newPassword = () => `New#Passw0rd-${randomUUID().slice(0, 6)}`;

interface AccessView {
  status: string;
  reason?: string;
  recordedStatus?: string;
  effective: boolean;
  invitedAt?: string;
  activatedAt?: string;
  lastError?: string;
  history: { event: string; actor: string; detail?: Record<string, unknown> }[];
}

async function access(module: string, id: string): Promise<AccessView> {
  const response = await local.api.call<AccessView>('GET', `/${module}/${id}/portal-access`);
  expect(response.status).toBe(200);
  return response.body;
}

async function untilStatus(module: string, id: string, status: string, reason?: string): Promise<AccessView> {
  let view: AccessView | undefined;
  await waitFor(
    async () => {
      view = await access(module, id);
      // Shown at once, recorded once the controller has brought the login in line (no `recordedStatus` then).
      return (
        view.status === status && view.recordedStatus === undefined && (reason === undefined || view.reason === reason)
      );
    },
    20_000,
    () => `${id} to be ${status}${reason ? ` (${reason})` : ''}; last seen ${JSON.stringify(view)}`,
  );
  return view!;
}

async function activePartnerOrganization() {
  return local.api.create('partner-organizations', {
    name: `Partner ${randomUUID().slice(0, 6)}`,
    partnerStatus: 'Active',
  });
}

async function invitedPartnerContact(extra: Record<string, unknown> = {}) {
  const organization = await activePartnerOrganization();
  const email = uniqueEmail('partner');
  const person = await local.api.create('partner-contacts', {
    firstName: 'Pat',
    lastName: 'Partner',
    email,
    organizationId: organization.id,
    ...extra,
    portal: { enabled: true, ...(extra.portal as object | undefined) },
  });
  const [invitation] = await local.mail.waitFor(email);
  await untilStatus('partner-contacts', person.id, 'invited');
  return { organization, person, email, invitation: invitation!, temporaryPassword: temporaryPasswordIn(invitation!) };
}

describe('enabling portal access', () => {
  it('creates one login named by the person id and sends one invitation with everything needed to sign in', async () => {
    const { person, email, invitation, temporaryPassword } = await invitedPartnerContact({
      firstName: 'Ada <b>',
      portal: {
        username: `ada-${randomUUID().slice(0, 6)}`,
        supportStartDate: '2026-01-01',
        supportEndDate: '2027-12-31',
      },
    });
    const username = (await local.api.call('GET', `/partner-contacts/${person.id}`)).body.portal as {
      username: string;
    };

    const login = await local.users.login(person.id);
    expect(login).toMatchObject({ enabled: true, status: 'FORCE_CHANGE_PASSWORD' });
    expect(login?.attributes).toMatchObject({ email, email_verified: 'true', preferred_username: username.username });

    expect(invitation.subject).toBe('Your portal access');
    expect(invitation.body.text).toContain('Hello Ada <b> Partner');
    expect(invitation.body.html).toContain('Ada &lt;b&gt; Partner');
    expect(invitation.body.html).not.toContain('Ada <b>');
    expect(invitation.body.text).toContain(`Sign-in name: ${email} or ${username.username}`);
    expect(invitation.body.text).toMatch(/works until \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    expect(invitation.body.text).toContain('choose a new password');
    expect(invitation.body.text).toContain('from 2026-01-01 to 2027-12-31');
    expect(invitation.body.text).toContain('http://');

    // The password in the email is the one Cognito holds, and it forces a new password.
    const signedIn = await local.users.firstSignIn(email, temporaryPassword, newPassword());
    expect(signedIn.AuthenticationResult?.AccessToken).toEqual(expect.any(String));

    // Choosing their own password made them active (the post-sign-in trigger).
    const view = await access('partner-contacts', person.id);
    expect(view).toMatchObject({
      status: 'active',
      effective: true,
      invitedAt: expect.any(String),
      activatedAt: expect.any(String),
      lastSignInAt: expect.any(String),
    });
    expect(view.history.map((entry) => entry.event)).toEqual(
      expect.arrayContaining(['portalEnabled', 'invitationSent']),
    );
    expect(view.history.find((entry) => entry.event === 'invitationSent')?.detail).toMatchObject({
      from: 'pending',
      to_status: 'invited',
      actions: ['createLogin', 'sendInvitation'],
    });
    expect(view.history.find((entry) => entry.event === 'invitationSent')?.detail?.messageId).toEqual(
      expect.any(String),
    );
    expect(view.history.find((entry) => entry.event === 'portalEnabled')?.actor).toMatch(/^staff:/);
    // Exactly one invitation, even after everything settled.
    expect(await local.mail.to(email)).toHaveLength(1);
  });

  it('sends the invitation even to someone who opted out of email: it is transactional', async () => {
    const { invitation } = await invitedPartnerContact({ emailOptOut: true });
    expect(invitation.subject).toBe('Your portal access');
  });

  it('sets pending in the enabling request itself', async () => {
    const organization = await activePartnerOrganization();
    const person = await local.api.create('partner-contacts', {
      lastName: 'Pending',
      email: uniqueEmail('pending'),
      organizationId: organization.id,
      portal: { enabled: true },
    });
    // Read before the controller can have run: the state exists from the write on.
    const view = await access('partner-contacts', person.id);
    expect(['pending', 'invited']).toContain(view.status);
  });

  it('leaves someone without an email suspended, with no login and no mail', async () => {
    const person = await local.api.create('leads', { lastName: 'No Email', portal: { enabled: true } });
    const view = await untilStatus('leads', person.id, 'suspended', 'emailMissing');
    expect(view.effective).toBe(false);
    expect(await local.users.login(person.id)).toBeUndefined();
  });
});

describe('taking access away', () => {
  it('unticking disables the login and revokes its refresh tokens (positive control first)', async () => {
    const { person, email, temporaryPassword } = await invitedPartnerContact();
    const password = newPassword();
    await local.users.firstSignIn(email, temporaryPassword, password);
    // A refresh token from a plain password sign-in (cognito-local does not keep the challenge's one).
    const tokens = (await local.users.signIn(email, password)).AuthenticationResult!;
    expect((await local.users.refresh(tokens.RefreshToken!)).AuthenticationResult?.AccessToken).toEqual(
      expect.any(String),
    );

    expect(
      (await local.api.call('PATCH', `/partner-contacts/${person.id}`, { portal: { enabled: false } })).status,
    ).toBe(200);
    const view = await untilStatus('partner-contacts', person.id, 'revoked', 'portalDisabled');
    expect(view.effective).toBe(false);
    expect((await local.users.login(person.id))?.enabled).toBe(false);
    await expect(local.users.refresh(tokens.RefreshToken!)).rejects.toThrow();
  });

  it('deactivating a partner organization suspends every partner contact of it; reactivating restores them', async () => {
    const organization = await activePartnerOrganization();
    const people = await Promise.all(
      ['One', 'Two'].map((name) =>
        local.api.create('partner-contacts', {
          lastName: name,
          email: uniqueEmail(name.toLowerCase()),
          organizationId: organization.id,
          portal: { enabled: true },
        }),
      ),
    );
    for (const person of people) await untilStatus('partner-contacts', person.id, 'invited');

    await local.api.call('PATCH', `/partner-organizations/${organization.id}`, { partnerStatus: 'Inactive' });
    for (const person of people) {
      await untilStatus('partner-contacts', person.id, 'suspended', 'organizationInactive');
      expect((await local.users.login(person.id))?.enabled).toBe(false);
    }

    await local.api.call('PATCH', `/partner-organizations/${organization.id}`, { partnerStatus: 'Active' });
    for (const person of people) {
      await untilStatus('partner-contacts', person.id, 'invited');
      expect((await local.users.login(person.id))?.enabled).toBe(true);
    }
  });

  it('deleting the person deletes the login and keeps the audit trail', async () => {
    const { person } = await invitedPartnerContact();
    expect((await local.api.call('DELETE', `/partner-contacts/${person.id}`)).status).toBe(204);
    await waitFor(async () => (await local.users.login(person.id)) === undefined, 20_000, 'the login to be deleted');
    const view = await untilStatus('partner-contacts', person.id, 'revoked', 'personDeleted');
    expect(view.history.map((entry) => entry.event)).toContain('invitationSent');
  });
});

describe('giving access back', () => {
  it('re-enabling someone who never signed in sends a fresh invitation with a new password', async () => {
    const { person, email, temporaryPassword } = await invitedPartnerContact();
    await local.api.call('PATCH', `/partner-contacts/${person.id}`, { portal: { enabled: false } });
    await untilStatus('partner-contacts', person.id, 'revoked');
    await local.api.call('PATCH', `/partner-contacts/${person.id}`, { portal: { enabled: true } });
    const [, second] = await local.mail.waitFor(email, 2);
    const fresh = temporaryPasswordIn(second!);
    expect(fresh).not.toBe(temporaryPassword);
    expect((await local.users.login(person.id))?.enabled).toBe(true);
    await local.users.firstSignIn(email, fresh, newPassword());
  });

  it('re-enabling someone who had signed in restores the same login without a new invitation', async () => {
    const { person, email, temporaryPassword } = await invitedPartnerContact();
    const password = newPassword();
    await local.users.firstSignIn(email, temporaryPassword, password);
    await local.api.call('PATCH', `/partner-contacts/${person.id}`, { portal: { enabled: false } });
    await untilStatus('partner-contacts', person.id, 'revoked');
    await local.api.call('PATCH', `/partner-contacts/${person.id}`, { portal: { enabled: true } });
    await untilStatus('partner-contacts', person.id, 'active');
    expect((await local.users.login(person.id))?.enabled).toBe(true);
    expect((await local.users.signIn(email, password)).AuthenticationResult?.AccessToken).toEqual(expect.any(String));
    expect(await local.mail.to(email)).toHaveLength(1);
  });
});

describe('changing who the person is', () => {
  it('an email change moves the sign-in email, keeps the password and tells both addresses', async () => {
    const { person, email, temporaryPassword } = await invitedPartnerContact();
    const password = newPassword();
    await local.users.firstSignIn(email, temporaryPassword, password);
    const newEmail = uniqueEmail('moved');
    expect((await local.api.call('PATCH', `/partner-contacts/${person.id}`, { email: newEmail })).status).toBe(200);

    const [toNew] = await local.mail.waitFor(newEmail);
    const toOld = (await local.mail.waitFor(email, 2))[1];
    for (const notice of [toNew!, toOld!]) {
      expect(notice.subject).toBe('Your portal sign-in email changed');
      expect(notice.body.text).toContain(`from ${email} to ${newEmail}`);
    }
    await waitFor(
      async () => (await local.users.login(person.id))?.attributes.email === newEmail,
      20_000,
      'the new email',
    );
    expect((await local.users.signIn(newEmail, password)).AuthenticationResult?.AccessToken).toEqual(
      expect.any(String),
    );
    await expect(local.users.signIn(email, password)).rejects.toThrow();
  });

  it('a username change moves the sign-in username', async () => {
    const { person } = await invitedPartnerContact({ portal: { username: `old-${randomUUID().slice(0, 6)}` } });
    const username = `new-${randomUUID().slice(0, 6)}`;
    await local.api.call('PATCH', `/partner-contacts/${person.id}`, { portal: { username } });
    await waitFor(
      async () => (await local.users.login(person.id))?.attributes.preferred_username === username,
      20_000,
      'the new username in Cognito',
    );
  });
});

describe('staff actions', () => {
  it('resends an invitation with a new password: 202, then 429 within the minute', async () => {
    const { person, email, temporaryPassword } = await invitedPartnerContact();
    const resent = await local.api.call('POST', `/partner-contacts/${person.id}/portal-access/invitations`);
    expect(resent.status).toBe(202);
    const [, second] = await local.mail.waitFor(email, 2);
    expect(temporaryPasswordIn(second!)).not.toBe(temporaryPassword);
    const again = await local.api.call('POST', `/partner-contacts/${person.id}/portal-access/invitations`);
    expect(again.status).toBe(429);
    expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await local.mail.to(email)).toHaveLength(2);
  });

  it('refuses to resend to someone who is active or was never invited (409)', async () => {
    const never = await local.api.create('contacts', { lastName: 'Never', email: uniqueEmail('never') });
    expect((await local.api.call('POST', `/contacts/${never.id}/portal-access/invitations`)).status).toBe(409);
    const { person, email, temporaryPassword } = await invitedPartnerContact();
    await local.users.firstSignIn(email, temporaryPassword, newPassword());
    await local.api.call('POST', `/partner-contacts/${person.id}/portal-access/reconcile`);
    await untilStatus('partner-contacts', person.id, 'active');
    const refused = await local.api.call('POST', `/partner-contacts/${person.id}/portal-access/invitations`);
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toMatch(/active/);
  });

  it('reconcile repairs a login deleted behind Portico’s back, with one new invitation', async () => {
    const { person, email } = await invitedPartnerContact();
    const { AdminDeleteUserCommand, CognitoIdentityProviderClient } =
      await import('@aws-sdk/client-cognito-identity-provider');
    const cognito = new CognitoIdentityProviderClient({
      endpoint: local.outputs.CognitoEndpoint,
      region: localRegion,
      credentials: localCredentials,
    });
    await cognito.send(new AdminDeleteUserCommand({ UserPoolId: local.outputs.PortalUserPoolId, Username: person.id }));
    cognito.destroy();
    const repaired = await local.api.call<{ actions: string[] }>(
      'POST',
      `/partner-contacts/${person.id}/portal-access/reconcile`,
    );
    expect(repaired.status).toBe(200);
    expect(repaired.body.actions).toEqual(expect.arrayContaining(['createLogin', 'sendInvitation']));
    expect((await local.users.login(person.id))?.enabled).toBe(true);
    expect(await local.mail.waitFor(email, 2)).toHaveLength(2);
    // Reconciling again finds nothing to do.
    const again = await local.api.call<{ actions: string[] }>(
      'POST',
      `/partner-contacts/${person.id}/portal-access/reconcile`,
    );
    expect(again.body.actions).toEqual([]);
  });

  it('npm run reconcile repairs drift for one person and walks everyone with --all', async () => {
    const { person, email } = await invitedPartnerContact();
    const { AdminDisableUserCommand, CognitoIdentityProviderClient } =
      await import('@aws-sdk/client-cognito-identity-provider');
    const cognito = new CognitoIdentityProviderClient({
      endpoint: local.outputs.CognitoEndpoint,
      region: localRegion,
      credentials: localCredentials,
    });
    await cognito.send(
      new AdminDisableUserCommand({ UserPoolId: local.outputs.PortalUserPoolId, Username: person.id }),
    );
    cognito.destroy();
    const run = (...args: string[]) =>
      spawnSync(
        process.execPath,
        ['--import', 'tsx', 'infra/ops/reconcile.ts', `--data-dir=${process.env.PORTICO_DATA_DIR}`, ...args],
        {
          cwd: repoRoot,
          encoding: 'utf8',
        },
      );
    const one = run('--person', person.id);
    expect(one.status).toBe(0);
    expect(one.stdout).toContain(`${person.id}: invited (enableLogin`);
    expect((await local.users.login(person.id))?.enabled).toBe(true);
    // It was re-enabled without having signed in: a fresh invitation.
    expect(await local.mail.waitFor(email, 2)).toHaveLength(2);
    const all = run('--all');
    expect(all.status).toBe(0);
    // Other tests share this stack, so some of their people may still be mid-flight: only failures would be wrong.
    expect(all.stdout).toMatch(/Reconciled \d+ \(.*\); \d+ changed, 0 failed\./);
  });

  it('answers 404 for the access of a person that does not exist', async () => {
    expect((await local.api.call('GET', `/contacts/con_${randomUUID()}/portal-access`)).status).toBe(404);
  });

  it('answers 404 to a reconcile of a person that does not exist, as the status route does, and records nothing', async () => {
    for (const module of ['contacts', 'leads', 'partner-contacts'] as const) {
      const id = `${{ contacts: 'con', leads: 'lead', 'partner-contacts': 'pcon' }[module]}_${randomUUID()}`;
      const response = await local.api.call<{ status: number; detail: string }>(
        'POST',
        `/${module}/${id}/portal-access/reconcile`,
      );
      expect([module, response.status, response.headers.get('content-type')]).toEqual([
        module,
        404,
        'application/problem+json',
      ]);
      expect(response.body.detail).toContain(id);
      // Nothing was written for the id: the status route still finds neither a person nor an access item.
      expect((await local.api.call('GET', `/${module}/${id}/portal-access`)).status).toBe(404);
    }
  });
});

describe('email feedback', () => {
  it('a permanent bounce of the invitation marks the person failed with emailBounced', async () => {
    const { person } = await invitedPartnerContact();
    const view = await access('partner-contacts', person.id);
    const messageId = view.history.find((entry) => entry.event === 'invitationSent')?.detail?.messageId as string;
    const sesEvent = {
      eventType: 'Bounce',
      bounce: { bounceType: 'Permanent', bouncedRecipients: [{ emailAddress: 'x@example.com' }] },
      mail: { messageId, tags: { personId: [person.id], purpose: ['invitation'] } },
    };
    await invokeLocal(local.outputs, 'ses-feedback', {
      Records: [{ EventSource: 'aws:sns', Sns: { MessageId: 'm-1', Message: JSON.stringify(sesEvent) } }],
    });
    const failed = await untilStatus('partner-contacts', person.id, 'failed', 'emailBounced');
    expect(failed.lastError).toMatch(/bounced/);
    // Failed invitations may be sent again.
    expect((await local.api.call('POST', `/partner-contacts/${person.id}/portal-access/invitations`)).status).toBe(202);
  });
});
