import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { originVerifyHeader } from '../../shared/http/origin-verify';
import { hostedLogin, parseLoginForm, pkcePair } from '../support/hosted-login';
import { temporaryPasswordIn } from '../support/mailbox';
import { apiClient } from '../support/staff-api';
import { localStackContext } from '../support/local-stack-context';

/**
 * The web app's origin (CloudFront's part, locally) and the local hosted login's first-sign-in step, over
 * plain HTTP. The browser journey itself is tests/e2e/portal-web.test.ts.
 */
jest.setTimeout(60_000);

type Json = Record<string, unknown>;

const local = localStackContext();

const short = () => randomUUID().slice(0, 8);
const goodPassword = () => `Good#Passw0rd-${short()}`;

/** A partner contact invited to the portal, not yet signed in: email and temporary password. */
async function invitedPartner(portal: Json = {}) {
  const organization = await local.api.create('partner-organizations', {
    name: `Web ${short()}`,
    partnerStatus: 'Active',
  });
  const email = `web.${short()}@example.com`;
  const person = await local.api.create('partner-contacts', {
    firstName: 'Wendy',
    lastName: 'Web',
    email,
    organizationId: organization.id,
    portal: { enabled: true, ...portal },
  });
  const [invitation] = await local.mail.waitFor(email);
  return { organization, person, email, temporaryPassword: temporaryPasswordIn(invitation!) };
}

describe('the web app origin', () => {
  it('serves the app with strict security headers and revalidated entry files', async () => {
    const response = await fetch(local.outputs.PortalWebUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain(
      `connect-src 'self' ${new URL(local.outputs.CognitoEndpoint).origin} ${new URL(local.outputs.S3Endpoint).origin};`,
    );
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('strict-transport-security')).toMatch(/^max-age=\d+/);

    const html = await response.text();
    const script = /<script type="module" src="([^"]+)"/.exec(html)![1]!;
    const asset = await fetch(new URL(script, local.outputs.PortalWebUrl));
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  it('tells the app where the hosted login is and which client it is', async () => {
    const response = await fetch(new URL('config.json', local.outputs.PortalWebUrl));
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(await response.json()).toEqual({
      loginUrl: local.outputs.CognitoEndpoint,
      clientId: local.outputs.PortalClientId,
      scopes: 'openid email profile',
      // The deployment's branding for the header (the local default: no LOGO_URL or ACCENT_COLOR set by the tests).
      branding: { organizationName: expect.any(String), accentColor: expect.stringMatching(/^#[0-9a-f]{6}$/i) },
    });
  });

  it('serves only the files of the build: anything else is a 404, and only GET or HEAD', async () => {
    for (const path of ['/nothing-here.js', '/..%2Fpackage.json', '/%2e%2e/%2e%2e/package.json', '/index.html/'])
      expect({ path, status: (await fetch(new URL(path, local.outputs.PortalWebUrl))).status }).toEqual({
        path,
        status: 404,
      });
    expect((await fetch(local.outputs.PortalWebUrl, { method: 'POST', body: 'x' })).status).toBe(405);
    expect((await fetch(local.outputs.PortalWebUrl, { method: 'HEAD' })).status).toBe(200);
  });

  it('forwards /portal/* to the API on its own origin, where the gateway checks the token', async () => {
    const response = await fetch(new URL('portal/me', local.outputs.PortalWebUrl));
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ message: 'Unauthorized' });
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    // Nothing else of the API is reachable through the web origin.
    expect((await fetch(new URL('organizations', local.outputs.PortalWebUrl))).status).toBe(404);
  });
});

/**
 * The address a signature records. The test connects from other loopback addresses (127.0.0.2, 127.0.0.3) than the
 * web origin's own (127.0.0.1), so the viewer's address, the origin's and a forged one are all different.
 */
