/// <reference lib="dom" />
import { h } from '../../../browser/dom';
import { routeHref, type Route } from '../../../browser/routes';
import { problemSentence } from '../problems';
import { displayValue, recordTitle } from '../format';
import { columnLabel, fieldOf, filterLabels, findModuleMeta } from '../meta';
import type { ModuleMeta } from '../module-meta-types';
import { ApiError, type RecordPage } from '../api';
import type { ConsoleView, ViewContext } from './view';

/**
 * A module's list: `#/<module>[?q&<filter>&cursor]`. Newest first, a page at a time; the search box (`q`: name and
 * email, by their first letters) and the filters the API offers for the module. Everything it shows comes from the
 * module metadata, so a new module or column needs no code here.
 */

export const pageSize = 25;

/** The list's own query parameters, as the route carries them and the API takes them. */
function listQuery(module: ModuleMeta, route: Route) {
  const query: Record<string, string | undefined> = {};
  const q = route.query.get('q')?.trim();
  if (q) query.q = q;
  for (const filter of module.filters) {
    const value = route.query.get(filter)?.trim();
    if (value) query[filter] = value;
  }
  return query;
}

function searchForm(module: ModuleMeta, route: Route, query: Record<string, string | undefined>) {
  const search = h('input', {
    id: 'list-search',
    type: 'search',
    name: 'q',
    value: query.q ?? '',
    autocomplete: 'off',
    'aria-describedby': 'list-search-hint',
  });
  const filterInputs = module.filters.map((filter) => {
    const id = `list-filter-${filter}`;
    const labels = filterLabels[filter] ?? { label: filter, hint: '' };
    return {
      filter,
      input: h('input', {
        id,
        name: filter,
        type: 'text',
        value: query[filter] ?? '',
        'aria-describedby': `${id}-hint`,
      }),
      labels,
    };
  });
  const form = h(
    'form',
    {
      class: 'list-tools',
      role: 'search',
      'aria-label': `Search ${module.pluralLabel.toLowerCase()}`,
      onsubmit: (event: Event) => {
        event.preventDefault();
        const next: Record<string, string | undefined> = { q: search.value.trim() || undefined };
        for (const { filter, input } of filterInputs) next[filter] = input.value.trim() || undefined;
        const href = routeHref(route.segments, next);
        // Searching for what is already shown still means "look again".
        if (href === location.hash) window.dispatchEvent(new HashChangeEvent('hashchange'));
        else location.hash = href;
      },
    },
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'list-search' }, `Search ${module.pluralLabel.toLowerCase()}`),
      search,
      h('span', { id: 'list-search-hint', class: 'hint' }, 'Name or email: the first letters are enough.'),
    ),
    filterInputs.map(({ filter, input, labels }) =>
      h(
        'div',
        { class: 'field' },
        h('label', { for: input.id }, labels.label),
        input,
        h('span', { id: `list-filter-${filter}-hint`, class: 'hint' }, labels.hint),
      ),
    ),
    h('button', { type: 'submit' }, 'Search'),
    query.q || module.filters.some((filter) => query[filter])
      ? h('a', { href: routeHref(route.segments), class: 'button' }, 'Clear')
      : null,
  );
  return { form, search };
}

function table(module: ModuleMeta, page: RecordPage) {
  const columns = module.listColumns.length ? module.listColumns : ['id'];
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      {},
      h('caption', { class: 'visually-hidden' }, module.pluralLabel),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          columns.map((name) => h('th', { scope: 'col' }, columnLabel(module, name))),
        ),
      ),
      h(
        'tbody',
        {},
        page.items.map((record) =>
          h(
            'tr',
            {},
            columns.map((name, index) => {
              const text = displayValue(record[name], fieldOf(module, name), name);
              // The first column opens the record, named in full for screen readers' link lists.
              if (index === 0)
                return h(
                  'th',
                  { scope: 'row' },
                  h(
                    'a',
                    {
                      href: routeHref([module.name, record.id]),
                      // Only where the visible text is part of it (WCAG 2.5.3 Label in Name).
                      'aria-label': !text || recordTitle(record).includes(text) ? recordTitle(record) : undefined,
                    },
                    text || recordTitle(record),
                  ),
                );
              return h('td', {}, text);
            }),
          ),
        ),
      ),
    ),
  );
}

function summary(module: ModuleMeta, page: RecordPage, query: Record<string, string | undefined>, paged: boolean) {
  const plural = module.pluralLabel.toLowerCase();
  const count = page.items.length;
  const noun = count === 1 ? module.label : plural;
  const filtered = Object.values(query).some(Boolean);
  if (count === 0)
    return filtered
      ? query.q
        ? `No ${plural} match “${query.q}”.`
        : `No ${plural} match these filters.`
      : paged
        ? `No more ${plural}.`
        : `No ${plural} yet.`;
  const matching = query.q ? ` matching “${query.q}”` : filtered ? ' matching the filters' : '';
  return `Showing ${count} ${noun}${matching}${page.nextCursor ? '; more on the next page' : ''}.`;
}

async function renderList(context: ViewContext) {
  const module = findModuleMeta(context.route.segments[0])!;
  const { main, route } = context;
  const query = listQuery(module, route);
  const cursor = route.query.get('cursor') ?? undefined;
  const heading = h('h1', { tabindex: -1 }, module.pluralLabel);
  const head = h(
    'div',
    { class: 'page-head' },
    heading,
    h('a', { href: routeHref([module.name, 'new']), class: 'button primary' }, `Add ${module.label}`),
  );
  const { form, search } = searchForm(module, route, query);
  const status = h(
    'p',
    { id: 'list-status', role: 'status', class: 'loading', tabindex: -1 },
    `Loading ${module.pluralLabel.toLowerCase()}…`,
  );
  const results = h('div', { id: 'list-results' });
  main.setAttribute('aria-busy', 'true');
  main.replaceChildren(head, form, status, results);

  let page: RecordPage;
  try {
    page = await context.api.list(module.name, { limit: pageSize, ...query, cursor });
  } catch (error) {
    // The search box stays, so a refused search can be corrected where it was typed.
    if (error instanceof ApiError && error.failure === 'expired') return context.failure(error, () => undefined);
    status.className = 'message error';
    status.setAttribute('role', 'alert');
    status.textContent = problemSentence(error, (path) => {
      const name = path.replace(/^\//, '');
      return name === 'q' ? 'Search' : filterLabels[name]?.label;
    });
    return context.done(module.pluralLabel, context.samePage ? status : heading);
  }
  status.className = '';
  status.textContent = summary(module, page, query, cursor !== undefined);
  const pager = h(
    'nav',
    { class: 'pager', 'aria-label': 'Pages' },
    cursor ? h('a', { href: routeHref(route.segments, query) }, 'First page') : null,
    page.nextCursor
      ? h('a', { href: routeHref(route.segments, { ...query, cursor: page.nextCursor }) }, 'Next page')
      : null,
  );
  results.replaceChildren(...(page.items.length ? [table(module, page)] : []), pager);
  context.done(module.pluralLabel, context.samePage ? (route.query.has('cursor') ? status : search) : heading);
}

export const listView: ConsoleView = {
  section: (route) => route.segments[0],
  matches: (route) => route.segments.length === 1 && findModuleMeta(route.segments[0]) !== undefined,
  render: renderList,
};
