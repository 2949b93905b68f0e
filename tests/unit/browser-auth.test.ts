import { codeChallengeOf, refreshDelay } from '../../browser/auth';

describe('portal web app sign-in helpers', () => {
  it('derives the PKCE S256 challenge of RFC 7636 appendix B', async () => {
    await expect(codeChallengeOf('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).resolves.toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('schedules the refresh a minute before expiry, never sooner than five seconds', () => {
    const now = 1_000_000;
    const tokens = { accessToken: 'a', idToken: 'i', expiresAt: now + 15 * 60_000 };
    expect(refreshDelay(tokens, now)).toBe(14 * 60_000);
    expect(refreshDelay({ ...tokens, expiresAt: now + 30_000 }, now)).toBe(5_000);
  });
});
