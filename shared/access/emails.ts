/**
 * The transactional emails of portal access: the invitation and the sign-in email change notice. Both
 * have an HTML and a text part; every value placed in the HTML is escaped.
 */
export interface Email {
  readonly subject: string;
  readonly html: string;
  readonly text: string;
}

const htmlEscapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => htmlEscapes[character]!);
}

/** The HTML frame every email shares; `paragraphs` are HTML already escaped. */
export function layout(title: string, paragraphs: readonly string[]): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1b1b1b;max-width:36rem">
${paragraphs.map((p) => `<p>${p}</p>`).join('\n')}
</body></html>`;
}

export interface InvitationContent {
  readonly name: string;
  readonly signInUrl: string;
  readonly email: string;
  readonly username?: string;
  readonly temporaryPassword: string;
  readonly passwordExpiresAt: Date;
  readonly supportStartDate?: string;
  readonly supportEndDate?: string;
}

const formatExpiry = (date: Date) => `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

function supportWindow(content: InvitationContent): string | undefined {
  const { supportStartDate: start, supportEndDate: end } = content;
  if (start && end) return `Your access runs from ${start} to ${end}.`;
  if (start) return `Your access starts on ${start}.`;
  if (end) return `Your access runs until ${end}.`;
  return undefined;
}

export function invitationEmail(content: InvitationContent): Email {
  const signInNames = content.username ? `${content.email} or ${content.username}` : content.email;
  const window = supportWindow(content);
  const expiry = formatExpiry(content.passwordExpiresAt);
  const text = [
    `Hello ${content.name},`,
    'You have been given access to the portal.',
    `Sign in at ${content.signInUrl}`,
    `Sign-in name: ${signInNames}`,
    `Temporary password: ${content.temporaryPassword}`,
    `The temporary password works until ${expiry}. At your first sign-in you will choose a new password.`,
    ...(window ? [window] : []),
    'If you did not expect this email, you can ignore it.',
  ].join('\n\n');
  const e = escapeHtml;
  const html = layout('Your portal access', [
    `Hello ${e(content.name)},`,
    'You have been given access to the portal.',
    `<a href="${e(content.signInUrl)}">Sign in to the portal</a>`,
    `Sign-in name: <strong>${e(signInNames)}</strong><br>Temporary password: <code>${e(content.temporaryPassword)}</code>`,
    `The temporary password works until ${e(expiry)}. At your first sign-in you will choose a new password.`,
    ...(window ? [e(window)] : []),
    'If you did not expect this email, you can ignore it.',
  ]);
  return { subject: 'Your portal access', html, text };
}

export function emailChangedNotice(content: { name: string; from: string; to: string }): Email {
  const text = [
    `Hello ${content.name},`,
    `The email address you sign in to the portal with has changed from ${content.from} to ${content.to}.`,
    'Your password is unchanged. If you did not expect this change, contact your account manager.',
  ].join('\n\n');
  const e = escapeHtml;
  const html = layout('Your portal sign-in email changed', [
    `Hello ${e(content.name)},`,
    `The email address you sign in to the portal with has changed from <strong>${e(content.from)}</strong> to <strong>${e(content.to)}</strong>.`,
    'Your password is unchanged. If you did not expect this change, contact your account manager.',
  ]);
  return { subject: 'Your portal sign-in email changed', html, text };
}

/** Sent once, some days before the support window ends (when the deployment turns reminders on). */
export function supportEndingReminder(content: { name: string; supportEndDate: string; signInUrl: string }): Email {
  const text = [
    `Hello ${content.name},`,
    `Your access to the portal ends on ${content.supportEndDate} (the last day you can sign in).`,
    `To keep it, contact your account manager before then. The portal: ${content.signInUrl}`,
  ].join('\n\n');
  const e = escapeHtml;
  const html = layout('Your portal access ends soon', [
    `Hello ${e(content.name)},`,
    `Your access to the portal ends on <strong>${e(content.supportEndDate)}</strong> (the last day you can sign in).`,
    `To keep it, contact your account manager before then. <a href="${e(content.signInUrl)}">The portal</a>`,
  ]);
  return { subject: `Your portal access ends on ${content.supportEndDate}`, html, text };
}
