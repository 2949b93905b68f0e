/// <reference lib="dom" />
import { partnerDeals, type LeadDecisionInput, type LeadStage, type PartnerLead } from './api';
import { h } from '../../browser/dom';
import { fieldLabel, formatValue } from './format';
import { routeHref } from '../../browser/routes';
import { busy, field, formFailure, messageSlot } from './self-service-views';
import type { ViewContext } from './views';

/** The partner's screens of issue 16: registering a deal, and the leads assigned to the organization. */

export function renderRegisterDeal(view: ViewContext): void {
  const input = (id: string, attributes: Record<string, unknown> = {}) =>
    h('input', { id, name: id, required: true, autocomplete: 'off', ...attributes });
  const company = input('deal-company', { maxlength: 200, autocomplete: 'organization' });
  const contact = input('deal-contact', { maxlength: 200 });
  const email = input('deal-email', { type: 'email', maxlength: 254 });
  const value = input('deal-value', { type: 'number', min: 0, step: '0.01', inputmode: 'decimal' });
  const currency = input('deal-currency', { maxlength: 3, value: 'EUR', pattern: '[A-Za-z]{3}' });
  const closeDate = input('deal-close', { type: 'date' });
  const description = h('textarea', { id: 'deal-description', name: 'description', rows: 5, maxlength: 10000 });
  const box = messageSlot();
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Register deal');
  const required: [HTMLInputElement, string][] = [
    [company, 'Name the company.'],
    [contact, 'Name your contact there.'],
    [email, "Give your contact's email."],
    [value, 'Estimate the value.'],
    [currency, 'Give the currency as three letters, such as EUR.'],
    [closeDate, 'Say when you expect to close.'],
  ];
  const form: HTMLFormElement = h(
    'form',
    {
      novalidate: true,
      onsubmit: async (event: Event) => {
        event.preventDefault();
        box.replaceChildren();
        for (const [control] of required) control.removeAttribute('aria-invalid');
        const missing = required.find(([control]) => !control.value.trim() || !control.checkValidity());
        if (missing) {
          missing[0].setAttribute('aria-invalid', 'true');
          box.replaceChildren(h('p', { class: 'message error' }, missing[1]));
          return missing[0].focus();
        }
        let registration;
        try {
          registration = await busy(form, submit, 'Registering…', () =>
            partnerDeals(view.api).register({
              companyName: company.value.trim(),
              contactName: contact.value.trim(),
              contactEmail: email.value.trim(),
              estimatedValue: Number(value.value),
              currency: currency.value.trim().toUpperCase(),
              expectedCloseDate: closeDate.value,
              ...(description.value.trim() ? { description: description.value } : {}),
            }),
          );
        } catch (error) {
          return formFailure(view, box, error, 'registered');
        }
        location.assign(routeHref(['deal-registrations', String(registration.id)]));
      },
    },
    field('deal-company', 'Company', company),
    field('deal-contact', 'Contact name', contact),
    field('deal-email', 'Contact email', email),
    field('deal-value', 'Estimated value', value),
    field('deal-currency', 'Currency', currency, 'Three letters, such as EUR or USD.'),
    field('deal-close', 'Expected close date', closeDate),
    field('deal-description', 'Description (optional)', description, 'What the customer needs. Line breaks are kept.'),
    submit,
    box,
  );
  view.main.replaceChildren(
    h('p', {}, h('a', { href: routeHref(['deal-registrations']) }, '← All deal registrations')),
    h('h1', { tabindex: -1 }, 'Register a deal'),
    h('p', { class: 'hint' }, 'The vendor reviews it; once approved, the customer is protected for you.'),
    form,
  );
  view.main.removeAttribute('aria-busy');
  view.done('Register a deal');
}

const leadColumns = ['company', 'lastName', 'partnerStage', 'protectedUntil'] as const;
const leadName = (lead: PartnerLead) => [lead.firstName, lead.lastName].filter(Boolean).join(' ');

