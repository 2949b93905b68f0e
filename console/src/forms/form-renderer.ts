/// <reference lib="dom" />
import { h } from '../../../browser/dom';
import type { FieldError } from './client-hints';
import type { FieldSpec } from './field-specs';
import type { FieldValue, FormValues, RowValues } from './form-values';

/**
 * Inputs for field specs (field-specs.ts), one kind each: labelled, described by their hint and their error, and
 * read back as form values (form-values.ts). Knows no module: a new field in the registry gets an input here.
 */

/** A reference input: how the screen lets a person choose a record (views/reference-picker.ts). */
export interface ReferenceInput {
  readonly element: HTMLElement;
  readonly focusable: HTMLElement;
  value(): string;
}

export interface FormOptions {
  /** Prefix of element ids, so two forms on one page do not collide. */
  readonly idPrefix: string;
  readonly reference: (spec: FieldSpec, id: string, value: string, describedBy: string) => ReferenceInput;
  /** Pointers of fields not to show (a partner contact's organization when it is created inline). */
  readonly omit?: ReadonlySet<string>;
}

export interface RenderedForm {
  readonly element: HTMLElement;
  read(): FormValues;
  /** Marks each error's field, in order; returns the errors that named no input on this form. */
  showErrors(errors: readonly FieldError[]): FieldError[];
  clearErrors(): void;
  /** The input an error path names, to move focus to. */
  inputFor(path: string): HTMLElement | undefined;
}

const inputTypes: Partial<Record<FieldSpec['kind'], string>> = {
  email: 'email',
  phone: 'tel',
  url: 'url',
  date: 'date',
  secret: 'password',
};

const hints: Partial<Record<string, string>> = {
  phone: 'Digits, spaces and + ( ) - . / # * ,',
  currency: 'Three letters, such as EUR.',
  money: 'An amount such as 1250.00',
  username: 'What they sign in with besides their email: 3 to 64 letters, digits, dots, dashes or underscores.',
  pin: '4 to 8 digits. Never shown again once saved; leave empty to keep the current PIN.',
  components: 'The sections of the portal this person sees.',
};

function safeId(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, '-');
}

