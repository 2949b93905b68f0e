/// <reference lib="dom" />
import {
  ApiError,
  partnerDeals,
  selfService,
  type TicketRaise,
  type Address,
  type Comment,
  type NeedReason,
} from './api';
import { h } from '../../browser/dom';
import { fileFailureSentence, fileRefusal, formatBytes, uploadAttachment } from './file-views';
import { portalMeta } from './portal-meta';
import { dealStatusLabels, formatDate, sectionTitle, type DealStatus } from './format';
import { routeHref } from '../../browser/routes';
import type { Me, ViewContext } from './views';

/** The screens of issue 15's self-service API: overview, raising a ticket, a ticket's conversation, profile, quotes. */

const needLabels: Record<NeedReason, string> = {
  'awaiting-your-reply': 'Awaiting your reply',
  'awaiting-signature': 'Awaiting your signature',
  'awaiting-decision': 'Awaiting your decision',
};

/** A refusal as a sentence a person can act on; `what` names what was being done ("sent", "saved"). */
export function refusalSentence(error: unknown, what: string): string {
  if (!(error instanceof ApiError)) return `Something went wrong, so nothing was ${what}. Please try again.`;
  if (error.failure === 'network') return `We could not reach the portal, so nothing was ${what}. Try again.`;
  const { status, detail, retryAfterSeconds } = error.problem as {
    status: number;
    detail?: string;
    retryAfterSeconds?: number;
  };
  const fieldErrors = (error.problem.errors as { detail?: string }[] | undefined)?.map((e) => e.detail).filter(Boolean);
  if (status === 400 && fieldErrors?.length) return fieldErrors.join(' ');
  if (status === 404) return `This is no longer in your portal, so nothing was ${what}.`;
  if (status === 403) return `Your portal does not allow this, so nothing was ${what}. Your account manager can help.`;
  if (status === 429) {
    const when = retryAfterSeconds
      ? ` You can try again ${formatDate(new Date(Date.now() + retryAfterSeconds * 1000).toISOString())}.`
      : ' Please try again later.';
    return `${detail ?? 'Too many requests.'}${when}`;
  }
  return detail ?? `Something went wrong, so nothing was ${what}. Please try again.`;
}

/** Ends the session on refusal or expiry (the shell's failure view), otherwise says why in the form's message box. */
export function formFailure(view: ViewContext, box: HTMLElement, error: unknown, what: string) {
  if (error instanceof ApiError && (error.failure === 'refused' || error.failure === 'expired'))
    return view.failure(error, () => {});
  box.replaceChildren(h('p', { class: 'message error' }, refusalSentence(error, what)));
}

export const messageSlot = () => h('div', { class: 'message-slot', role: 'alert', 'aria-live': 'assertive' });

/** A submit button that says it is busy while its form is on its way. */
export async function busy<T>(form: HTMLFormElement, button: HTMLButtonElement, label: string, work: () => Promise<T>) {
  const idle = button.textContent ?? '';
  button.disabled = true;
  button.textContent = label;
  form.setAttribute('aria-busy', 'true');
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.textContent = idle;
    form.removeAttribute('aria-busy');
  }
}

/** How many of the partner's records the overview counts per card: one page; beyond it the count says "or more". */
const partnerCountLimit = 100;

/** The partner's own counts, which the overview API does not give: registrations by status, leads awaiting them. */
async function partnerCounts(view: ViewContext) {
  const has = (name: string) => (view.me.components as readonly string[]).includes(name);
  const [deals, leads] = await Promise.all([
    has('deal-registrations')
      ? view.api.get('/portal/{module}', {
          path: { module: 'deal-registrations' },
          query: { limit: partnerCountLimit },
        })
      : undefined,
    has('leads') ? partnerDeals(view.api).leads(undefined, partnerCountLimit) : undefined,
  ]);
  return {
    deals: deals && {
      byStatus: (status: DealStatus) => deals.items.filter((record) => 'status' in record && record.status === status),
      more: deals.nextCursor !== null,
    },
    leads: leads && {
      awaiting: leads.items.filter((lead) => lead.partnerDecision === undefined),
      more: leads.nextCursor !== null,
    },
  };
}

