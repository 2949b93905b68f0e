/// <reference lib="dom" />
import { h } from '../../../browser/dom';
import { routeHref } from '../../../browser/routes';
import { shownToNobodyWarning } from '../access/access-sentences';
import type { CrmRecord, StaffApi } from '../api';
import { displayValue, recordTitle } from '../format';
import { findModuleMeta, moduleOfId } from '../meta';
import type { FieldMeta, ModuleMeta } from '../module-meta-types';
import { problemSentence } from '../problems';
import { portalPanel } from './portal-panel';
import { referencePicker } from './reference-picker';
import type { ConsoleView, ViewContext } from './view';

/**
 * One record: `#/<module>/<id>`. Its fields from the module metadata, a person's Portal panel, and the records
 * linked to it (a person's or an organization's tickets, invoices…), each with its Show on portal toggle, a way to
 * add one, and a picker to link an existing one.
 */

const savedNotices: Record<string, string> = {
  created: 'Saved. The record was created.',
  updated: 'Saved.',
};

function fieldRows(record: CrmRecord, fields: readonly FieldMeta[], prefix = ''): HTMLElement[] {
  return fields.flatMap((field) => {
    const value = record[field.name];
    if (field.name === 'portal') return [];
    if ((field.type === 'address' || field.type === 'group') && value && typeof value === 'object') {
      const parts = (field.fields ?? [])
        .map((member) => (value as Record<string, unknown>)[member.name])
        .filter((part) => typeof part === 'string' && part);
      return [h('dt', {}, `${prefix}${field.label}`), h('dd', { class: 'address' }, parts.join(', '))];
    }
    if (field.type === 'line-items' && Array.isArray(value))
      return [
        h('dt', {}, field.label),
        h(
          'dd',
          {},
          h(
            'ul',
            {},
            (value as Record<string, unknown>[]).map((line) =>
              h(
                'li',
                {},
                `${String(line.description ?? '')} — ${String(line.quantity ?? '')} × ${String(line.unitPrice ?? '')}`,
              ),
            ),
          ),
        ),
      ];
    if (field.type === 'reference' && typeof value === 'string') {
      const target = moduleOfId(value);
      return [
        h('dt', {}, field.label),
        h('dd', {}, target ? h('a', { href: routeHref([target.name, value]), 'data-reference': value }, value) : value),
      ];
    }
    return [h('dt', {}, field.label), h('dd', {}, displayValue(value, field, field.name) || '—')];
  });
}

/** Replaces reference ids with the names of the records they point to, once known. */
function nameReferences(api: StaffApi, container: HTMLElement) {
  for (const link of container.querySelectorAll<HTMLAnchorElement>('a[data-reference]')) {
    const id = link.dataset.reference!;
    const target = moduleOfId(id);
    if (!target) continue;
    void api
      .request<CrmRecord>('GET', `/${target.name}/${encodeURIComponent(id)}`)
      .then((answer) => (link.textContent = recordTitle(answer.body)))
      .catch(() => undefined);
  }
}