export function renderForm(specs: readonly FieldSpec[], values: FormValues, options: FormOptions): RenderedForm {
  const readers = new Map<string, () => FieldValue>();
  /** Pointer (or line-item cell path) → the input and its error element. */
  const targets = new Map<string, { input: HTMLElement; error: HTMLElement }>();
  const marked: { input: HTMLElement; error: HTMLElement }[] = [];

  const idOf = (pointer: string) => `${options.idPrefix}${safeId(pointer)}`;

  function errorSlot(id: string) {
    return h('p', { id: `${id}-error`, class: 'field-error', hidden: true });
  }

  function describedBy(id: string, hint: string | undefined) {
    return [hint ? `${id}-hint` : '', `${id}-error`].filter(Boolean).join(' ');
  }

  function labelText(spec: FieldSpec) {
    return [spec.label, spec.required ? h('span', { class: 'required' }, ' (required)') : null];
  }

  function scalarInput(spec: FieldSpec, id: string, value: string, hint: string | undefined): HTMLElement {
    const common = {
      id,
      name: spec.pointer,
      'aria-describedby': describedBy(id, hint),
      ...(spec.required && { 'aria-required': 'true' }),
    };
    if (spec.kind === 'multiline') {
      const area = h('textarea', { ...common, rows: 3, ...(spec.maxLength && { maxlength: spec.maxLength }) });
      area.value = value;
      return area;
    }
    if (spec.kind === 'picklist') {
      const select = h(
        'select',
        common,
        h('option', { value: '' }, spec.required ? 'Choose…' : '(none)'),
        (spec.options ?? []).map((option) => h('option', { value: option }, option)),
      );
      select.value = value;
      return select;
    }
    const input = h('input', {
      ...common,
      type: inputTypes[spec.kind] ?? 'text',
      ...(spec.maxLength && { maxlength: spec.maxLength }),
      ...((spec.kind === 'money' || spec.kind === 'quantity') && { inputmode: 'decimal' }),
      ...(spec.kind === 'secret' && { inputmode: 'numeric', autocomplete: 'new-password' }),
      ...(spec.kind === 'email' && { autocomplete: 'off', spellcheck: 'false' }),
    });
    input.value = value;
    return input;
  }

  function field(spec: FieldSpec): HTMLElement | null {
    if (options.omit?.has(spec.pointer)) return null;
    const id = idOf(spec.pointer);
    const hint = hints[spec.key] ?? hints[spec.kind];
    const error = errorSlot(id);
    const value = values[spec.pointer];

    if (spec.kind === 'group') {
      return h(
        'fieldset',
        { class: 'group', id },
        h('legend', {}, spec.label),
        (spec.fields ?? []).map((member) => field(member)),
      );
    }
    if (spec.kind === 'checkbox') {
      const box = h('input', { type: 'checkbox', id, name: spec.pointer, 'aria-describedby': `${id}-error` });
      box.checked = value === true;
      readers.set(spec.pointer, () => box.checked);
      targets.set(spec.pointer, { input: box, error });
      return h('div', { class: 'field check' }, box, h('label', { for: id }, spec.label), error);
    }
    if (spec.kind === 'choices') {
      const chosen = new Set(Array.isArray(value) ? (value as string[]) : []);
      const boxes = (spec.options ?? []).map((option) => {
        const box = h('input', { type: 'checkbox', id: `${id}-${safeId(option)}`, value: option });
        box.checked = chosen.has(option);
        return box;
      });
      readers.set(spec.pointer, () => boxes.filter((box) => box.checked).map((box) => box.value));
      const fieldset = h(
        'fieldset',
        { class: 'choices', id, 'aria-describedby': describedBy(id, hint) },
        h('legend', {}, spec.label),
        hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null,
        boxes.map((box) => h('div', { class: 'check' }, box, h('label', { for: box.id }, labelOfOption(box.value)))),
        error,
      );
      targets.set(spec.pointer, { input: boxes[0] ?? fieldset, error });
      return fieldset;
    }
    if (spec.kind === 'lineItems')
      return lineItems(spec, id, Array.isArray(value) ? (value as RowValues[]) : [], error);
    const text = typeof value === 'string' ? value : '';
    if (spec.kind === 'reference') {
      const picker = options.reference(spec, id, text, describedBy(id, hint));
      readers.set(spec.pointer, () => picker.value());
      targets.set(spec.pointer, { input: picker.focusable, error });
      return h(
        'div',
        { class: 'field reference' },
        h('label', { for: id }, labelText(spec)),
        hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null,
        picker.element,
        error,
      );
    }
    const input = scalarInput(spec, id, text, hint);
    readers.set(spec.pointer, () => (input as HTMLInputElement).value);
    targets.set(spec.pointer, { input, error });
    return h(
      'div',
      { class: `field ${spec.kind}` },
      h('label', { for: id }, labelText(spec)),
      hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null,
      input,
      error,
    );
  }

  function lineItems(spec: FieldSpec, id: string, initial: readonly RowValues[], error: HTMLElement) {
    const cells = spec.fields ?? [];
    const body = h('tbody', {});
    const rows: Map<string, HTMLInputElement>[] = [];
    const table = h(
      'table',
      { class: 'line-items', 'aria-describedby': `${id}-error` },
      h('caption', {}, spec.label),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          cells.map((cell) => h('th', { scope: 'col' }, cell.label)),
          h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Remove')),
        ),
      ),
      body,
    );
    function renumber() {
      // Cell paths follow the row's position, as the API's error paths do (`/lineItems/1/quantity`).
      for (const key of [...targets.keys()]) if (key.startsWith(`${spec.pointer}/`)) targets.delete(key);
      [...body.rows].forEach((row, index) => {
        row.querySelectorAll<HTMLInputElement>('input').forEach((input) => {
          const cell = input.dataset.cell ?? '';
          input.setAttribute('aria-label', `${cells.find((c) => c.key === cell)?.label ?? cell}, line ${index + 1}`);
          const cellError = row.querySelector<HTMLElement>(`[data-error="${cell}"]`)!;
          targets.set(`${spec.pointer}/${index}/${cell}`, { input, error: cellError });
        });
        const remove = row.querySelector<HTMLButtonElement>('button.remove');
        remove?.setAttribute('aria-label', `Remove line ${index + 1}`);
      });
    }
    function addRow(row: RowValues) {
      const inputs = new Map<string, HTMLInputElement>();
      const tr = h(
        'tr',
        {},
        cells.map((cell) => {
          const input = h('input', {
            type: 'text',
            'data-cell': cell.key,
            ...((cell.kind === 'money' || cell.kind === 'quantity') && { inputmode: 'decimal' }),
          });
          input.value = row[cell.key] ?? '';
          inputs.set(cell.key, input);
          return h('td', {}, input, h('p', { class: 'field-error', 'data-error': cell.key, hidden: true }));
        }),
        h(
          'td',
          {},
          h(
            'button',
            {
              type: 'button',
              class: 'remove',
              onclick: () => {
                const index = rows.indexOf(inputs);
                rows.splice(index, 1);
                tr.remove();
                renumber();
                addButton.focus();
              },
            },
            'Remove',
          ),
        ),
      );
      rows.push(inputs);
      body.append(tr);
      renumber();
      return inputs;
    }
    const addButton = h(
      'button',
      {
        type: 'button',
        onclick: () =>
          addRow({})
            .get(cells[0]?.key ?? '')
            ?.focus(),
      },
      'Add line',
    );
    initial.forEach(addRow);
    readers.set(spec.pointer, () =>
      rows.map((inputs) => Object.fromEntries([...inputs].map(([key, input]) => [key, input.value]))),
    );
    targets.set(spec.pointer, { input: addButton, error });
    return h(
      'div',
      { class: 'field line-items-field', id },
      h('div', { class: 'table-wrap' }, table),
      addButton,
      error,
    );
  }

  const element = h('div', { class: 'form-fields' }, specs.map(field));

  function clearErrors() {
    for (const { input, error } of marked.splice(0)) {
      input.removeAttribute('aria-invalid');
      error.hidden = true;
      error.textContent = '';
    }
  }

  return {
    element,
    read: () => Object.fromEntries([...readers].map(([pointer, read]) => [pointer, read()])),
    clearErrors,
    showErrors(errors) {
      clearErrors();
      const unplaced: FieldError[] = [];
      for (const entry of errors) {
        const target = targets.get(entry.path);
        if (!target) {
          unplaced.push(entry);
          continue;
        }
        target.input.setAttribute('aria-invalid', 'true');
        target.error.hidden = false;
        target.error.textContent = target.error.textContent
          ? `${target.error.textContent} ${entry.message}`
          : entry.message;
        if (!target.error.id) {
          target.error.id = `${target.input.id || idOf(entry.path)}-error`;
          target.input.setAttribute('aria-describedby', target.error.id);
        }
        marked.push(target);
      }
      return unplaced;
    },
    inputFor: (path) => targets.get(path)?.input,
  };
}

/** `sales-orders` → "Sales orders": component names read as the portal's section names. */
export function labelOfOption(option: string): string {
  const words = option.replace(/-/g, ' ');
  return /^[a-z]/.test(words) ? words.charAt(0).toUpperCase() + words.slice(1) : words;
}