function card(module: string, title: string, count: string, needs: Node | null, action?: HTMLElement | null) {
  const headingId = `card-${module}`;
  return h(
    'section',
    { class: 'card', 'aria-labelledby': headingId },
    h('h2', { id: headingId }, h('a', { href: routeHref([module]) }, title)),
    h('p', { class: 'count' }, count),
    needs ?? h('p', { class: 'hint' }, 'Nothing needs you here.'),
    action ?? null,
  );
}

export async function renderOverview(view: ViewContext): Promise<void> {
  view.loading('Loading your overview…');
  let overview;
  let partner;
  try {
    [overview, partner] = await Promise.all([selfService(view.api).overview(), partnerCounts(view)]);
  } catch (error) {
    return view.failure(error, () => void renderOverview(view));
  }
  const needsList = (
    module: string,
    title: string,
    needs: readonly { id: string; title: string; reason: NeedReason }[],
  ) =>
    needs.length
      ? h(
          'ul',
          { class: 'needs', 'aria-label': `${title} that need you` },
          needs.map((need) =>
            h(
              'li',
              {},
              h('a', { href: routeHref([module, need.id]) }, need.title),
              h('span', { class: 'reason' }, needLabels[need.reason]),
            ),
          ),
        )
      : null;
  const cardOf = (name: string) => {
    const orMore = (more: boolean) => (more ? ' or more' : '');
    if (name === 'leads' && partner.leads) {
      const { awaiting, more } = partner.leads;
      const needs = awaiting
        .slice(0, 10)
        .map((lead) => ({ id: lead.id, title: lead.company ?? lead.lastName, reason: 'awaiting-decision' as const }));
      return card(
        'leads',
        'Leads',
        `${awaiting.length}${orMore(more)} awaiting your decision`,
        needsList('leads', 'Leads', needs),
      );
    }
    const component = overview.components.find((candidate) => candidate.module === name);
    if (!component) return null;
    const title = sectionTitle(component.module);
    if (component.module === 'deal-registrations' && partner.deals) {
      const { byStatus, more } = partner.deals;
      const counts = (['submitted', 'approved'] as const).map(
        (status) => `${byStatus(status).length}${orMore(more)} ${dealStatusLabels[status].toLowerCase()}`,
      );
      return card(
        component.module,
        title,
        counts.join(', '),
        null,
        h('a', { href: routeHref(['deal-registrations', 'new']), class: 'button primary' }, 'Register a deal'),
      );
    }
    const count = `${component.count}${component.countIsLowerBound ? '+' : ''}`;
    return card(
      component.module,
      title,
      `${count} in your portal`,
      needsList(component.module, title, component.needsYou),
      component.module === 'tickets'
        ? h('a', { href: routeHref(['tickets', 'new']), class: 'button primary' }, 'Raise a ticket')
        : null,
    );
  };
  // In the order of the person's components, as the sections above are.
  const cards = view.me.components.map(cardOf).filter((node): node is HTMLElement => node !== null);
  view.main.replaceChildren(
    h('h1', { tabindex: -1 }, 'Overview'),
    cards.length
      ? h('div', { class: 'cards' }, cards)
      : h('p', {}, 'Your portal has no sections yet. Your account manager can add them.'),
  );
  view.done('Overview');
}

export const field = (id: string, label: string, control: HTMLElement, hint?: string) =>
  h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    hint ? h('p', { id: `${id}-hint`, class: 'hint' }, hint) : null,
    control,
  );

/** The priorities the API takes, Normal first (its default). */
const priorities = ['Normal', 'Low', 'High', 'Urgent'] as const satisfies readonly NonNullable<
  TicketRaise['priority']
>[];

