/// <reference lib="dom" />
import { ApiError, partnerDeals, type DealRegistrationInput, type PartnerLead } from './api';
import { h } from '../../browser/dom';
import {
  declineReasonLabels,
  fieldLabel,
  formatValue,
  labelOf,
  leadStageLabels,
  type DeclineReason,
  type LeadStage,
} from './format';
import { routeHref } from '../../browser/routes';
import { busy, formFailure, messageSlot } from './self-service-views';
import { renderDetail, type ViewContext } from './views';

/** The partner's screens of issue 16: registering a deal, and the leads assigned to the organization. */

/** A form field that says beside itself what is wrong with it (between its label and the control, as it is read). */
function checkedField(id: string, label: string, control: HTMLInputElement | HTMLSelectElement, hint?: string) {
  const hintId = hint ? `${id}-hint` : undefined;
  const error = h('p', { id: `${id}-error`, class: 'field-error', hidden: true });
  const describe = (invalid: boolean) => {
    const ids = [hintId, invalid ? error.id : undefined].filter(Boolean).join(' ');
    if (ids) control.setAttribute('aria-describedby', ids);
    else control.removeAttribute('aria-describedby');
  };
  describe(false);
  return {
    control,
    element: h(
      'div',
      { class: 'field' },
      h('label', { for: id }, label),
      hint ? h('p', { id: hintId, class: 'hint' }, hint) : null,
      error,
      control,
    ),
    /** Shows `text` beside the field and marks it invalid; no text clears both. */
    say(text?: string) {
      error.textContent = text ?? '';
      error.hidden = !text;
      if (text) control.setAttribute('aria-invalid', 'true');
      else control.removeAttribute('aria-invalid');
      describe(Boolean(text));
    },
  };
}
type CheckedField = ReturnType<typeof checkedField>;

/** Says each field's problem beside it and the count in `box`, then puts the cursor in the first; false if none. */
function showProblems(box: HTMLElement, problems: readonly (readonly [CheckedField, string])[]): boolean {
  for (const [field, text] of problems) field.say(text);
  const first = problems[0];
  if (!first) return false;
  box.replaceChildren(
    h(
      'p',
      { class: 'message error' },
      problems.length === 1 ? 'Check the field marked below.' : `Check the ${problems.length} fields marked below.`,
    ),
  );
  first[0].control.focus();
  return true;
}

const threeLetters = /^[A-Za-z]{3}$/;

