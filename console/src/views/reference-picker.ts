/// <reference lib="dom" />
import { h } from '../../../browser/dom';
import type { CrmRecord, StaffApi } from '../api';
import { recordTitle } from '../format';
import { findModuleMeta, moduleOfId } from '../meta';
import { problemSentence } from '../problems';

/**
 * Choosing a record by name: type the first letters, press Search (or Enter), pick one of the matches (the list
 * routes' `q` search, name and email by prefix). Buttons, not a custom listbox, so keyboard and screen readers
 * need nothing special; the choice is announced.
 */

export interface PickerOptions {
  readonly api: StaffApi;
  readonly id: string;
  /** Modules the record may come from (a ticket's contact: contacts, leads, partner contacts). */
  readonly modules: readonly string[];
  readonly value: string;
  readonly describedBy?: string;
  /** Extra list filters (a primary contact must belong to this organization). */
  readonly filters?: Readonly<Record<string, string>>;
  readonly onChange?: (record: CrmRecord | undefined) => void;
}

export interface Picker {
  readonly element: HTMLElement;
  readonly focusable: HTMLInputElement;
  value(): string;
}

export function referencePicker(options: PickerOptions): Picker {
  let chosen = options.value;
  const search = h('input', {
    id: options.id,
    type: 'search',
    autocomplete: 'off',
    placeholder: 'First letters of a name or email',
    ...(options.describedBy && { 'aria-describedby': options.describedBy }),
  });
  const current = h('p', { class: 'chosen', 'aria-live': 'polite' });
  const results = h('ul', { class: 'picker-results' });
  const status = h('p', { class: 'hint', role: 'status' });

  function showChosen(title: string) {
    const parts: Node[] = [h('span', {}, ...(chosen ? ['Chosen: ', h('strong', {}, title)] : ['Nothing chosen.']))];
    if (chosen)
      parts.push(
        h(
          'button',
          {
            type: 'button',
            class: 'link',
            onclick: () => {
              chosen = '';
              showChosen('');
              options.onChange?.(undefined);
              search.focus();
            },
          },
          'Clear',
        ),
      );
    current.replaceChildren(...parts);
  }

  async function find() {
    const q = search.value.trim();
    if (!q) {
      status.textContent = 'Type the first letters of a name or an email address.';
      return;
    }
    status.textContent = 'Searching…';
    results.replaceChildren();
    try {
      const pages = await Promise.all(
        options.modules.map(async (module) => ({
          module,
          page: await options.api.list(module, { q, limit: 8, ...options.filters }),
        })),
      );
      const found = pages.flatMap(({ module, page }) => page.items.map((record) => ({ module, record })));
      status.textContent = found.length
        ? `${found.length} match${found.length === 1 ? '' : 'es'}. Choose one.`
        : `Nothing matches “${q}”.`;
      results.replaceChildren(
        ...found.map(({ module, record }) => {
          const title = recordTitle(record);
          const kind = findModuleMeta(module)?.label ?? module;
          const email = typeof record.email === 'string' ? ` · ${record.email}` : '';
          return h(
            'li',
            {},
            h(
              'button',
              {
                type: 'button',
                onclick: () => {
                  chosen = record.id;
                  results.replaceChildren();
                  status.textContent = '';
                  showChosen(title);
                  options.onChange?.(record);
                  search.value = '';
                  search.focus();
                },
              },
              `${title} (${kind}${email})`,
            ),
          );
        }),
      );
    } catch (error) {
      status.textContent = problemSentence(error);
    }
  }

  search.addEventListener('keydown', (event) => {
    // Enter searches here instead of submitting the whole form.
    if (event.key === 'Enter') {
      event.preventDefault();
      void find();
    }
  });
  const button = h('button', { type: 'button', onclick: () => void find() }, 'Search');

  showChosen(chosen);
  if (chosen) {
    // Show the chosen record's name, not its id, once it is known.
    const module = moduleOfId(chosen)?.name;
    if (module)
      void options.api
        .request<CrmRecord>('GET', `/${module}/${encodeURIComponent(chosen)}`)
        .then((answer) => showChosen(recordTitle(answer.body)))
        .catch(() => showChosen(chosen));
  }
  return {
    element: h(
      'div',
      { class: 'picker' },
      current,
      h('div', { class: 'picker-search' }, search, button),
      status,
      results,
    ),
    focusable: search,
    value: () => chosen,
  };
}