export async function renderLeads(view: ViewContext): Promise<void> {
  view.loading('Loading leads…');
  let page;
  try {
    page = await partnerDeals(view.api).leads();
  } catch (error) {
    return view.failure(error, () => void renderLeads(view));
  }
  const content: Node[] = [h('h1', { tabindex: -1 }, 'Leads')];
  if (page.items.length === 0) content.push(h('p', { class: 'empty' }, 'No leads are assigned to you.'));
  else {
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
          leadColumns.map((column) => h('th', { scope: 'col' }, fieldLabel(column))),
        ),
      ),
      h(
        'tbody',
        {},
        page.items.map((lead) =>
          h(
            'tr',
            {},
            leadColumns.map((column, index) =>
              index === 0
                ? h(
                    'th',
                    { scope: 'row', 'data-label': fieldLabel(column) },
                    h('a', { href: routeHref(['leads', lead.id]) }, lead.company ?? leadName(lead)),
                  )
                : h('td', { 'data-label': fieldLabel(column) }, formatValue(column, lead[column], lead)),
            ),
          ),
        ),
      ),
    );
    content.push(h('div', { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-label': 'Leads' }, table));
  }
  view.main.replaceChildren(...content);
  view.done('Leads');
}

const declineReasons: { value: NonNullable<LeadDecisionInput['reason']>; label: string }[] = [
  { value: 'not-interested', label: 'Not interested' },
  { value: 'duplicate', label: 'Duplicate' },
  { value: 'spam', label: 'Spam' },
  { value: 'other', label: 'Other' },
];
const stages: LeadStage[] = ['contacted', 'qualified', 'proposal', 'negotiation', 'won', 'lost'];
const stageLabel = (stage: string) => stage.charAt(0).toUpperCase() + stage.slice(1);

export async function renderLead(view: ViewContext, id: string): Promise<void> {
  view.loading('Loading the lead…');
  let lead: PartnerLead;
  try {
    lead = await partnerDeals(view.api).lead(id);
  } catch (error) {
    return view.failure(error, () => void renderLead(view, id));
  }
  const shown = ['firstName', 'lastName', 'company', 'title', 'email', 'phone', 'mobile', 'protectedUntil'] as const;
  const details = h(
    'dl',
    { class: 'fields' },
    shown
      .filter((name) => lead[name] !== undefined)
      .flatMap((name) => [h('dt', {}, fieldLabel(name)), h('dd', {}, formatValue(name, lead[name], lead))]),
  );
  const box = messageSlot();
  const accepted = lead.partnerDecision?.decision === 'accept';
  const actions = accepted ? stageForm(view, lead, box) : decisionForm(view, lead, box);
  view.main.replaceChildren(
    h('p', {}, h('a', { href: routeHref(['leads']) }, '← All leads')),
    h('h1', { tabindex: -1 }, lead.company ?? leadName(lead)),
    details,
    actions,
    box,
  );
  view.done(lead.company ?? leadName(lead));
}

function decisionForm(view: ViewContext, lead: PartnerLead, box: HTMLElement): HTMLElement {
  const reason = h(
    'select',
    { id: 'lead-reason', name: 'reason' },
    h('option', { value: '' }, 'Choose a reason to decline'),
    declineReasons.map(({ value, label }) => h('option', { value }, label)),
  );
  const accept = h('button', { type: 'button', class: 'primary' }, 'Accept lead');
  const decline = h('button', { type: 'submit' }, 'Decline lead');
  const form: HTMLFormElement = h(
    'form',
    {
      novalidate: true,
      onsubmit: async (event: Event) => {
        event.preventDefault();
        box.replaceChildren();
        const chosen = declineReasons.find((option) => option.value === reason.value);
        if (!chosen) {
          reason.setAttribute('aria-invalid', 'true');
          box.replaceChildren(h('p', { class: 'message error' }, 'Choose why you decline the lead.'));
          return reason.focus();
        }
        try {
          await busy(form, decline, 'Declining…', () =>
            partnerDeals(view.api).decide(lead.id, { decision: 'decline', reason: chosen.value }),
          );
        } catch (error) {
          return formFailure(view, box, error, 'declined');
        }
        // Declined, it is the vendor's again and leaves this portal.
        location.assign(routeHref(['leads']));
      },
    },
    h('h2', {}, 'Your answer'),
    accept,
    field('lead-reason', 'Reason to decline', reason),
    decline,
  );
  accept.addEventListener('click', async () => {
    box.replaceChildren();
    try {
      await busy(form, accept, 'Accepting…', () => partnerDeals(view.api).decide(lead.id, { decision: 'accept' }));
    } catch (error) {
      return formFailure(view, box, error, 'accepted');
    }
    void renderLead(view, lead.id);
  });
  return form;
}

function stageForm(view: ViewContext, lead: PartnerLead, box: HTMLElement): HTMLElement {
  const stage = h(
    'select',
    { id: 'lead-stage', name: 'stage' },
    stages.map((value) => h('option', { value, selected: value === lead.partnerStage }, stageLabel(value))),
  );
  const save = h('button', { type: 'submit', class: 'primary' }, 'Save stage');
  const form: HTMLFormElement = h(
    'form',
    {
      novalidate: true,
      onsubmit: async (event: Event) => {
        event.preventDefault();
        box.replaceChildren();
        const chosen = stages.find((value) => value === stage.value);
        if (!chosen) return;
        try {
          await busy(form, save, 'Saving…', () => partnerDeals(view.api).setStage(lead.id, chosen));
        } catch (error) {
          return formFailure(view, box, error, 'saved');
        }
        box.replaceChildren(h('p', { class: 'message' }, `Stage saved: ${stageLabel(chosen)}.`));
      },
    },
    h('h2', {}, 'Progress'),
    h('p', {}, 'You accepted this lead.'),
    field('lead-stage', 'Stage', stage),
    save,
  );
  return form;
}