describe('the address recorded in a signature', () => {
  /** A request from `localAddress`, as fetch cannot choose its source address. */
  function requestFrom(
    localAddress: string,
    url: string,
    token: string,
    body: unknown,
    headers: Record<string, string>,
  ) {
    const payload = JSON.stringify(body);
    return new Promise<{ status: number; body: Json }>((resolve, reject) => {
      const req = httpRequest(
        url,
        {
          method: 'POST',
          localAddress,
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
            ...headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Json }),
          );
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  let signer: { organization: Json & { id: string }; person: Json & { id: string }; accessToken: string };
  beforeAll(async () => {
    const { organization, person, email, temporaryPassword } = await invitedPartner({ canESign: true });
    const password = goodPassword();
    await local.users.firstSignIn(email, temporaryPassword, password);
    const { accessToken } = await hostedLogin(local.outputs).signIn(email, password);
    const web = apiClient(local.outputs.PortalWebUrl.replace(/\/$/, ''), accessToken);
    expect((await web('PUT', '/portal/pin', { newPin: '2468' })).status).toBe(204);
    signer = { organization, person, accessToken };
  });

  const newOrder = () =>
    local.api.create('sales-orders', {
      subject: `Signed ${short()}`,
      organizationId: signer.organization.id,
      contactId: signer.person.id,
      showOnPortal: true,
      lineItems: [{ description: 'Widget', quantity: 1, unitPrice: 10 }],
    });
  const forgedViewer = { 'cloudfront-viewer-address': '203.0.113.9:1234' };

  it("through the web origin: the viewer's own address, whatever viewer address or origin secret the client sends", async () => {
    const order = await newOrder();
    const signed = await requestFrom(
      '127.0.0.2',
      new URL(`portal/sales-orders/${order.id}/signature`, local.outputs.PortalWebUrl).toString(),
      signer.accessToken,
      { pin: '2468' },
      { ...forgedViewer, [originVerifyHeader]: 'a-guess' },
    );
    expect(signed.status).toBe(201);
    // Not the web origin's own address (127.0.0.1), which the API sees as the source.
    expect(signed.body.sourceIp).toBe('127.0.0.2');
  });

  it('straight to the API: the real source address, not the viewer address the caller claims', async () => {
    const order = await newOrder();
    const signed = await requestFrom(
      '127.0.0.3',
      `${local.outputs.ApiUrl}/portal/sales-orders/${order.id}/signature`,
      signer.accessToken,
      { pin: '2468' },
      forgedViewer,
    );
    expect(signed.status).toBe(201);
    expect(signed.body.sourceIp).toBe('127.0.0.3');
  });

  it('straight to the API with a wrong origin secret: the real source address', async () => {
    const order = await newOrder();
    const signed = await requestFrom(
      '127.0.0.3',
      `${local.outputs.ApiUrl}/portal/sales-orders/${order.id}/signature`,
      signer.accessToken,
      { pin: '2468' },
      { ...forgedViewer, [originVerifyHeader]: randomUUID() },
    );
    expect(signed.status).toBe(201);
    expect(signed.body.sourceIp).toBe('127.0.0.3');
  });
});

describe('the local hosted login', () => {
  const client = () => ({
    redirectUri: local.outputs.PortalWebUrl,
    authorize: async (state = short()) => {
      const { verifier, challenge } = pkcePair();
      const url = new URL(`${local.outputs.CognitoEndpoint}/oauth2/authorize`);
      url.search = new URLSearchParams({
        client_id: local.outputs.PortalClientId,
        redirect_uri: local.outputs.PortalWebUrl,
        response_type: 'code',
        code_challenge: challenge,
        code_challenge_method: 'S256',
        scope: 'openid email profile',
        state,
      }).toString();
      const page = await fetch(url);
      expect(page.status).toBe(200);
      return { verifier, state, form: parseLoginForm(await page.text(), url.toString()) };
    },
  });

  async function post(action: string, fields: Record<string, string>) {
    const response = await fetch(action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
      redirect: 'manual',
    });
    return { status: response.status, location: response.headers.get('location'), html: await response.text() };
  }

  it('a first sign-in must choose a new password meeting the policy before any code is issued', async () => {
    const { email, temporaryPassword } = await invitedPartner();
    const { state, verifier, form } = await client().authorize();

    const first = await post(form.action, { ...form.fields, username: email, password: temporaryPassword });
    expect(first.status).toBe(200);
    expect(first.html).toContain('Choose a new password');
    expect(first.html).not.toContain(temporaryPassword);
    const step = parseLoginForm(first.html, form.action);
    expect(step.fields.new_password_session).toEqual(expect.any(String));

    const tooWeak = await post(step.action, { ...step.fields, new_password: 'short', confirm_password: 'short' });
    expect(tooWeak.status).toBe(200);
    expect(tooWeak.html).toContain('at least 12 characters');
    const noSymbol = await post(step.action, {
      ...step.fields,
      new_password: 'Abcdefgh12345',
      confirm_password: 'Abcdefgh12345',
    });
    expect(noSymbol.html).toContain('must contain a symbol');
    const password = goodPassword();
    const mismatch = await post(step.action, {
      ...step.fields,
      new_password: password,
      confirm_password: `${password}x`,
    });
    expect(mismatch.html).toContain('not the same');
    expect((await local.users.login(email))?.status).toBe('FORCE_CHANGE_PASSWORD');

    const chosen = await post(step.action, { ...step.fields, new_password: password, confirm_password: password });
    expect(chosen.status).toBe(302);
    const callback = new URL(chosen.location!);
    expect(`${callback.origin}${callback.pathname}`).toBe(local.outputs.PortalWebUrl);
    expect(callback.searchParams.get('state')).toBe(state);
    expect((await local.users.login(email))?.status).toBe('CONFIRMED');

    // The code is for this client and verifier; the person then signs in with the new password only.
    const token = await fetch(`${local.outputs.CognitoEndpoint}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: local.outputs.PortalClientId,
        code: callback.searchParams.get('code')!,
        redirect_uri: local.outputs.PortalWebUrl,
        code_verifier: verifier,
      }).toString(),
    });
    expect(token.status).toBe(200);
    const again = await client().authorize();
    const withTemporary = await post(again.form.action, {
      ...again.form.fields,
      username: email,
      password: temporaryPassword,
    });
    expect(withTemporary.html).toContain('Incorrect username or password.');
    // The new-password step cannot be replayed.
    const replay = await post(step.action, { ...step.fields, new_password: password, confirm_password: password });
    expect(replay.status).toBe(200);
    expect(replay.html).toContain('Sign in again');
  });

  it('revokes a refresh token, and signs out only to a registered address', async () => {
    const { email, temporaryPassword } = await invitedPartner();
    const password = goodPassword();
    await local.users.firstSignIn(email, temporaryPassword, password);
    const login = hostedLogin(local.outputs);
    const tokens = await login.signIn(email, password);
    await expect(login.refresh(tokens.refreshToken!)).resolves.toMatchObject({ accessToken: expect.any(String) });

    const revoke = await post(`${local.outputs.CognitoEndpoint}/oauth2/revoke`, {
      token: tokens.refreshToken!,
      client_id: local.outputs.PortalClientId,
    });
    expect(revoke.status).toBe(200);
    await expect(login.refresh(tokens.refreshToken!)).rejects.toMatchObject({ step: 'refresh', status: 400 });

    const logout = (uri: string) =>
      fetch(
        `${local.outputs.CognitoEndpoint}/logout?${new URLSearchParams({ client_id: local.outputs.PortalClientId, logout_uri: uri })}`,
        { redirect: 'manual' },
      );
    const registered = await logout(local.outputs.PortalWebUrl);
    expect(registered.status).toBe(302);
    expect(registered.headers.get('location')).toBe(local.outputs.PortalWebUrl);
    expect((await logout('https://evil.example.com/')).status).toBe(400);
  });
});
