import { escapeHtml, invitationEmail } from '../../shared/access/emails';

import {
  contactId,
  emailOf,
  enablePerson,
  fakes,
  provisioner,
  setUpProvisioningScenario,
} from './support/provisioning-scenario';

/** The invitation email: escaped HTML, the live password, the names to sign in with. */

setUpProvisioningScenario();

describe('8. the invitation email', () => {
  it('escapeHtml escapes the five characters, and & first', () => {
    expect(escapeHtml(`<>&"'`)).toBe('&lt;&gt;&amp;&quot;&#39;');
    expect(escapeHtml('&lt;')).toBe('&amp;lt;');
    expect(escapeHtml('plain text, é ü')).toBe('plain text, é ü');
  });

  const content = {
    name: '<script>alert("name")</script>',
    signInUrl: 'https://portal.example.com/sign-in?x="><script>alert(1)</script>',
    email: 'ada@example.com',
    username: "<script>alert('user')</script>",
    temporaryPassword: 'Tmp<&>"pass\'1',
    passwordExpiresAt: new Date('2026-03-08T09:00:59.000Z'),
  };

  it('the HTML never carries an unescaped tag from a name, username, URL or password', () => {
    const { html, subject } = invitationEmail(content);
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt;');
    expect(html).toContain('&lt;script&gt;alert(&#39;user&#39;)&lt;/script&gt;');
    expect(html).toContain('href="https://portal.example.com/sign-in?x=&quot;&gt;&lt;script&gt;');
    expect(html).toContain('<code>Tmp&lt;&amp;&gt;&quot;pass&#39;1</code>');
    expect(subject).toBe('Your portal access');
  });

  it('the text part carries the password, the sign-in URL, the names to sign in with and the expiry', () => {
    const { text } = invitationEmail({ ...content, name: 'Ada', username: 'ada.l' });
    expect(text).toContain(`Temporary password: ${content.temporaryPassword}`);
    expect(text).toContain(`Sign in at ${content.signInUrl}`);
    expect(text).toContain('Sign-in name: ada@example.com or ada.l');
    expect(text).toContain('works until 2026-03-08 09:00 UTC');
    expect(text).not.toMatch(/Your access (runs|starts)/);
  });

  it.each([
    [
      { supportStartDate: '2026-04-01', supportEndDate: '2026-12-31' },
      'Your access runs from 2026-04-01 to 2026-12-31.',
    ],
    [{ supportStartDate: '2026-04-01' }, 'Your access starts on 2026-04-01.'],
    [{ supportEndDate: '2026-12-31' }, 'Your access runs until 2026-12-31.'],
  ])('the support window %j is in both parts', (window, sentence) => {
    const { text, html } = invitationEmail({ ...content, ...window });
    expect(text).toContain(sentence);
    expect(html).toContain(sentence);
  });

  it('end to end: the invitation the controller sends escapes a hostile name and carries the live password', async () => {
    const id = contactId(8);
    await enablePerson(id, {
      firstName: '<script>',
      lastName: '<img src=x onerror=alert(1)>',
      portal: { enabled: true, username: 'ada.l', supportEndDate: '2026-12-31' },
    });
    await provisioner().reconcilePerson(id);
    const [email] = fakes.ses.invitations(id);
    expect(email!.html).not.toMatch(/<script|<img/i);
    expect(email!.text).toContain(`Temporary password: ${fakes.cognito.users.get(id)!.password}`);
    expect(email!.text).toContain('works until 2026-03-08 09:00 UTC'); // 7 days from the fake clock
    expect(email!.text).toContain('Your access runs until 2026-12-31.');
    expect(email!.text).toContain(`Sign-in name: ${emailOf(id)} or ada.l`);
    expect(fakes.cognito.users.get(id)!.attributes).toMatchObject({
      preferred_username: 'ada.l',
      email_verified: 'true',
    });
  });
});