export function renderRaiseTicket(view: ViewContext): void {
  const title = h('input', { id: 'ticket-title', name: 'title', required: true, maxlength: 200, autocomplete: 'off' });
  const description = h('textarea', {
    id: 'ticket-description',
    name: 'description',
    rows: 8,
    maxlength: 10000,
    'aria-describedby': 'ticket-description-hint',
  });
  const priority = h(
    'select',
    { id: 'ticket-priority', name: 'priority' },
    priorities.map((value) => h('option', { value }, value)),
  );
  const attachment = h('input', {
    type: 'file',
    id: 'ticket-attachment',
    name: 'attachment',
    accept: portalMeta.files.contentTypes.join(','),
    'aria-describedby': 'ticket-attachment-hint',
    // Another file chosen: what was said of the last one no longer holds.
    onchange: () => {
      attachment.removeAttribute('aria-invalid');
      box.replaceChildren();
    },
  });
  const box = messageSlot();
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Raise ticket');
  const form: HTMLFormElement = h(
    'form',
    {
      novalidate: true,
      onsubmit: async (event: Event) => {
        event.preventDefault();
        box.replaceChildren();
        title.removeAttribute('aria-invalid');
        if (!title.value.trim()) {
          box.replaceChildren(h('p', { class: 'message error' }, 'Give the ticket a title.'));
          title.setAttribute('aria-invalid', 'true');
          return title.focus();
        }
        // A refused file is said before the ticket is raised, so nothing half-done is left behind.
        const file = attachment.files?.[0];
        const refusal = file && fileRefusal(file);
        attachment.toggleAttribute('aria-invalid', Boolean(refusal));
        if (refusal) {
          box.replaceChildren(h('p', { class: 'message error' }, refusal));
          return attachment.focus();
        }
        let ticket;
        try {
          ticket = await busy(form, submit, 'Raising…', () =>
            selfService(view.api).raiseTicket({
              title: title.value.trim(),
              description: description.value,
              priority: priorities.find((value) => value === priority.value),
            }),
          );
        } catch (error) {
          return formFailure(view, box, error, 'raised');
        }
        if (file) {
          try {
            await busy(form, submit, 'Attaching…', () => uploadAttachment(view.api, ticket.id, file));
          } catch (error) {
            // The ticket stands: say so, and that the file can be attached on its page.
            return box.replaceChildren(
              h(
                'p',
                { class: 'message error' },
                `Your ticket is raised, but the file is not attached. ${fileFailureSentence(error, 'uploaded')} `,
                h('a', { href: routeHref(['tickets', ticket.id]) }, 'Open the ticket to attach it again'),
              ),
            );
          }
        }
        location.assign(routeHref(['tickets', ticket.id]));
      },
    },
    field('ticket-title', 'Title', title),
    field(
      'ticket-description',
      'Description',
      description,
      'What happened, and what you expected. Line breaks are kept.',
    ),
    field('ticket-priority', 'Priority', priority),
    field(
      'ticket-attachment',
      'Attach a file (optional)',
      attachment,
      `Up to ${formatBytes(portalMeta.files.maxBytes)}: PDF, image, text, Office or ZIP.`,
    ),
    submit,
    box,
  );
  view.main.replaceChildren(
    h('p', {}, h('a', { href: routeHref(['tickets']) }, '← All tickets')),
    h('h1', { tabindex: -1 }, 'Raise a ticket'),
    form,
  );
  view.main.removeAttribute('aria-busy');
  view.done('Raise a ticket');
}

function commentItem(comment: Comment) {
  return h(
    'li',
    { class: `comment ${comment.author.kind}` },
    h(
      'p',
      { class: 'comment-meta' },
      h('strong', {}, comment.author.kind === 'person' ? 'You' : comment.author.name),
      ' · ',
      h('time', { datetime: comment.createdAt }, formatDate(comment.createdAt)),
    ),
    h('p', { class: 'comment-body' }, comment.body),
  );
}

