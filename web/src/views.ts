/// <reference lib="dom" />
import { ApiError, type Api, type PortalModule, type PortalProfile, type PortalRecord as ApiRecord } from './api';
import { h } from '../../browser/dom';
import { fieldLabel, formatMoney, formatValue, sectionTitle } from './format';
import { moduleMeta } from './portal-meta';
import { routeHref } from '../../browser/routes';
import { conversationSection, quoteDecisionSection } from './self-service-views';
import { attachmentsSection, documentFileSection } from './file-views';

/** The signed-in person, as `GET /portal/me` describes them. */
export type Me = PortalProfile;

export interface ViewContext {
  readonly api: Api;
  readonly main: HTMLElement;
  readonly me: Me;
  loading(label: string): void;
  failure(error: unknown, retry: () => void): void;
  /** The view is on screen: sets the title and moves focus to its heading. */
  done(title: string): void;
  refreshMe(): Promise<void>;
}

/** A record of any portal module: the views show it field by field, by the names its module's columns list. */
type PortalRecord = ApiRecord & Readonly<Record<string, unknown>>;

export const pageSize = 10;

/** Fields the detail view leaves out: how the record is filed, not what it says. */
const hiddenFields = new Set([
  'id',
  'module',
  'contactId',
  'organizationId',
  'lineItems',
  'signature',
  'currency',
  // Shown by their own sections (the quote's decision) or by the overview (a reply awaited).
  'decision',
  'awaitingReply',
]);

/** Fields a section's status already tells (a deal's protection and refusal read as part of its status). */
const toldByStatus: Readonly<Record<string, readonly string[]>> = {
  'deal-registrations': ['reason', 'protectedUntil', 'leadId'],
};

/** Fields a section's detail shows right after its list columns, in the order a person reads them. */
const readNext: Readonly<Record<string, readonly string[]>> = {
  'deal-registrations': ['contactName', 'contactEmail', 'description'],
};

const titleOf = (record: PortalRecord) =>
  String(record.subject ?? record.title ?? record.invoiceNumber ?? record.companyName ?? record.id);

/**
 * Paging is forward by cursor, and the page lives in the URL (`#/tickets?page=2&cursor=…`), so Back and a reload
 * return to it. The cursors seen in this tab let "Previous page" go back one; after a reload it goes to the first.
 */
const cursorsBySection = new Map<string, Map<number, string>>();

const numeric = (items: readonly PortalRecord[], column: string) =>
  items.some((record) => typeof record[column] === 'number');