export function renderRegisterDeal(view: ViewContext): void {
  const input = (id: string, attributes: Record<string, string | number | boolean> = {}) =>
    h('input', { id, name: id, required: true, autocomplete: 'off', ...attributes });
  const company = checkedField(
    'deal-company',
    'Company',
    input('deal-company', { maxlength: 200, autocomplete: 'organization' }),
  );
  const contact = checkedField('deal-contact', 'Contact name', input('deal-contact', { maxlength: 200 }));
  const email = checkedField(
    'deal-email',
    'Contact email',
    input('deal-email', { type: 'email', maxlength: 254, spellcheck: 'false' }),
  );
  const value = checkedField(
    'deal-value',
    'Estimated value',
    input('deal-value', { type: 'number', min: 0, step: '0.01', inputmode: 'decimal' }),
    'In the currency below, without its sign: 48000.',
  );
  const currency = checkedField(
    'deal-currency',
    'Currency',
    input('deal-currency', { maxlength: 3, value: 'EUR', pattern: '[A-Za-z]{3}', spellcheck: 'false' }),
    'Three letters, such as EUR or USD.',
  );
  const closeDate = checkedField('deal-close', 'Expected close date', input('deal-close', { type: 'date' }));
  const description = h('textarea', {
    id: 'deal-description',
    name: 'description',
    rows: 5,
    maxlength: 10000,
    'aria-describedby': 'deal-description-hint',
  });
  const fields = [company, contact, email, value, currency, closeDate];
  /** The API's names for the fields, so a refusal it explains lands beside the field it concerns. */
  const byMember: Record<keyof DealRegistrationInput, CheckedField | undefined> = {
    companyName: company,
    contactName: contact,
    contactEmail: email,
    estimatedValue: value,
    currency,
    expectedCloseDate: closeDate,
    description: undefined,
  };
  const box = messageSlot();
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Register deal');

  /** What is wrong with each field, in the order they are read. */
  const problems = (): [CheckedField, string][] => {
    const found: [CheckedField, string][] = [];
    const text = (field: CheckedField) => field.control.value.trim();
    const amount = value.control as HTMLInputElement;
    if (!text(company)) found.push([company, 'Name the company.']);
    if (!text(contact)) found.push([contact, 'Name your contact there.']);
    if (!text(email)) found.push([email, "Give your contact's email."]);
    else if (!(email.control as HTMLInputElement).checkValidity())
      found.push([email, 'Give an email address such as name@company.com.']);
    if (amount.validity.badInput) found.push([value, 'Give the value as a number, such as 48000.']);
    else if (!text(value)) found.push([value, 'Estimate the value.']);
    else if (Number(amount.value) < 0) found.push([value, 'The value cannot be below zero.']);
    else if (!/^\d+(\.\d{1,2})?$/.test(amount.value))
      found.push([value, 'Give the value with at most two decimals, such as 1250.50.']);
    if (!threeLetters.test(text(currency))) found.push([currency, 'Give the currency as three letters, such as EUR.']);
    if (!text(closeDate)) found.push([closeDate, 'Say when you expect to close.']);
    return found;
  };

  const form: HTMLFormElement = h(
    'form',
    {
      novalidate: true,
      'aria-labelledby': 'register-heading',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        box.replaceChildren();
        for (const field of fields) field.say();
        if (showProblems(box, problems())) return;
        let registration;
        try {
          registration = await busy(form, submit, 'Registering…', () =>
            partnerDeals(view.api).register({
              companyName: company.control.value.trim(),
              contactName: contact.control.value.trim(),
              contactEmail: email.control.value.trim(),
              estimatedValue: Number(value.control.value),
              currency: currency.control.value.trim().toUpperCase(),
              expectedCloseDate: closeDate.control.value,
              ...(description.value.trim() ? { description: description.value } : {}),
            }),
          );
        } catch (error) {
          const refused = (error instanceof ApiError && error.problem.status === 400 ? error.problem.errors : []) as
            { path?: string; message?: string }[] | undefined;
          const placed = (refused ?? []).flatMap(({ path, message }) => {
            const field = byMember[(path ?? '').replace(/^\//, '').split('/')[0] as keyof DealRegistrationInput];
            return field && message ? [[field, `Not accepted: ${message}.`] as const] : [];
          });
          if (placed.length && placed.length === refused?.length) return void showProblems(box, placed);
          return formFailure(view, box, error, 'registered');
        }
        // The form is done with: Back from the registration should not return to it.
        history.replaceState(null, '', routeHref(['deal-registrations', registration.id]));
        return renderDetail(
          view,
          'deal-registrations',
          registration.id,
          'Registered. The vendor reviews it and emails you their decision.',
        );
      },
    },
    // The summary of what to fix comes first, where a sighted person starts reading the form again.
    box,
    fields.map((field) => field.element),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'deal-description' }, 'Description (optional)'),
      h('p', { id: 'deal-description-hint', class: 'hint' }, 'What the customer needs. Line breaks are kept.'),
      description,
    ),
    submit,
  );
  view.main.replaceChildren(
    h('p', {}, h('a', { href: routeHref(['deal-registrations']) }, '← All deal registrations')),
    h('h1', { id: 'register-heading', tabindex: -1 }, 'Register a deal'),
    h('p', { class: 'hint' }, 'The vendor reviews it; once approved, the customer is protected for you.'),
    form,
  );
  view.main.removeAttribute('aria-busy');
  view.done('Register a deal');
}

const leadName = (lead: PartnerLead) => [lead.firstName, lead.lastName].filter(Boolean).join(' ');
const leadTitle = (lead: PartnerLead) => lead.company ?? leadName(lead);

/** Where a lead stands for the partner: waiting for their answer, or accepted and at which stage. */
export function leadStatusText(lead: PartnerLead): string {
  if (lead.partnerDecision?.decision !== 'accept') return 'Awaiting your decision';
  return lead.partnerStage ? `Accepted, ${labelOf(leadStageLabels, lead.partnerStage).toLowerCase()}` : 'Accepted';
}

/** The leads list's columns: a heading and the cell's text. */
const leadColumns: readonly { readonly label: string; readonly text: (lead: PartnerLead) => string }[] = [
  { label: 'Company', text: leadTitle },
  { label: 'Contact', text: leadName },
  { label: 'Status', text: leadStatusText },
  { label: 'Protected until', text: (lead) => formatValue('protectedUntil', lead.protectedUntil, lead) },
];