/** The ticket's conversation, oldest first and newest last, then a reply box. */
export function conversationSection(view: ViewContext, ticketId: string): HTMLElement {
  const list = h('ol', { class: 'comments', 'aria-label': 'Messages' });
  const status = h('p', { class: 'loading', role: 'status' }, 'Loading the conversation…');
  const more = h('div', {});
  const reply = h('textarea', { id: 'reply', name: 'body', rows: 5, maxlength: 10000, required: true });
  const box = messageSlot();
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Send reply');
  const api = selfService(view.api);

  async function load(cursor?: string) {
    try {
      const page = await api.comments(ticketId, cursor);
      status.remove();
      list.append(...page.items.map(commentItem));
      if (!list.children.length) list.before(h('p', { class: 'hint', id: 'no-messages' }, 'No messages yet.'));
      more.replaceChildren(
        page.nextCursor
          ? h('button', { type: 'button', onclick: () => void load(page.nextCursor!) }, 'Show later messages')
          : '',
      );
    } catch (error) {
      if (error instanceof ApiError && (error.failure === 'refused' || error.failure === 'expired'))
        return view.failure(error, () => {});
      status.className = 'message error';
      status.textContent = 'The conversation could not be loaded. Reload the page to try again.';
    }
  }

  const form: HTMLFormElement = h(
    'form',
    {
      novalidate: true,
      onsubmit: async (event: Event) => {
        event.preventDefault();
        box.replaceChildren();
        reply.removeAttribute('aria-invalid');
        if (!reply.value.trim()) {
          box.replaceChildren(h('p', { class: 'message error' }, 'Write your reply first.'));
          reply.setAttribute('aria-invalid', 'true');
          return reply.focus();
        }
        try {
          const comment = await busy(form, submit, 'Sending…', () => api.addComment(ticketId, reply.value));
          section.querySelector('#no-messages')?.remove();
          list.append(commentItem(comment));
          reply.value = '';
          box.replaceChildren(h('p', { class: 'message success' }, 'Your reply is sent.'));
        } catch (error) {
          formFailure(view, box, error, 'sent');
        }
      },
    },
    h('label', { for: 'reply' }, 'Your reply'),
    reply,
    submit,
    box,
  );
  const section = h(
    'section',
    { class: 'conversation', 'aria-labelledby': 'conversation-heading' },
    h('h2', { id: 'conversation-heading' }, 'Conversation'),
    status,
    list,
    more,
    form,
  );
  void load();
  return section;
}

/** Accept or decline a quote, once, with an optional reason; a decided quote says what was decided. */
export function quoteDecisionSection(
  view: ViewContext,
  quote: Record<string, unknown> & { id: string },
  rerender: (notice: string) => void,
): HTMLElement {
  const decision = quote.decision as
    { decision: 'accept' | 'decline'; decidedAt: string; superseded?: boolean } | undefined;
  const decided = decision && !decision.superseded;
  const section = h(
    'section',
    { class: 'signing', 'aria-labelledby': 'decision-heading' },
    h('h2', { id: 'decision-heading' }, decided ? 'Your decision' : 'Accept or decline this quote'),
  );
  if (decided) {
    section.append(
      h(
        'p',
        {},
        `You ${decision.decision === 'accept' ? 'accepted' : 'declined'} this quote on ${formatDate(decision.decidedAt)}.`,
      ),
    );
    return section;
  }
  if (decision?.superseded)
    section.append(h('p', { class: 'message info' }, 'The quote changed after your decision: please decide again.'));
  const reason = h('textarea', { id: 'decision-reason', name: 'reason', rows: 3, maxlength: 2000 });
  const box = messageSlot();
  const accept = h('button', { type: 'submit', class: 'primary', value: 'accept' }, 'Accept quote');
  const decline = h('button', { type: 'submit', value: 'decline' }, 'Decline quote');
  const form: HTMLFormElement = h(
    'form',
    {
      novalidate: true,
      onsubmit: async (event: Event) => {
        event.preventDefault();
        box.replaceChildren();
        const choice =
          ((event as SubmitEvent).submitter as HTMLButtonElement | null)?.value === 'decline' ? 'decline' : 'accept';
        try {
          await busy(
            form,
            choice === 'accept' ? accept : decline,
            choice === 'accept' ? 'Accepting…' : 'Declining…',
            () => selfService(view.api).decideQuote(quote.id, choice, reason.value.trim() || undefined),
          );
          rerender(
            choice === 'accept'
              ? 'Accepted. Thank you: we have recorded your decision.'
              : 'Declined. We have recorded your decision.',
          );
        } catch (error) {
          formFailure(view, box, error, 'recorded');
        }
      },
    },
    h('p', {}, 'Your decision is recorded with your name, the time, and exactly what this quote says now.'),
    field('decision-reason', 'Reason (optional)', reason),
    h('div', { class: 'button-row' }, accept, decline),
    box,
  );
  section.append(form);
  return section;
}