export async function renderList(view: ViewContext, section: PortalModule, query: URLSearchParams): Promise<void> {
  const meta = moduleMeta(section);
  const title = sectionTitle(section);
  const requested = Number(query.get('page') ?? '1');
  const cursor = query.get('cursor') ?? undefined;
  // A page number without its cursor cannot be fetched: it is the first page.
  const pageNumber = Number.isInteger(requested) && requested > 1 && cursor ? requested : 1;
  const cursors = cursorsBySection.get(section) ?? new Map<number, string>();
  cursorsBySection.set(section, cursors);
  if (pageNumber > 1) cursors.set(pageNumber, cursor!);
  view.loading(`Loading ${title.toLowerCase()}…`);
  let page: { readonly items: readonly PortalRecord[]; readonly nextCursor: string | null };
  try {
    page = await view.api.get('/portal/{module}', {
      path: { module: section },
      query: { limit: pageSize, ...(pageNumber > 1 ? { cursor: cursor! } : {}) },
    });
  } catch (error) {
    return view.failure(error, () => void renderList(view, section, query));
  }
  if (page.nextCursor) cursors.set(pageNumber + 1, page.nextCursor);
  const columns = meta?.columns ?? ['title'];

  const content: (Node | null)[] = [h('h1', { tabindex: -1 }, title)];
  if (section === 'deal-registrations') {
    content.push(h('p', {}, h('a', { href: routeHref([section, 'new']), class: 'button primary' }, 'Register a deal')));
  }
  if (page.items.length === 0) {
    content.push(
      h('p', { class: 'empty' }, pageNumber === 1 ? `You have no ${title.toLowerCase()}.` : 'No more items.'),
    );
  } else {
    const numbers = new Set(columns.filter((column) => numeric(page.items, column)));
    const cell = (column: string) => ({
      class: numbers.has(column) ? 'number' : undefined,
      'data-label': fieldLabel(column),
    });
    const table = h(
      'table',
      { class: 'reflow' },
      h('caption', { class: 'visually-hidden' }, `${title}, page ${pageNumber}`),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          columns.map((column) =>
            h('th', { scope: 'col', class: numbers.has(column) ? 'number' : undefined }, fieldLabel(column)),
          ),
        ),
      ),
      h(
        'tbody',
        {},
        page.items.map((record) =>
          h(
            'tr',
            {},
            columns.map((column, index) =>
              index === 0
                ? h(
                    'th',
                    { scope: 'row', ...cell(column) },
                    h(
                      'a',
                      { href: routeHref([section, record.id]) },
                      formatValue(column, record[column], record, section),
                    ),
                  )
                : h('td', cell(column), formatValue(column, record[column], record, section)),
            ),
          ),
        ),
      ),
    );
    // On a phone each row reflows into a card of labelled fields (styles.css); wider, the table scrolls in its box.
    content.push(h('div', { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-label': title }, table));
  }
  const previousNumber = pageNumber - 1;
  const previousCursor = cursors.get(previousNumber);
  const next = page.nextCursor;
  if (pageNumber > 1 || next) {
    const pageLink = (number: number, pageCursor: string | undefined, text: string) =>
      h(
        'a',
        { href: routeHref([section], number > 1 ? { page: number, cursor: pageCursor } : {}), class: 'button' },
        text,
      );
    content.push(
      h(
        'nav',
        { class: 'pager', 'aria-label': `${title} pages` },
        pageNumber > 1
          ? previousNumber === 1 || previousCursor
            ? pageLink(previousNumber, previousCursor, 'Previous page')
            : pageLink(1, undefined, 'First page')
          : null,
        h('span', { 'aria-current': 'page' }, `Page ${pageNumber}`),
        next ? pageLink(pageNumber + 1, next, 'Next page') : null,
      ),
    );
  }
  view.main.replaceChildren(...content.filter((node): node is Node => node !== null));
  view.done(title);
}

function lineItemsTable(record: PortalRecord) {
  const lines = (record.lineItems ?? []) as { description: string; quantity: number; unitPrice: number }[];
  if (lines.length === 0) return null;
  return h(
    'div',
    { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-label': 'Line items' },
    h(
      'table',
      { class: 'reflow' },
      h('caption', {}, 'Line items'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'Description'),
          // Numbers sit right-aligned under right-aligned headings, so digits line up with their label.
          ['Quantity', 'Unit price', 'Amount'].map((name) => h('th', { scope: 'col', class: 'number' }, name)),
        ),
      ),
      h(
        'tbody',
        {},
        lines.map((line) =>
          h(
            'tr',
            {},
            h('td', { 'data-label': 'Description' }, line.description),
            h('td', { class: 'number', 'data-label': 'Quantity' }, String(line.quantity)),
            h('td', { class: 'number', 'data-label': 'Unit price' }, formatMoney(line.unitPrice, record.currency)),
            h(
              'td',
              { class: 'number', 'data-label': 'Amount' },
              formatMoney(line.quantity * line.unitPrice, record.currency),
            ),
          ),
        ),
      ),
    ),
  );
}

export async function renderDetail(
  view: ViewContext,
  section: PortalModule,
  id: string,
  notice?: string,
): Promise<void> {
  const meta = moduleMeta(section);
  const label = meta?.label ?? 'record';
  view.loading(`Loading ${label}…`);
  let record: PortalRecord;
  try {
    record = await view.api.get('/portal/{module}/{id}', { path: { module: section, id } });
  } catch (error) {
    if (error instanceof ApiError && error.problem.status === 404) {
      view.main.removeAttribute('aria-busy');
      view.main.replaceChildren(
        h('h1', { tabindex: -1 }, 'Not found'),
        h(
          'p',
          { role: 'alert', class: 'message error' },
          error.problem.detail ?? `This ${label} is not in your portal.`,
        ),
        h('a', { href: `#/${section}` }, `Back to ${sectionTitle(section).toLowerCase()}`),
      );
      return view.done('Not found');
    }
    return view.failure(error, () => void renderDetail(view, section, id));
  }
  const title = titleOf(record);
  // What the list shows comes first, then the rest, then when it was filed and changed.
  const trailing = ['createdAt', 'updatedAt'];
  const told = toldByStatus[section] ?? [];
  const shown = (name: string) =>
    !hiddenFields.has(name) && !told.includes(name) && !['subject', 'title', 'companyName'].includes(name);
  const listed = [...(meta?.columns ?? []), ...(readNext[section] ?? [])];
  const fields = [
    ...listed.filter((name) => shown(name) && name in record && !trailing.includes(name)),
    ...Object.keys(record).filter((name) => shown(name) && !listed.includes(name) && !trailing.includes(name)),
    ...trailing.filter((name) => name in record),
  ];
  const content: (Node | null)[] = [
    h('p', {}, h('a', { href: `#/${section}` }, `← All ${sectionTitle(section).toLowerCase()}`)),
    h('h1', { tabindex: -1 }, title),
    notice ? h('p', { class: 'message success', role: 'status' }, notice) : null,
    h(
      'dl',
      { class: 'fields' },
      fields.flatMap((name) => [h('dt', {}, fieldLabel(name)), h('dd', {}, fieldValue(name, record, section))]),
      // An approved registration's lead, where the person works leads.
      typeof record.leadId === 'string' && view.me.components.includes('leads')
        ? [h('dt', {}, 'Lead'), h('dd', {}, h('a', { href: routeHref(['leads', record.leadId]) }, 'Open the lead'))]
        : [],
      section === 'sales-orders'
        ? [h('dt', {}, 'Signature'), h('dd', {}, formatValue('signature', record.signature, record))]
        : [],
    ),
    lineItemsTable(record),
  ];
  if (section === 'sales-orders' && view.me.canESign) content.push(signingSection(view, record));
  if (section === 'quotes')
    content.push(quoteDecisionSection(view, record, (done) => void renderDetail(view, section, id, done)));
  if (section === 'tickets') content.push(attachmentsSection(view, record.id), conversationSection(view, record.id));
  if (section === 'documents') content.push(documentFileSection(view, record.id));
  view.main.replaceChildren(...content.filter((node): node is Node => node !== null));
  view.done(title);
}