const leadRow = (lead: PartnerLead) =>
  h(
    'tr',
    {},
    leadColumns.map((column, index) =>
      index === 0
        ? h(
            'th',
            { scope: 'row', 'data-label': column.label },
            h('a', { href: routeHref(['leads', lead.id]) }, column.text(lead)),
          )
        : h('td', { 'data-label': column.label }, column.text(lead)),
    ),
  );

export async function renderLeads(view: ViewContext, notice?: string): Promise<void> {
  view.loading('Loading leads…');
  const api = partnerDeals(view.api);
  let page;
  try {
    page = await api.leads();
  } catch (error) {
    return view.failure(error, () => void renderLeads(view));
  }
  const content: (Node | null)[] = [
    h('h1', { tabindex: -1 }, 'Leads'),
    notice ? h('p', { class: 'message success', role: 'status' }, notice) : null,
    h('p', { class: 'hint' }, 'Leads the vendor passed to your organization. Accept or decline each one.'),
  ];
  if (page.items.length === 0) content.push(h('p', { class: 'empty' }, 'No leads are assigned to you.'));
  else {
    const rows = h('tbody', {}, page.items.map(leadRow));
    const table = h(
      'table',
      { class: 'reflow' },
      h('caption', { class: 'visually-hidden' }, 'Leads assigned to your organization'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          leadColumns.map((column) => h('th', { scope: 'col' }, column.label)),
        ),
      ),
      rows,
    );
    content.push(h('div', { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-label': 'Leads' }, table));
    // More than a page: further rows join the table, so the list reads as one.
    const more = h('div', {});
    const offerMore = (cursor: string | null) =>
      more.replaceChildren(
        cursor
          ? h(
              'button',
              {
                type: 'button',
                onclick: async (event: Event) => {
                  const button = event.currentTarget as HTMLButtonElement;
                  button.disabled = true;
                  button.textContent = 'Loading…';
                  try {
                    const next = await api.leads(cursor);
                    rows.append(...next.items.map(leadRow));
                    offerMore(next.nextCursor);
                  } catch (error) {
                    if (error instanceof ApiError && (error.failure === 'refused' || error.failure === 'expired'))
                      return view.failure(error, () => {});
                    more.replaceChildren(
                      h('p', { class: 'message error', role: 'alert' }, 'More leads could not load. Try again.'),
                    );
                    offerMore(cursor);
                  }
                },
              },
              'Show more leads',
            )
          : '',
      );
    offerMore(page.nextCursor);
    content.push(more);
  }
  view.main.replaceChildren(...content.filter((node): node is Node => node !== null));
  view.done('Leads');
}

/** The stages in the order a deal moves through them, as the label map declares them. */
const stages = Object.keys(leadStageLabels) as LeadStage[];
const declineReasons = Object.keys(declineReasonLabels) as DeclineReason[];

export async function renderLead(view: ViewContext, id: string, notice?: string): Promise<void> {
  view.loading('Loading the lead…');
  let lead: PartnerLead;
  try {
    lead = await partnerDeals(view.api).lead(id);
  } catch (error) {
    if (error instanceof ApiError && error.problem.status === 404) {
      view.main.removeAttribute('aria-busy');
      view.main.replaceChildren(
        h('h1', { tabindex: -1 }, 'Not found'),
        h('p', { role: 'alert', class: 'message error' }, 'This lead is not assigned to your organization now.'),
        h('a', { href: routeHref(['leads']) }, 'Back to leads'),
      );
      return view.done('Not found');
    }
    return view.failure(error, () => void renderLead(view, id));
  }
  const shown = ['firstName', 'lastName', 'company', 'title', 'email', 'phone', 'mobile', 'protectedUntil'] as const;
  const registration = lead.dealRegistrationId;
  const status = h('dd', {}, leadStatusText(lead));
  const details = h(
    'dl',
    { class: 'fields' },
    h('dt', {}, 'Status'),
    status,
    shown
      .filter((name) => lead[name] !== undefined)
      .flatMap((name) => [h('dt', {}, fieldLabel(name)), h('dd', {}, formatValue(name, lead[name], lead))]),
    registration && view.me.components.includes('deal-registrations')
      ? [
          h('dt', {}, 'From'),
          h('dd', {}, h('a', { href: routeHref(['deal-registrations', registration]) }, 'Your deal registration')),
        ]
      : [],
  );
  const box = messageSlot();
  const accepted = lead.partnerDecision?.decision === 'accept';
  view.main.replaceChildren(
    h('p', {}, h('a', { href: routeHref(['leads']) }, '← All leads')),
    h('h1', { tabindex: -1 }, leadTitle(lead)),
    notice ? h('p', { class: 'message success', role: 'status' }, notice) : '',
    details,
    accepted
      ? stageForm(view, lead, box, (saved) => status.replaceChildren(leadStatusText(saved)))
      : decisionSection(view, lead, box),
    box,
  );
  view.done(leadTitle(lead));
}

/** Accept with one button; decline with a reason (and a note if they like), after which the lead leaves the portal. */
function decisionSection(view: ViewContext, lead: PartnerLead, box: HTMLElement): HTMLElement {
  const accept = h('button', { type: 'button', class: 'primary' }, 'Accept lead');
  const reason = checkedField(
    'lead-reason',
    'Why you decline',
    h(
      'select',
      { id: 'lead-reason', name: 'reason' },
      h('option', { value: '' }, 'Choose a reason'),
      declineReasons.map((value) => h('option', { value }, declineReasonLabels[value])),
    ),
  );
  const note = h('textarea', {
    id: 'lead-note',
    name: 'note',
    rows: 3,
    maxlength: 2000,
    'aria-describedby': 'lead-note-hint',
  });
  const decline = h('button', { type: 'submit' }, 'Decline lead');
  const form: HTMLFormElement = h(
    'form',
    {
      novalidate: true,
      'aria-labelledby': 'decline-heading',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        box.replaceChildren();
        reason.say();
        const chosen = declineReasons.find((value) => value === reason.control.value);
        if (!chosen) {
          // One field: its sentence beside it is the whole story, read out as the cursor lands there.
          reason.say('Choose why you decline the lead.');
          return reason.control.focus();
        }
        try {
          await busy(form, decline, 'Declining…', () =>
            partnerDeals(view.api).decide(lead.id, {
              decision: 'decline',
              reason: chosen,
              ...(note.value.trim() ? { note: note.value.trim() } : {}),
            }),
          );
        } catch (error) {
          return formFailure(view, box, error, 'declined');
        }
        // Declined, it is the vendor's again and leaves this portal: back to the list, which no longer has it.
        history.replaceState(null, '', routeHref(['leads']));
        void renderLeads(view, `You declined ${leadTitle(lead)}; it is back with the vendor.`);
      },
    },
    h('h3', { id: 'decline-heading' }, 'Decline it'),
    reason.element,
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'lead-note' }, 'Note for the vendor (optional)'),
      h('p', { id: 'lead-note-hint', class: 'hint' }, 'Anything that helps them pass it on.'),
      note,
    ),
    decline,
  );
  accept.addEventListener('click', async () => {
    box.replaceChildren();
    try {
      await busy(form, accept, 'Accepting…', () => partnerDeals(view.api).decide(lead.id, { decision: 'accept' }));
    } catch (error) {
      return formFailure(view, box, error, 'accepted');
    }
    void renderLead(view, lead.id, 'You accepted this lead. Report its progress here as it moves.');
  });
  return h(
    'section',
    { class: 'decision', 'aria-labelledby': 'decision-heading' },
    h('h2', { id: 'decision-heading' }, 'Your answer'),
    h('p', {}, 'Accept it to work it, or decline it so the vendor can pass it on.'),
    accept,
    form,
  );
}

function stageForm(
  view: ViewContext,
  lead: PartnerLead,
  box: HTMLElement,
  saved: (lead: PartnerLead) => void,
): HTMLElement {
  const stage = h(
    'select',
    { id: 'lead-stage', name: 'stage' },
    stages.map((value) => h('option', { value, selected: value === lead.partnerStage }, leadStageLabels[value])),
  );
  const save = h('button', { type: 'submit', class: 'primary' }, 'Save stage');
  const form: HTMLFormElement = h(
    'form',
    {
      novalidate: true,
      'aria-labelledby': 'progress-heading',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        box.replaceChildren();
        const chosen = stages.find((value) => value === stage.value);
        if (!chosen) return;
        try {
          saved(await busy(form, save, 'Saving…', () => partnerDeals(view.api).setStage(lead.id, chosen)));
        } catch (error) {
          return formFailure(view, box, error, 'saved');
        }
        box.replaceChildren(h('p', { class: 'message success' }, `Stage saved: ${leadStageLabels[chosen]}.`));
      },
    },
    h('h2', { id: 'progress-heading' }, 'Progress'),
    h('div', { class: 'field' }, h('label', { for: 'lead-stage' }, 'Stage'), stage),
    save,
  );
  return form;
}
