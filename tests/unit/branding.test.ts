import { escapeHtml, invitationEmail, supportEndingReminder, emailChangedNotice } from '../../shared/access/emails';
import {
  accentColorProblem,
  brandingFromEnvironment,
  brandingEnvironmentValue,
  contrastWithWhite,
  darkenedToContrast,
  defaultBranding,
  logoUrlProblem,
  minimumAccentContrast,
} from '../../shared/branding/branding';

describe('branding', () => {
  it('measures contrast against white as WCAG does', () => {
    expect(contrastWithWhite('#000000')).toBeCloseTo(21, 5);
    expect(contrastWithWhite('#ffffff')).toBeCloseTo(1, 5);
    // The classic AA boundary: #767676 passes, #777777 does not.
    expect(contrastWithWhite('#767676')).toBeGreaterThanOrEqual(minimumAccentContrast);
    expect(contrastWithWhite('#777777')).toBeLessThan(minimumAccentContrast);
  });

  it('refuses an accent colour below AA and suggests the same hue darkened until it passes', () => {
    expect(accentColorProblem('#0b5cad')).toBeUndefined();
    expect(accentColorProblem('#777777')).toMatch(/4\.48:1/);
    for (const light of ['#ff8800', '#ffffff', '#00ffcc', '#777777']) {
      const darker = darkenedToContrast(light);
      expect(contrastWithWhite(darker)).toBeGreaterThanOrEqual(minimumAccentContrast);
      expect(accentColorProblem(light)).toContain(darker);
    }
    expect(accentColorProblem('#fff')).toMatch(/hex colour/);
  });

  it('takes a logo from an https URL only', () => {
    expect(logoUrlProblem('https://cdn.example.com/logo.svg')).toBeUndefined();
    expect(logoUrlProblem('http://cdn.example.com/logo.svg')).toMatch(/https/);
    expect(logoUrlProblem('javascript:alert(1)')).toMatch(/https/);
    expect(logoUrlProblem('https://user:pw@cdn.example.com/logo.svg')).toMatch(/user name or password/);
    expect(logoUrlProblem('logo.svg')).toMatch(/absolute/);
  });

  it('reads BRANDING at cold start, and fails there on a bad value', () => {
    const branding = { organizationName: 'Acme', logoUrl: 'https://cdn.example.com/a.svg', accentColor: '#5a2d82' };
    expect(brandingFromEnvironment(brandingEnvironmentValue(branding))).toEqual(branding);
    expect(brandingFromEnvironment(undefined)).toEqual(defaultBranding);
    expect(() => brandingFromEnvironment(JSON.stringify({ ...branding, accentColor: '#ffff00' }))).toThrow(
      /BRANDING\.accentColor/,
    );
    expect(() => brandingFromEnvironment(JSON.stringify({ ...branding, logoUrl: 'http://x.example/a.svg' }))).toThrow(
      /BRANDING\.logoUrl/,
    );
  });

  it('every access email names the organization, shows its logo, wears its accent and opens links in a new tab', () => {
    const brand = {
      organizationName: 'Acme & Co',
      logoUrl: 'https://cdn.example.com/a.svg?x="y"',
      accentColor: '#5a2d82',
    };
    const emails = [
      invitationEmail(
        {
          name: 'Ada',
          signInUrl: 'https://portal.example.com/',
          email: 'ada@example.com',
          temporaryPassword: 'Tmp#1234abcd',
          passwordExpiresAt: new Date('2026-03-08T09:00:00Z'),
        },
        brand,
      ),
      emailChangedNotice({ name: 'Ada', from: 'a@example.com', to: 'b@example.com' }, brand),
      supportEndingReminder(
        { name: 'Ada', supportEndDate: '2026-12-31', signInUrl: 'https://portal.example.com/' },
        brand,
      ),
    ];
    for (const email of emails) {
      expect(email.text).toContain('Acme & Co portal');
      expect(email.html).toContain(`<img src="${escapeHtml(brand.logoUrl)}" alt="Acme &amp; Co"`);
      expect(email.html).toContain('border-bottom:3px solid #5a2d82');
      const links = email.html.match(/<a [^>]*>/g) ?? [];
      for (const link of links) expect(link).toMatch(/target="_blank" rel="noopener noreferrer" style="color:#5a2d82"/);
    }
    expect(emails.filter((email) => /<a /.test(email.html))).toHaveLength(2);
    // Without a logo, the name stands in its place.
    expect(emailChangedNotice({ name: 'Ada', from: 'a@x.example', to: 'b@x.example' }).html).toContain(
      '<strong style="font-size:1.25rem">Portico</strong>',
    );
  });
});