/** A field's value on the detail view: text, or a link for a web address (https only, opened apart from the portal). */
function fieldValue(name: string, record: PortalRecord, section: PortalModule): Node | string {
  const value = record[name];
  if (typeof value === 'string' && /^https:\/\//i.test(value)) {
    try {
      const url = new URL(value);
      return h('a', { href: url.href, target: '_blank', rel: 'noopener noreferrer' }, value);
    } catch {
      // Not a URL after all: show it as text.
    }
  }
  return formatValue(name, value, record, section);
}

function messageBox() {
  // Present from the start (empty) so screen readers announce what is written into it later.
  return h('div', { class: 'message-slot', role: 'alert', 'aria-live': 'assertive' });
}

function showError(box: HTMLElement, text: string) {
  box.replaceChildren(h('p', { class: 'message error' }, text));
}

/** Says what is wrong with a field, marks it invalid for assistive technology, and puts the cursor back in it. */
function flagField(box: HTMLElement, input: HTMLInputElement, text: string) {
  showError(box, text);
  input.setAttribute('aria-invalid', 'true');
  input.focus();
}

const pinPattern = /^\d{4,8}$/;

function signingSection(view: ViewContext, record: PortalRecord): HTMLElement {
  const signature = record.signature as { status?: string } | undefined;
  const signed = signature?.status === 'valid';
  const section = h(
    'section',
    { class: 'signing', 'aria-labelledby': 'signing-heading' },
    h('h2', { id: 'signing-heading' }, signed ? 'Signed' : 'Sign this sales order'),
  );
  if (signed) {
    section.append(h('p', {}, 'This sales order is signed. Nothing more to do.'));
    return section;
  }
  if (!view.me.hasPin) {
    section.append(
      h(
        'p',
        {},
        'To sign, first choose your PIN. ',
        h('a', { href: routeHref(['pin'], { order: record.id }) }, 'Choose a PIN'),
      ),
    );
    return section;
  }
  const box = messageBox();
  const pin = pinInput('sign-pin', 'sign-pin-hint');
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Sign sales order');
  const form = h(
    'form',
    {
      novalidate: true,
      onsubmit: async (event: Event) => {
        event.preventDefault();
        box.replaceChildren();
        pin.removeAttribute('aria-invalid');
        if (!pinPattern.test(pin.value)) return flagField(box, pin, 'Enter your PIN: 4 to 8 digits.');
        submit.disabled = true;
        submit.textContent = 'Signing…';
        form.setAttribute('aria-busy', 'true');
        try {
          await view.api.post('/portal/sales-orders/{id}/signature', { path: { id: record.id } }, { pin: pin.value });
          return void renderDetail(
            view,
            'sales-orders',
            record.id,
            'Signed. Thank you: the sales order now carries your signature.',
          );
        } catch (error) {
          if (error instanceof ApiError && (error.failure === 'refused' || error.failure === 'expired'))
            return view.failure(error, () => {});
          pin.value = '';
          flagField(box, pin, messageForSigning(error));
        } finally {
          submit.disabled = false;
          submit.textContent = 'Sign sales order';
          form.removeAttribute('aria-busy');
        }
      },
    },
    h('p', {}, 'Signing records your name, the time, and exactly what this sales order says now.'),
    h('label', { for: 'sign-pin' }, 'Your PIN'),
    h('p', { id: 'sign-pin-hint', class: 'hint' }, '4 to 8 digits. Five wrong tries lock signing for 15 minutes.'),
    pin,
    submit,
    box,
  );
  section.append(form);
  return section;
}

