/// <reference lib="dom" />
import { h } from '../../../browser/dom';
import { routeHref } from '../../../browser/routes';
import { ApiError } from '../api';
import { problemSentence } from '../problems';
import type { ConsoleView, ViewContext } from './view';

/** One row of `GET /portal-users` (shared/portal-users/portal-users.ts). */
interface PortalUser {
  readonly personId: string;
  readonly module: string;
  readonly status: string;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly email?: string;
  readonly reason?: string;
  readonly lastError?: string;
  readonly lastSignInAt?: string;
  readonly updatedAt?: string;
}

interface PortalUserPage {
  readonly items: readonly PortalUser[];
  readonly nextCursor: string | null;
}

/** The filters staff ask for, in their words; "invited" is someone who has not signed in yet. */
const statusChoices: readonly (readonly [string, string])[] = [
  ['', 'Everyone'],
  ['invited', 'Invited, never signed in'],
  ['failed', 'Failed'],
  ['suspended', 'Suspended'],
  ['active', 'Active'],
  ['pending', 'Pending'],
  ['revoked', 'Revoked'],
];

const pageSize = 25;

function when(iso: string | undefined): string {
  return iso ? new Date(iso).toLocaleString() : '—';
}

function statusText(user: PortalUser): string {
  const detail = user.reason ?? user.lastError;
  return detail ? `${user.status} (${detail})` : user.status;
}

function table(page: PortalUserPage) {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      {},
      h('caption', { class: 'visually-hidden' }, 'Portal users'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...['Name', 'Email', 'Status', 'Last sign-in', 'Changed'].map((name) => h('th', { scope: 'col' }, name)),
        ),
      ),
      h(
        'tbody',
        {},
        ...page.items.map((user) => {
          const name = [user.firstName, user.lastName].filter(Boolean).join(' ') || user.personId;
          return h(
            'tr',
            {},
            h('td', {}, h('a', { href: routeHref([user.module, user.personId]) }, name)),
            h('td', {}, user.email ?? '—'),
            h('td', {}, statusText(user)),
            h('td', {}, when(user.lastSignInAt)),
            h('td', {}, when(user.updatedAt)),
          );
        }),
      ),
    ),
  );
}

/** Everyone with portal access and their status, filterable by status: `#/portal-users[?status=…]`. */
async function renderPortalUsers(context: ViewContext) {
  const { main, route } = context;
  const status = route.query.get('status') ?? undefined;
  const cursor = route.query.get('cursor') ?? undefined;
  const heading = h('h1', { tabindex: -1 }, 'Portal users');
  const select = h(
    'select',
    {
      id: 'portal-users-status',
      name: 'status',
      onchange: () => {
        location.hash = routeHref(['portal-users'], { status: select.value || undefined });
      },
    },
    ...statusChoices.map(([value, label]) => h('option', { value, selected: value === (status ?? '') }, label)),
  );
  const tools = h('div', { class: 'list-tools' }, h('label', { for: 'portal-users-status' }, 'Show'), select);
  const line = h('p', { id: 'list-status', role: 'status', class: 'loading', tabindex: -1 }, 'Loading portal users…');
  const results = h('div', { id: 'list-results' });
  main.setAttribute('aria-busy', 'true');
  main.replaceChildren(heading, tools, line, results);

  let page: PortalUserPage;
  try {
    page = (
      await context.api.request<PortalUserPage>('GET', '/portal-users', { query: { status, cursor, limit: pageSize } })
    ).body;
  } catch (error) {
    if (error instanceof ApiError && error.failure === 'expired') return context.failure(error, () => undefined);
    line.className = 'message error';
    line.setAttribute('role', 'alert');
    line.textContent = problemSentence(error);
    return context.done('Portal users', context.samePage ? line : heading);
  }
  line.className = '';
  line.textContent = page.items.length
    ? `Showing ${page.items.length} ${page.items.length === 1 ? 'person' : 'people'}${page.nextCursor ? '; more on the next page' : ''}.`
    : status
      ? 'Nobody has this status.'
      : 'Nobody has portal access yet.';
  const pager = h(
    'nav',
    { class: 'pager', 'aria-label': 'Pages' },
    cursor ? h('a', { href: routeHref(['portal-users'], { status }) }, 'First page') : null,
    page.nextCursor
      ? h('a', { href: routeHref(['portal-users'], { status, cursor: page.nextCursor }) }, 'Next page')
      : null,
  );
  results.replaceChildren(...(page.items.length ? [table(page)] : []), pager);
  context.done('Portal users', context.samePage ? select : heading);
}

export const portalUsersView: ConsoleView = {
  section: () => 'portal-users',
  matches: (route) => route.segments[0] === 'portal-users',
  render: renderPortalUsers,
};