/** One related module's records linked to this one, with the Show on portal toggle of each. */
function relatedList(api: StaffApi, owner: ModuleMeta, record: CrmRecord, related: { module: string; field: string }) {
  const module = findModuleMeta(related.module);
  if (!module) return null;
  const headingId = `related-${module.name}`;
  const body = h('div', {}, h('p', { class: 'loading' }, `Loading ${module.pluralLabel.toLowerCase()}…`));
  const notice = h('p', { role: 'status', class: 'panel-notice' });
  const filter = { [related.field]: record.id };

  async function load() {
    try {
      const page = await api.list(module!.name, { limit: 25, ...filter });
      body.replaceChildren(
        page.items.length
          ? table(page.items)
          : h('p', { class: 'empty' }, `No ${module!.pluralLabel.toLowerCase()} linked yet.`),
      );
    } catch (error) {
      body.replaceChildren(h('p', { class: 'message error' }, problemSentence(error)));
    }
  }

  function toggle(item: CrmRecord) {
    const title = recordTitle(item);
    const box = h('input', { type: 'checkbox', id: `show-${item.id}`, 'aria-label': `Show ${title} on portal` });
    box.checked = item.showOnPortal === true;
    const warning = h('p', { class: 'row-warning', id: `warn-${item.id}` }, shownToNobodyWarning(item) ?? '');
    warning.hidden = !shownToNobodyWarning(item);
    box.addEventListener('change', async () => {
      const showOnPortal = box.checked;
      box.disabled = true;
      try {
        const answer = await api.request<CrmRecord>('PATCH', `/${module!.name}/${encodeURIComponent(item.id)}`, {
          body: { showOnPortal },
          headers: { 'content-type': 'application/merge-patch+json' },
        });
        const message = shownToNobodyWarning(answer.body);
        warning.textContent = message ?? '';
        warning.hidden = !message;
        notice.className = 'panel-notice message success';
        notice.textContent = showOnPortal
          ? `${title} is now shown on the portal.`
          : `${title} is no longer shown on the portal.`;
      } catch (error) {
        box.checked = !showOnPortal;
        notice.className = 'panel-notice message error';
        notice.textContent = problemSentence(error);
      } finally {
        box.disabled = false;
      }
    });
    return h('td', {}, h('div', { class: 'check' }, box, h('label', { for: box.id }, 'Show on portal')), warning);
  }

  function table(items: readonly CrmRecord[]) {
    const columns = module!.listColumns.filter((name) => name !== 'showOnPortal').slice(0, 3);
    return h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        {},
        h('caption', { class: 'visually-hidden' }, `${module!.pluralLabel} of ${recordTitle(record)}`),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            columns.map((name) =>
              h('th', { scope: 'col' }, module!.fields.find((f) => f.name === name)?.label ?? name),
            ),
            module!.portalVisible ? h('th', { scope: 'col' }, 'Portal') : null,
          ),
        ),
        h(
          'tbody',
          {},
          items.map((item) =>
            h(
              'tr',
              {},
              columns.map((name, index) => {
                const text = displayValue(
                  item[name],
                  module!.fields.find((f) => f.name === name),
                  name,
                );
                return index === 0
                  ? h(
                      'th',
                      { scope: 'row' },
                      h('a', { href: routeHref([module!.name, item.id]) }, text || recordTitle(item)),
                    )
                  : h('td', {}, text);
              }),
              module!.portalVisible ? toggle(item) : null,
            ),
          ),
        ),
      ),
    );
  }

  // Linking an existing record to this one: choose it, and its reference field is set to this record.
  const linkId = `link-${module.name}`;
  const linkStatus = h('p', { role: 'status', class: 'hint' });
  const canLink = owner.kind === 'person' && module.portalVisible;
  const picker = canLink
    ? referencePicker({
        api,
        id: linkId,
        modules: [module.name],
        value: '',
        onChange: async (chosen) => {
          if (!chosen) return;
          try {
            await api.request('PATCH', `/${module.name}/${encodeURIComponent(chosen.id)}`, {
              body: { [related.field]: record.id },
              headers: { 'content-type': 'application/merge-patch+json' },
            });
            linkStatus.textContent = `${recordTitle(chosen)} is now linked to ${recordTitle(record)}.`;
            await load();
          } catch (error) {
            linkStatus.textContent = problemSentence(error);
          }
        },
      })
    : undefined;

  void load();
  return h(
    'section',
    { class: 'panel related', 'aria-labelledby': headingId },
    h(
      'div',
      { class: 'page-head' },
      h('h2', { id: headingId }, module.pluralLabel),
      h(
        'a',
        { href: routeHref([module.name, 'new'], { [related.field]: record.id }), class: 'button' },
        `Add ${module.label}`,
      ),
    ),
    notice,
    body,
    picker
      ? h(
          'details',
          { class: 'link-existing' },
          h('summary', {}, `Link an existing ${module.label} to this ${owner.label}`),
          h('label', { for: linkId }, `Find the ${module.label}`),
          picker.element,
          linkStatus,
        )
      : null,
  );
}

async function renderDetail(context: ViewContext) {
  const [moduleName, id] = context.route.segments as [string, string];
  const module = findModuleMeta(moduleName)!;
  context.loading(`Loading the ${module.label}…`);
  const record = (await context.api.request<CrmRecord>('GET', `/${module.name}/${encodeURIComponent(id)}`)).body;
  // A partner contact's organization decides whether an invitation can go out at all.
  const organizationId = typeof record.organizationId === 'string' ? record.organizationId : undefined;
  const organization =
    module.name === 'partner-contacts' && organizationId
      ? await context.api
          .request<CrmRecord>('GET', `/partner-organizations/${encodeURIComponent(organizationId)}`)
          .then((answer) => answer.body)
          .catch(() => undefined)
      : undefined;

  const title = recordTitle(record);
  const heading = h('h1', { tabindex: -1 }, title);
  const saved = savedNotices[context.route.query.get('saved') ?? ''];
  const details = h('dl', { class: 'record-fields' }, fieldRows(record, module.fields));
  nameReferences(context.api, details);
  const related = module.related.filter((entry) => entry.module !== module.name);
  context.main.replaceChildren(
    ...[
      h(
        'div',
        { class: 'page-head' },
        heading,
        h('a', { href: routeHref([module.name, id, 'edit']), class: 'button primary' }, 'Edit'),
      ),
      h('p', { class: 'kind' }, module.label.charAt(0).toUpperCase() + module.label.slice(1)),
      saved ? h('p', { class: 'message success', role: 'status' }, saved) : null,
      module.portalVisible && shownToNobodyWarning(record)
        ? h('p', { class: 'message warning' }, shownToNobodyWarning(record))
        : null,
      h(
        'div',
        { class: 'detail-layout' },
        h(
          'section',
          { class: 'panel', 'aria-labelledby': 'details-heading' },
          h('h2', { id: 'details-heading' }, 'Details'),
          details,
        ),
        module.kind === 'person' ? portalPanel(context.api, module, record, organization) : null,
      ),
      ...related.map((entry) => relatedList(context.api, module, record, entry)),
    ].filter((node): node is HTMLElement => node !== null),
  );
  context.done(title, heading);
}

export const recordDetailView: ConsoleView = {
  section: (route) => route.segments[0],
  matches: (route) =>
    route.segments.length === 2 && route.segments[1] !== 'new' && findModuleMeta(route.segments[0]) !== undefined,
  render: renderDetail,
};
