/// <reference lib="dom" />
import { h } from '../../../browser/dom';
import { routeHref } from '../../../browser/routes';
import { ApiError, type CrmRecord } from '../api';
import { checkForm, type FieldError } from '../forms/client-hints';
import { specsFromMeta, type FieldSpec } from '../forms/field-specs';
import { renderForm, type RenderedForm } from '../forms/form-renderer';
import { createBody, editPatch, valuesFromRecord, type FormValues } from '../forms/form-values';
import { placeProblem } from '../forms/problem-sentences';
import { recordTitle } from '../format';
import { findModuleMeta } from '../meta';
import type { ModuleMeta } from '../module-meta-types';
import { problemSentence } from '../problems';
import { referencePicker } from './reference-picker';
import type { ConsoleView, ViewContext } from './view';

/**
 * +Add Record and Edit for every module: `#/<module>/new[?<reference>=<id>]` and `#/<module>/<id>/edit`. The inputs
 * come from the module's metadata (forms/), so a new field needs no code here. A partner organization's Primary
 * Contact can be created inline (the + of the CRM article): the organization and its contact go in one request.
 */

/** A module's inputs; a person's include the portal settings (the CRM's Customer Portal Information panel). */
export function formSpecs(module: ModuleMeta): FieldSpec[] {
  return specsFromMeta(module.fields);
}

interface InlineContact {
  readonly element: HTMLElement;
  open(): boolean;
  form?: RenderedForm;
  specs: FieldSpec[];
}

/** The inline "+ new primary contact" of a new partner organization: a partner contact's own fields. */
function inlinePrimaryContact(context: ViewContext): InlineContact | undefined {
  const contactModule = findModuleMeta('partner-contacts');
  if (!contactModule) return undefined;
  // Its organization is the one being created, and portal access is granted on the contact's own page.
  const specs = specsFromMeta(contactModule.fields).filter(
    (spec) => spec.pointer !== '/organizationId' && spec.pointer !== '/portal',
  );
  const state: InlineContact = {
    specs,
    element: h('div', {}),
    open: () => state.form !== undefined,
  };
  const region = h('div', { id: 'primary-contact-new', class: 'inline-form' });
  const toggle = h(
    'button',
    {
      type: 'button',
      'aria-expanded': 'false',
      'aria-controls': 'primary-contact-new',
      onclick: () => {
        if (state.form) {
          state.form = undefined;
          region.replaceChildren();
          toggle.setAttribute('aria-expanded', 'false');
          toggle.textContent = '+ Create the primary contact';
          return;
        }
        state.form = renderForm(specs, valuesFromRecord(specs, {}), {
          idPrefix: 'pc-',
          reference: (spec, id, value, describedBy) =>
            referencePicker({ api: context.api, id, modules: spec.referenceModules ?? [], value, describedBy }),
        });
        region.replaceChildren(
          h('p', { class: 'hint' }, 'Saved with the organization, in one step: either both are created or neither.'),
          state.form.element,
        );
        toggle.setAttribute('aria-expanded', 'true');
        toggle.textContent = 'Do not create a primary contact';
        region.querySelector<HTMLElement>('input, select, textarea')?.focus();
      },
    },
    '+ Create the primary contact',
  );
  state.element.replaceChildren(h('fieldset', { class: 'group' }, h('legend', {}, 'Primary Contact'), toggle, region));
  return state;
}