const addressParts: [keyof Address, string][] = [
  ['street', 'Street'],
  ['city', 'City'],
  ['state', 'State or region'],
  ['postalCode', 'Postal code'],
  ['country', 'Country'],
];

/** The person's own details; phone, mobile and mailing address are theirs to change, the rest staff's. */
export async function renderProfile(view: ViewContext, notice?: string): Promise<void> {
  view.loading('Loading your profile…');
  let me: Me;
  try {
    me = await view.api.get('/portal/me', {});
  } catch (error) {
    return view.failure(error, () => void renderProfile(view));
  }
  const input = (id: string, value: string | null | undefined, attributes: Record<string, string> = {}) =>
    h('input', { id, name: id, value: value ?? '', ...attributes });
  const phone = input('phone', me.phone, { type: 'tel', autocomplete: 'tel' });
  const mobile = input('mobile', me.mobile, { type: 'tel', autocomplete: 'tel' });
  const street = h('textarea', { id: 'street', name: 'street', rows: 2, autocomplete: 'street-address' });
  street.value = me.mailingAddress?.street ?? '';
  const others = addressParts.slice(1).map(([key]) =>
    input(key, me.mailingAddress?.[key], {
      autocomplete:
        key === 'postalCode'
          ? 'postal-code'
          : key === 'country'
            ? 'country-name'
            : key === 'city'
              ? 'address-level2'
              : 'address-level1',
    }),
  );
  const box = messageSlot();
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Save changes');
  const text = (element: HTMLInputElement | HTMLTextAreaElement) => element.value.trim() || null;
  const form: HTMLFormElement = h(
    'form',
    {
      novalidate: true,
      onsubmit: async (event: Event) => {
        event.preventDefault();
        box.replaceChildren();
        const address = Object.fromEntries(
          [street, ...others].map((element) => [element.id, text(element)]).filter(([, value]) => value !== null),
        ) as Address;
        try {
          await busy(form, submit, 'Saving…', () =>
            selfService(view.api).updateProfile({
              phone: text(phone),
              mobile: text(mobile),
              mailingAddress: Object.keys(address).length ? address : null,
            }),
          );
          await renderProfile(view, 'Your details are saved.');
        } catch (error) {
          formFailure(view, box, error, 'saved');
        }
      },
    },
    h('h2', {}, 'Your contact details'),
    field('phone', 'Phone', phone),
    field('mobile', 'Mobile', mobile),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Mailing address'),
      field('street', 'Street', street),
      others.map((element, index) => field(element.id, addressParts[index + 1]![1], element)),
    ),
    submit,
    box,
  );
  const name = [me.firstName, me.lastName].filter(Boolean).join(' ');
  view.main.replaceChildren(
    h('h1', { tabindex: -1 }, 'Your profile'),
    notice ? h('p', { class: 'message success', role: 'status' }, notice) : '',
    h(
      'dl',
      { class: 'fields' },
      h('dt', {}, 'Name'),
      h('dd', {}, name || '—'),
      h('dt', {}, 'Email'),
      h('dd', {}, me.email ?? '—'),
      h('dt', {}, 'Organization'),
      h('dd', {}, me.organizationName ?? '—'),
    ),
    h('p', { class: 'hint' }, 'Your name, email and sign-in name are changed by your account manager.'),
    form,
  );
  view.done('Your profile');
}
