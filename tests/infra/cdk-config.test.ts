import { ConfigError, parseDeploymentConfig, placeholderSenderEmail } from '../../infra/cdk/config';
import { defaultCreateRate } from '../../shared/config/provisioning-defaults';
import { context } from './synth-stack';

/** The deployment configuration (infra/cdk/config.ts): CDK context read, checked and defaulted. */

describe('parseDeploymentConfig', () => {
  const errorOf = (values: Record<string, unknown>) => {
    try {
      parseDeploymentConfig(context(values));
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    throw new Error('expected a ConfigError');
  };

  it("defaults to no CORS, UTC, 50/100 throttling, a derived domain prefix and the stack's own web app", () => {
    const parsed = parseDeploymentConfig(context({}));
    expect(parsed).toMatchObject({
      allowedOrigins: [],
      timeZone: 'UTC',
      apiThrottle: { rateLimit: 50, burstLimit: 100 },
      domainPrefix: undefined,
      senderEmail: placeholderSenderEmail,
      senderDomain: undefined,
      cognitoCreateRate: 40,
      alarmEmail: undefined,
      organizationName: 'Portico',
      branding: { organizationName: 'Portico', accentColor: '#0b5cad' },
      supportReminderDays: 0,
    });
    // Undefined: CloudFront's own name and certificate; the stack puts PortalWebUrl in the URLs below
    // (tests/infra/portal-web.test.ts).
    expect(parsed.portalDomain).toBeUndefined();
    expect(parsed.portalCallbackUrls).toBeUndefined();
    expect(parsed.portalLogoutUrls).toBeUndefined();
    expect(parsed.portalSignInUrl).toBeUndefined();
    expect(parsed.warnings).toEqual([
      expect.stringContaining(`senderEmail is not set; using ${placeholderSenderEmail}`),
    ]);
  });

  it('keeps the web app default for the URLs that are not configured, each on its own', () => {
    const parsed = parseDeploymentConfig(context({ portalLogoutUrls: ['https://portal.example.com/bye'] }));
    expect(parsed.portalCallbackUrls).toBeUndefined();
    expect(parsed.portalLogoutUrls).toEqual(['https://portal.example.com/bye']);
    // The invitation link follows the callback URLs only.
    expect(parsed.portalSignInUrl).toBeUndefined();
    expect(parsed.warnings).not.toContainEqual(expect.stringContaining('portal'));
  });

  describe('portal domain', () => {
    const domainName = 'portal.example.com';
    const certificateArn = 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555';

    it('reads the host name and certificate together, leaving the portal URLs to the stack', () => {
      const parsed = parseDeploymentConfig(context({ portalDomain: domainName, portalCertificateArn: certificateArn }));
      expect(parsed.portalDomain).toEqual({ domainName, certificateArn });
      expect(parsed.portalCallbackUrls).toBeUndefined();
      expect(parsed.portalLogoutUrls).toBeUndefined();
      expect(parsed.portalSignInUrl).toBeUndefined();
      expect(parsed.warnings).not.toContainEqual(expect.stringContaining('portal'));
    });

    it('refuses one without the other', () => {
      expect(errorOf({ portalDomain: domainName })).toMatch(
        /portalDomain is set but portalCertificateArn is not: .* takes both/,
      );
      expect(errorOf({ portalCertificateArn: certificateArn })).toMatch(
        /portalCertificateArn is set but portalDomain is not/,
      );
      // A malformed value counts as given: it is reported once, as malformed.
      const message = errorOf({ portalDomain: 'https://portal.example.com', portalCertificateArn: certificateArn });
      expect(message.match(/^ {2}- /gm)).toHaveLength(1);
    });

    it.each([
      'https://portal.example.com',
      'portal.example.com/',
      'portal.example.com/app',
      'portal.example.com:8443',
      'Portal.Example.com',
      'portal.example.com.',
      '*.example.com',
      'localhost',
      'portal_web.example.com',
    ])('refuses the host name %p', (host) => {
      expect(errorOf({ portalDomain: host, portalCertificateArn: certificateArn })).toMatch(
        new RegExp(`portalDomain "${host.replace(/[.*]/g, '\\$&')}" must be a lower-case host name`),
      );
    });

    it('refuses a certificate outside us-east-1, naming its region', () => {
      const frankfurt = certificateArn.replace('us-east-1', 'eu-central-1');
      expect(errorOf({ portalDomain: domainName, portalCertificateArn: frankfurt })).toMatch(
        /portalCertificateArn ".*" is in eu-central-1: CloudFront uses ACM certificates from us-east-1 only/,
      );
    });

    it.each([
      'arn:aws:acm:us-east-1:123456789012:certificate/not-a-uuid',
      'arn:aws:iam::123456789012:server-certificate/portal',
      'arn:aws:acm:us-east-1:1234:certificate/11111111-2222-3333-4444-555555555555',
      '11111111-2222-3333-4444-555555555555',
    ])('refuses %p as not an ACM certificate ARN', (arn) => {
      expect(errorOf({ portalDomain: domainName, portalCertificateArn: arn })).toMatch(
        /portalCertificateArn ".*" is not an ACM certificate ARN/,
      );
    });
  });

  it('defaults the creation rate to the provisioning code default, below the Cognito quota', () => {
    expect(parseDeploymentConfig(context({})).cognitoCreateRate).toBe(defaultCreateRate);
    expect(defaultCreateRate).toBeLessThan(50);
  });

  it('reads the sender, sign-in URL, creation rate and alarm address', () => {
    const parsed = parseDeploymentConfig(
      context({
        senderEmail: 'Portal@Mail.Example.com',
        senderDomain: 'Mail.Example.com',
        portalSignInUrl: 'https://portal.example.com/app/',
        cognitoCreateRate: 12.5,
        alarmEmail: 'ops@example.com',
        portalCallbackUrls: ['https://portal.example.com/callback'],
        portalLogoutUrls: ['https://portal.example.com/'],
      }),
    );
    expect(parsed).toMatchObject({
      senderEmail: 'Portal@Mail.Example.com',
      senderDomain: 'mail.example.com',
      portalSignInUrl: 'https://portal.example.com/app/',
      cognitoCreateRate: 12.5,
      alarmEmail: 'ops@example.com',
      warnings: [],
    });
    expect(parseDeploymentConfig(context({ cognitoCreateRate: '25' })).cognitoCreateRate).toBe(25);
  });

  it('derives the sender from the domain and the sign-in URL from the first callback URL', () => {
    const parsed = parseDeploymentConfig(
      context({
        senderDomain: 'mail.example.com',
        portalCallbackUrls: ['https://portal.example.com:8443/auth/callback', 'https://other.example.com/cb'],
        portalLogoutUrls: ['https://portal.example.com/'],
      }),
    );
    expect(parsed).toMatchObject({
      senderEmail: 'no-reply@mail.example.com',
      portalSignInUrl: 'https://portal.example.com:8443/',
      warnings: [],
    });
  });

  it('accepts a localhost sign-in URL for development, with a warning', () => {
    const parsed = parseDeploymentConfig(context({ portalSignInUrl: 'http://localhost:3000/' }));
    expect(parsed.portalSignInUrl).toBe('http://localhost:3000/');
    expect(parsed.warnings).toContainEqual(expect.stringContaining('portalSignInUrl is http://localhost:3000/'));
  });

  it('warns when the creation rate exceeds the default Cognito quota', () => {
    const parsed = parseDeploymentConfig(context({ cognitoCreateRate: 80 }));
    expect(parsed.cognitoCreateRate).toBe(80);
    expect(parsed.warnings).toContainEqual(expect.stringMatching(/cognitoCreateRate 80 is above .* quota \(50/));
  });

  it('rejects bad senders, naming them', () => {
    expect(errorOf({ senderEmail: 'portal-at-example.com' })).toMatch(
      /senderEmail "portal-at-example.com" is not an email address/,
    );
    expect(errorOf({ senderEmail: 42 })).toMatch(/senderEmail must be a non-empty string/);
    expect(errorOf({ senderDomain: 'localhost' })).toMatch(/senderDomain "localhost" must be a domain name/);
    expect(errorOf({ senderDomain: 'https://mail.example.com' })).toMatch(/senderDomain .* must be a domain name/);
    expect(errorOf({ senderDomain: 'mail.example.com', senderEmail: 'portal@example.com' })).toMatch(
      /senderEmail "portal@example.com" must be an address at senderDomain "mail.example.com"/,
    );
  });

  it('rejects a sign-in URL that is not absolute https', () => {
    expect(errorOf({ portalSignInUrl: 'portal.example.com' })).toMatch(
      /portalSignInUrl "portal.example.com" is not an absolute URL/,
    );
    expect(errorOf({ portalSignInUrl: 'http://portal.example.com/' })).toMatch(
      /portalSignInUrl "http:\/\/portal.example.com\/" must use https/,
    );
    expect(errorOf({ portalSignInUrl: 'ftp://portal.example.com/' })).toMatch(/portalSignInUrl .* must use https/);
  });

  it.each([0, -5, 0.5, 'fast', '', '1e400', true, Number.NaN])('rejects cognitoCreateRate %p', (rate) => {
    expect(errorOf({ cognitoCreateRate: rate })).toMatch(
      /cognitoCreateRate must be a number of Cognito user creations per second, at least 1/,
    );
  });

  it('rejects an alarm address that is not one', () => {
    expect(errorOf({ alarmEmail: 'ops' })).toMatch(/alarmEmail "ops" is not an email address/);
    expect(errorOf({ organizationName: 'Acme <script>' })).toMatch(/organizationName "Acme <script>" must not contain/);
    expect(errorOf({ organizationName: 'Acme\u202Egnp' })).toMatch(/must not contain control or formatting characters/);
    expect(errorOf({ organizationName: 'A'.repeat(65) })).toMatch(/must be at most 64 characters/);
    expect(errorOf({ organizationName: 42 })).toMatch(/organizationName must be a non-empty string/);
  });

  it('accepts lists as arrays, JSON text (cdk -c) or comma-separated text', () => {
    expect(parseDeploymentConfig(context({ allowedOrigins: '["https://a.example.com"]' })).allowedOrigins).toEqual([
      'https://a.example.com',
    ]);
    expect(
      parseDeploymentConfig(context({ allowedOrigins: 'https://a.example.com, https://b.example.com:8443' }))
        .allowedOrigins,
    ).toEqual(['https://a.example.com', 'https://b.example.com:8443']);
    expect(parseDeploymentConfig(context({ apiThrottle: '{"rateLimit":5,"burstLimit":10}' })).apiThrottle).toEqual({
      rateLimit: 5,
      burstLimit: 10,
    });
    expect(parseDeploymentConfig(context({ timeZone: 'Europe/Berlin', domainPrefix: 'acme-portal' }))).toMatchObject({
      timeZone: 'Europe/Berlin',
      domainPrefix: 'acme-portal',
    });
  });

  it('rejects an unknown time zone, naming it', () => {
    expect(errorOf({ timeZone: 'Mars/Olympus_Mons' })).toMatch(
      /timeZone "Mars\/Olympus_Mons" is not an IANA time zone/,
    );
  });

  it('rejects a non-https origin and an origin with a path', () => {
    expect(errorOf({ allowedOrigins: ['http://portal.example.com'] })).toMatch(
      /allowedOrigins entry "http:\/\/portal.example.com" must be an https origin/,
    );
    expect(errorOf({ allowedOrigins: ['https://portal.example.com/'] })).toMatch(/use "https:\/\/portal.example.com"/);
    expect(errorOf({ allowedOrigins: 42 })).toMatch(/allowedOrigins must be a list/);
  });

  it('rejects redirect URLs Cognito would refuse', () => {
    expect(errorOf({ portalCallbackUrls: ['http://portal.example.com/callback'] })).toMatch(
      /portalCallbackUrls entry .* must use https/,
    );
    expect(errorOf({ portalLogoutUrls: ['https://portal.example.com/#bye'] })).toMatch(/must not contain a #fragment/);
    expect(errorOf({ portalCallbackUrls: [] })).toMatch(/portalCallbackUrls must list at least one URL/);
    // A malformed value is reported once, as malformed, not also as empty.
    expect(errorOf({ portalCallbackUrls: 5 }).match(/^ {2}- /gm)).toHaveLength(1);
    const local = parseDeploymentConfig(context({ portalCallbackUrls: ['http://localhost:3000/cb'] }));
    expect(local.portalCallbackUrls).toEqual(['http://localhost:3000/cb']);
    // The invitation link derived from it points at a developer's machine: synth warns.
    expect(local.portalSignInUrl).toBe('http://localhost:3000/');
    expect(local.warnings).toContainEqual(
      expect.stringContaining('portalSignInUrl is not set; invitations link to http://localhost:3000/'),
    );
  });

  it('rejects bad throttling and domain prefixes', () => {
    expect(errorOf({ apiThrottle: { rateLimit: -1, burstLimit: 1.5 } })).toMatch(
      /apiThrottle.rateLimit must be a positive number[\s\S]*apiThrottle.burstLimit must be a positive whole number/,
    );
    expect(errorOf({ apiThrottle: { rate: 5 } })).toMatch(/unknown keys: rate/);
    expect(errorOf({ domainPrefix: 'Portico_Login' })).toMatch(/domainPrefix "Portico_Login" must be 1-63 characters/);
    expect(errorOf({ domainPrefix: 'my-aws-login' })).toMatch(/must not contain "aws"/);
  });

  it('names the organization, its https logo and its accent colour once, for the app, the login and emails', () => {
    expect(
      parseDeploymentConfig(
        context({ organizationName: 'Acme', logoUrl: 'https://cdn.example.com/acme.svg', accentColor: '#5A2D82' }),
      ).branding,
    ).toEqual({ organizationName: 'Acme', logoUrl: 'https://cdn.example.com/acme.svg', accentColor: '#5a2d82' });
  });

  it('refuses a logo not on https and an accent colour too light for AA, suggesting a darker one', () => {
    expect(errorOf({ logoUrl: 'http://cdn.example.com/acme.svg' })).toMatch(
      /logoUrl "http:\/\/cdn.example.com\/acme.svg" must use https/,
    );
    expect(errorOf({ accentColor: 'orange' })).toMatch(/accentColor "orange" must be a hex colour/);
    expect(errorOf({ accentColor: '#ff8800' })).toMatch(
      /accentColor "#ff8800" has a contrast of 2\.39:1 against white, below the 4\.5:1 .* #af5c00 is the same hue dark enough/,
    );
  });

  it('reports every problem at once', () => {
    const message = errorOf({
      timeZone: 'Nowhere',
      allowedOrigins: ['ftp://x'],
      domainPrefix: '-x',
      senderEmail: 'x',
      portalSignInUrl: 'x',
      cognitoCreateRate: 0,
      alarmEmail: 'x',
      portalCertificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555',
    });
    // The certificate's region, and its domain missing.
    expect(message.match(/^ {2}- /gm)).toHaveLength(9);
  });
});