async function renderRecordForm(context: ViewContext) {
  const [moduleName, second] = context.route.segments;
  const module = findModuleMeta(moduleName)!;
  const creating = second === 'new';
  const id = creating ? undefined : second!;
  context.loading(creating ? `Opening a new ${module.label}…` : `Loading the ${module.label}…`);

  let record: CrmRecord | undefined;
  let etag: string | null = null;
  if (id) {
    const answer = await context.api.request<CrmRecord>('GET', `/${module.name}/${encodeURIComponent(id)}`);
    record = answer.body;
    etag = answer.etag;
  }

  let specs = formSpecs(module);
  // A new partner organization has no partner contacts yet to choose from: its primary contact is created inline.
  const inline = creating && module.name === 'partner-organizations' ? inlinePrimaryContact(context) : undefined;
  if (inline) specs = specs.filter((spec) => spec.pointer !== '/primaryContactId');

  // Links made from another page (a contact's "Add ticket") arrive in the query.
  const prefill: Record<string, unknown> = {};
  for (const spec of specs)
    if (spec.kind === 'reference' && context.route.query.get(spec.key))
      prefill[spec.key] = context.route.query.get(spec.key);
  if (creating && module.portalVisible && context.route.query.get('showOnPortal') === 'true')
    prefill.showOnPortal = true;
  const initial: FormValues = valuesFromRecord(specs, record ?? prefill);

  const form = renderForm(specs, initial, {
    idPrefix: 'f-',
    reference: (spec, inputId, value, describedBy) =>
      referencePicker({
        api: context.api,
        id: inputId,
        modules: spec.referenceModules ?? [],
        value,
        describedBy,
        // A partner organization's primary contact must be one of its own partner contacts.
        ...(spec.key === 'primaryContactId' && id && { filters: { organizationId: id } }),
      }),
  });

  const title = creating ? `Add ${module.label}` : `Edit ${recordTitle(record!)}`;
  const heading = h('h1', { tabindex: -1 }, title);
  const summary = h('div', { id: 'form-summary', tabindex: -1, class: 'summary' });
  const save = h('button', { type: 'submit', class: 'primary' }, 'Save');
  const cancelHref = creating ? routeHref([module.name]) : routeHref([module.name, id!]);

  function showSummary(message: string, kind: 'error' | 'info', extra?: HTMLElement) {
    summary.replaceChildren(h('p', { class: `message ${kind}`, role: 'alert' }, message, extra ? ' ' : null, extra));
    summary.focus();
  }

  function place(errors: readonly FieldError[]) {
    const mine = errors.filter((error) => !error.path.startsWith('/primaryContact/'));
    const contact = errors
      .filter((error) => error.path.startsWith('/primaryContact/'))
      .map((error) => ({ ...error, path: error.path.slice('/primaryContact'.length) }));
    const unplaced = [...form.showErrors(mine), ...(inline?.form?.showErrors(contact) ?? contact)];
    return unplaced;
  }

  async function submit(event: Event) {
    event.preventDefault();
    const values = form.read();
    const contactValues = inline?.form?.read();
    const hints = [
      ...checkForm(specs, values),
      ...(contactValues && inline
        ? checkForm(inline.specs, contactValues).map((error) => ({ ...error, path: `/primaryContact${error.path}` }))
        : []),
    ];
    if (hints.length) {
      place(hints);
      showSummary(
        `The ${module.label} was not saved: ${hints.length === 1 ? 'one field needs' : `${hints.length} fields need`} attention, marked below.`,
        'error',
      );
      return;
    }
    form.clearErrors();
    inline?.form?.clearErrors();
    save.disabled = true;
    save.textContent = 'Saving…';
    try {
      if (creating) {
        const body = createBody(specs, values);
        if (contactValues && inline) body.primaryContact = createBody(inline.specs, contactValues);
        const answer = await context.api.request<CrmRecord>('POST', `/${module.name}`, { body });
        location.hash = routeHref([module.name, answer.body.id], { saved: 'created' });
      } else {
        const patch = editPatch(specs, record, values);
        if (Object.keys(patch).length === 0) {
          location.hash = routeHref([module.name, id!]);
          return;
        }
        await context.api.request<CrmRecord>('PATCH', `/${module.name}/${encodeURIComponent(id!)}`, {
          body: patch,
          headers: { 'content-type': 'application/merge-patch+json', ...(etag && { 'if-match': etag }) },
        });
        location.hash = routeHref([module.name, id!], { saved: 'updated' });
      }
    } catch (error) {
      save.disabled = false;
      save.textContent = 'Save';
      if (error instanceof ApiError && error.failure === 'expired') return context.failure(error, () => undefined);
      if (!(error instanceof ApiError) || error.failure !== 'problem')
        return showSummary(problemSentence(error), 'error');
      const placed = placeProblem([...specs, ...(inline?.form ? prefixed(inline.specs) : [])], error.problem);
      const unplaced = place(placed.fieldErrors);
      const reload =
        error.problem.status === 412
          ? h(
              'button',
              { type: 'button', onclick: () => window.dispatchEvent(new HashChangeEvent('hashchange')) },
              'Reload the record',
            )
          : undefined;
      showSummary([placed.formMessage, ...unplaced.map((entry) => entry.message)].join(' '), 'error', reload);
    }
  }

  const formElement = h(
    'form',
    { novalidate: true, onsubmit: (event: Event) => void submit(event), 'aria-labelledby': 'form-title' },
    form.element,
    inline?.element,
    h('div', { class: 'actions' }, save, h('a', { href: cancelHref, class: 'button' }, 'Cancel')),
  );
  heading.id = 'form-title';
  context.main.replaceChildren(heading, summary, formElement);
  context.done(title, heading);
}

/** The inline contact's specs as the API names them in a problem: `/primaryContact/lastName`. */
function prefixed(specs: readonly FieldSpec[]): FieldSpec[] {
  return [
    {
      key: 'primaryContact',
      pointer: '/primaryContact',
      label: 'Primary Contact',
      kind: 'group',
      required: false,
      fields: specs.map(function rebase(spec): FieldSpec {
        return {
          ...spec,
          pointer: `/primaryContact${spec.pointer}`,
          label: `Primary Contact ${spec.label.charAt(0).toLowerCase()}${spec.label.slice(1)}`,
          ...(spec.kind === 'group' && { fields: (spec.fields ?? []).map(rebase) }),
        };
      }),
    },
  ];
}

export const recordFormView: ConsoleView = {
  section: (route) => route.segments[0],
  matches: (route) =>
    findModuleMeta(route.segments[0]) !== undefined &&
    ((route.segments.length === 2 && route.segments[1] === 'new') ||
      (route.segments.length === 3 && route.segments[2] === 'edit')),
  render: renderRecordForm,
};
