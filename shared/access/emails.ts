import { defaultBranding, type Branding } from '../branding/branding';

/**
 * The transactional emails of portal access: the invitation and the sign-in email change notice. Both
 * have an HTML and a text part; every value placed in the HTML is escaped. Each names the deployment's
 * organization and carries its logo and accent colour (shared/branding/branding.ts); subjects stay as they were, so
 * mail filters people set up keep working.
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

/**
 * A link in an email: opens in a new tab, so a web mail client (or the local mailbox's framed view) does not try
 * to show the portal inside itself, which the portal refuses (`frame-ancestors 'none'`).
 */
function link(brand: Branding, href: string, text: string): string {
  return `<a href="${escapeHtml(href)}" target="_blank" rel="noopener noreferrer" style="color:${escapeHtml(brand.accentColor)}">${escapeHtml(text)}</a>`;
}

/** The organization's logo (described by its name) or its name, above a rule in its accent colour. */
function masthead(brand: Branding): string {
  const name = escapeHtml(brand.organizationName);
  const mark = brand.logoUrl
    ? `<img src="${escapeHtml(brand.logoUrl)}" alt="${name}" height="40" style="height:40px;width:auto">`
    : `<strong style="font-size:1.25rem">${name}</strong>`;
  return `<div style="padding:0 0 .75rem;margin-bottom:1rem;border-bottom:3px solid ${escapeHtml(brand.accentColor)}">${mark}</div>`;
}

export function layout(brand: Branding, title: string, paragraphs: readonly string[]): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1b1b1b;max-width:36rem">
${masthead(brand)}
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

export function invitationEmail(content: InvitationContent, brand: Branding = defaultBranding): Email {
  const signInNames = content.username ? `${content.email} or ${content.username}` : content.email;
  const window = supportWindow(content);
  const expiry = formatExpiry(content.passwordExpiresAt);
  const text = [
    `Hello ${content.name},`,
    `You have been given access to the ${brand.organizationName} portal.`,
    `Sign in at ${content.signInUrl}`,
    `Sign-in name: ${signInNames}`,
    `Temporary password: ${content.temporaryPassword}`,
    `The temporary password works until ${expiry}. At your first sign-in you will choose a new password.`,
    ...(window ? [window] : []),
    'If you did not expect this email, you can ignore it.',
  ].join('\n\n');
  const e = escapeHtml;
  const html = layout(brand, `Your ${brand.organizationName} portal access`, [
    `Hello ${e(content.name)},`,
    `You have been given access to the ${e(brand.organizationName)} portal.`,
    link(brand, content.signInUrl, 'Sign in to the portal'),
    `Sign-in name: <strong>${e(signInNames)}</strong><br>Temporary password: <code>${e(content.temporaryPassword)}</code>`,
    `The temporary password works until ${e(expiry)}. At your first sign-in you will choose a new password.`,
    ...(window ? [e(window)] : []),
    'If you did not expect this email, you can ignore it.',
  ]);
  return { subject: 'Your portal access', html, text };
}

export function emailChangedNotice(
  content: { name: string; from: string; to: string },
  brand: Branding = defaultBranding,
): Email {
  const text = [
    `Hello ${content.name},`,
    `The email address you sign in to the ${brand.organizationName} portal with has changed from ${content.from} to ${content.to}.`,
    'Your password is unchanged. If you did not expect this change, contact your account manager.',
  ].join('\n\n');
  const e = escapeHtml;
  const html = layout(brand, `Your ${brand.organizationName} portal sign-in email changed`, [
    `Hello ${e(content.name)},`,
    `The email address you sign in to the ${e(brand.organizationName)} portal with has changed from <strong>${e(content.from)}</strong> to <strong>${e(content.to)}</strong>.`,
    'Your password is unchanged. If you did not expect this change, contact your account manager.',
  ]);
  return { subject: 'Your portal sign-in email changed', html, text };
}

/** Sent once, some days before the support window ends (when the deployment turns reminders on). */
export function supportEndingReminder(
  content: { name: string; supportEndDate: string; signInUrl: string },
  brand: Branding = defaultBranding,
): Email {
  const text = [
    `Hello ${content.name},`,
    `Your access to the ${brand.organizationName} portal ends on ${content.supportEndDate} (the last day you can sign in).`,
    `To keep it, contact your account manager before then. The portal: ${content.signInUrl}`,
  ].join('\n\n');
  const e = escapeHtml;
  const html = layout(brand, `Your ${brand.organizationName} portal access ends soon`, [
    `Hello ${e(content.name)},`,
    `Your access to the ${e(brand.organizationName)} portal ends on <strong>${e(content.supportEndDate)}</strong> (the last day you can sign in).`,
    `To keep it, contact your account manager before then. ${link(brand, content.signInUrl, 'The portal')}`,
  ]);
  return { subject: `Your portal access ends on ${content.supportEndDate}`, html, text };
}