function messageForSigning(error: unknown): string {
  if (!(error instanceof ApiError)) return 'Signing failed. Please try again.';
  if (error.failure === 'network') return 'We could not reach the portal, so nothing was signed. Try again.';
  const { status, detail } = error.problem;
  // The API's own words say which: wrong PIN (tries left), locked (for how long), already signed, changed meanwhile.
  if (detail && [403, 409, 423].includes(status)) return detail;
  if (status === 400) return 'Enter your PIN: 4 to 8 digits.';
  return detail ?? 'Signing failed. Please try again.';
}

/** The PIN page; `order` is the sales order it was opened from, which it returns to once the PIN is saved. */
export function renderPin(view: ViewContext, order?: string): void {
  const { me } = view;
  const title = me.hasPin ? 'Change your PIN' : 'Choose your PIN';
  const content: Node[] = [h('h1', { tabindex: -1 }, me.canESign || me.hasPin ? title : 'PIN')];
  if (!me.canESign && !me.hasPin) {
    content.push(h('p', {}, 'Your account does not sign documents, so it has no PIN.'));
  } else if (me.hasPin && !me.pinReset) {
    content.push(h('p', {}, 'Your PIN is set. To change it, contact your account manager.'));
  } else {
    content.push(pinForm(view, order));
  }
  view.main.replaceChildren(...content);
  view.main.removeAttribute('aria-busy');
  view.done(title);
}

/** A PIN field: digits, masked, never offered to a password manager's autofill. */
function pinInput(id: string, describedBy: string) {
  return h('input', {
    id,
    name: id,
    type: 'password',
    inputmode: 'numeric',
    autocomplete: 'off',
    required: true,
    minlength: 4,
    maxlength: 8,
    'aria-describedby': describedBy,
  });
}

function pinForm(view: ViewContext, order: string | undefined): HTMLElement {
  const changing = view.me.hasPin;
  const current = changing ? pinInput('current-pin', 'pin-hint') : null;
  const next = pinInput('new-pin', 'pin-hint');
  const repeat = pinInput('repeat-pin', 'pin-hint');
  const box = messageBox();
  const submit = h('button', { type: 'submit', class: 'primary' }, changing ? 'Change PIN' : 'Save PIN');
  const field = (input: HTMLInputElement, text: string) =>
    h('div', { class: 'field' }, h('label', { for: input.id }, text), input);
  const invalid = (input: HTMLInputElement, text: string) => flagField(box, input, text);
  const form = h(
    'form',
    {
      novalidate: true,
      onsubmit: async (event: Event) => {
        event.preventDefault();
        box.replaceChildren();
        for (const input of [current, next, repeat]) input?.removeAttribute('aria-invalid');
        if (current && !pinPattern.test(current.value))
          return invalid(current, 'Enter your current PIN: 4 to 8 digits.');
        if (!pinPattern.test(next.value)) return invalid(next, 'Your new PIN must be 4 to 8 digits.');
        if (repeat.value !== next.value) return invalid(repeat, 'The two new PINs are not the same.');
        submit.disabled = true;
        submit.textContent = 'Saving…';
        form.setAttribute('aria-busy', 'true');
        try {
          await view.api.put(
            '/portal/pin',
            {},
            { ...(current ? { currentPin: current.value } : {}), newPin: next.value },
          );
          await view.refreshMe();
          if (order && view.me.components.includes('sales-orders')) {
            // Back where the person came from to sign; the PIN page is not a step to go back to.
            history.replaceState(null, '', routeHref(['sales-orders', order]));
            return void renderDetail(
              view,
              'sales-orders',
              order,
              'Your PIN is saved. You can sign this sales order now.',
            );
          }
          view.main.replaceChildren(
            h('h1', { tabindex: -1 }, 'PIN saved'),
            h('p', { class: 'message success', role: 'status' }, 'Your PIN is set. Use it to sign sales orders.'),
            view.me.components.includes('sales-orders') ? h('a', { href: '#/sales-orders' }, 'Go to sales orders') : '',
          );
          view.done('PIN saved');
        } catch (error) {
          if (error instanceof ApiError && (error.failure === 'refused' || error.failure === 'expired'))
            return view.failure(error, () => {});
          const detail = error instanceof ApiError && error.failure === 'problem' ? error.problem.detail : undefined;
          showError(box, detail ?? 'Your PIN could not be saved. Please try again.');
        } finally {
          submit.disabled = false;
          submit.textContent = changing ? 'Change PIN' : 'Save PIN';
          form.removeAttribute('aria-busy');
        }
      },
    },
    h('p', { id: 'pin-hint', class: 'hint' }, 'A PIN is 4 to 8 digits. You type it each time you sign a sales order.'),
    current ? field(current, 'Current PIN') : null,
    field(next, 'New PIN'),
    field(repeat, 'New PIN again'),
    submit,
    box,
  );
  return form;
}
