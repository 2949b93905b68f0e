import { escapeHtml, layout, type Email } from '../access/emails';
import type { Branding } from '../branding/branding';
import type { NotificationKind, NotifiedModule } from './notification-events';

/**
 * The portal's notification emails: plain and calm, naming the deployment's organization, with a deep link into the
 * portal app (`<portal>/#/<module>/<id>`; the app keeps it through sign-in) that opens in a new tab. Text and HTML;
 * every value placed in the HTML is escaped.
 */
export interface NotificationContent {
  readonly kind: NotificationKind;
  readonly module: NotifiedModule;
  readonly recordId: string;
  /** The record's subject or title, as the portal shows it. */
  readonly title: string;
  /** The greeting name (shared/people/person-loader.ts `greetingNameOf`). */
  readonly name: string;
  /** The deployment's organization, logo and accent colour. */
  readonly branding: Branding;
  /** The portal web app's URL. */
  readonly portalUrl: string;
  /** A staff reply's text, for `ticket-reply`. */
  readonly reply?: string;
}

/** The portal app's own route to one record. */
export function deepLink(portalUrl: string, module: string, recordId: string): string {
  const url = new URL(portalUrl);
  url.hash = `/${module}/${encodeURIComponent(recordId)}`;
  return url.toString();
}

/** A reply longer than this is cut in the email; the portal shows all of it. */
const replyExcerptLength = 2_000;

function wording(content: NotificationContent): { subject: string; lead: string; action: string } {
  const { title } = content;
  const org = content.branding.organizationName;
  switch (content.kind) {
    case 'ticket-reply':
      return {
        subject: `${org}: new reply on your ticket "${title}"`,
        lead: `${org} has replied on your ticket "${title}".`,
        action: 'Read the reply and answer on the portal',
      };
    case 'document-shared':
      return {
        subject: `${org}: a document was shared with you`,
        lead: `${org} has shared the document "${title}" with you on the portal.`,
        action: 'Open the document',
      };
    case 'deal-decided':
      return {
        subject: `${org}: a decision on your deal registration "${title}"`,
        lead: `${org} has reviewed your deal registration "${title}".`,
        action: 'See the decision on the portal',
      };
    case 'lead-assigned':
      return {
        subject: `${org}: a new lead for your organization, "${title}"`,
        lead: `${org} has passed the lead "${title}" to your organization. Accept or decline it on the portal.`,
        action: 'Review the lead',
      };
    case 'awaiting-you':
      return content.module === 'sales-orders'
        ? {
            subject: `${org}: a sales order awaits your signature`,
            lead: `${org} has shared the sales order "${title}" with you on the portal. It awaits your signature.`,
            action: 'Review and sign the sales order',
          }
        : {
            subject: `${org}: a quote awaits your decision`,
            lead: `${org} has shared the quote "${title}" with you on the portal. It awaits your decision.`,
            action: 'Review the quote',
          };
  }
}

export function notificationEmail(content: NotificationContent): Email {
  const { subject, lead, action } = wording(content);
  const link = deepLink(content.portalUrl, content.module, content.recordId);
  const reply =
    content.reply === undefined
      ? undefined
      : content.reply.length > replyExcerptLength
        ? `${content.reply.slice(0, replyExcerptLength)}…`
        : content.reply;
  const footer = `You receive this email because you have access to the ${content.branding.organizationName} portal. To stop these emails, ask your contact at ${content.branding.organizationName}.`;
  const text = [
    `Hello ${content.name},`,
    lead,
    ...(reply !== undefined ? [reply] : []),
    `${action}: ${link}`,
    footer,
  ].join('\n\n');
  const e = escapeHtml;
  const html = layout(content.branding, subject, [
    `Hello ${e(content.name)},`,
    e(lead),
    // The reply as written: its line breaks kept, nothing in it read as HTML.
    ...(reply !== undefined
      ? [
          `<span style="display:block;white-space:pre-wrap;border-left:3px solid #c8c8c8;padding-left:0.75rem">${e(reply)}</span>`,
        ]
      : []),
    `<a href="${e(link)}" target="_blank" rel="noopener noreferrer" style="color:${e(content.branding.accentColor)}">${e(action)}</a>`,
    `<small style="color:#555">${e(footer)}</small>`,
  ]);
  return { subject, html, text };
}
