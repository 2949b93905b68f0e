/// <reference lib="dom" />
import {
  AuthError,
  beginSignIn,
  completeSignIn,
  isSignInCallback,
  loadSession,
  signOut,
  type AuthFailure,
} from '../../browser/auth';
import { loadConfig, type AppConfig } from '../../browser/config';
import { byId, h } from '../../browser/dom';
import { parseRoute, routeHref, type Route } from '../../browser/routes';
import { createSessionKeeper } from '../../browser/session-keeper';
import { ApiError, createStaffApi } from './api';
import { consoleModules } from './meta';
import { problemSentence } from './problems';
import { views } from './views/registry';
import type { ViewContext } from './views/view';

/**
 * The staff console's shell: sign-in through the staff pool's hosted login (authorization code + PKCE, `state`
 * checked; browser/auth.ts), the header with the deployment's branding, navigation by module (from the registry's
 * metadata), and a router that hands the main region to the screen whose route it is (views/registry.ts).
 */

/** Why the console is showing its signed-out page. */
type Ending = AuthFailure | 'signed-out';

const endings: Record<Ending, string> = {
  refused: 'This account may not use the staff console.',
  expired: 'Your session has expired. Please sign in again.',
  'state-mismatch': 'That sign-in was not started from this page, so it was not used. Please sign in again.',
  network: 'We could not reach the sign-in service. Check your connection and try again.',
  failed: 'Signing in did not complete. Please try again.',
  'signed-out': 'You have signed out.',
};
const noticeKey = 'portico.notice';

let config: AppConfig;
const session = createSessionKeeper(
  () => config,
  () => endSession('expired'),
);
const api = createStaffApi({
  accessToken: () => session.tokens?.accessToken ?? '',
  renew: async () => {
    try {
      await session.renew();
      return true;
    } catch (error) {
      if (error instanceof AuthError && error.reason === 'network') throw new ApiError('network', { status: 0 });
      return false;
    }
  },
});

const app = () => byId('app');
const pageTitle = (title: string) => `${title} · Staff console · ${config.branding.organizationName}`;

function endSession(reason: Ending) {
  session.end();
  renderSignedOut(reason);
}

/** The organization's logo (named by its alt text) or its name, and the console's own name. */
function brandMark() {
  const { organizationName, logoUrl } = config.branding;
  return [
    h(
      'p',
      { class: 'brand' },
      logoUrl ? h('img', { src: logoUrl, alt: organizationName, class: 'logo' }) : organizationName,
    ),
    h('p', { class: 'product' }, 'Staff console'),
  ];
}

function renderSignedOut(reason?: Ending) {
  document.title = pageTitle('Sign in');
  const message = reason ? endings[reason] : '';
  const signIn = h(
    'button',
    {
      type: 'button',
      class: 'primary',
      onclick: (event: Event) => {
        const button = event.currentTarget as HTMLButtonElement;
        button.disabled = true;
        button.textContent = 'Opening sign-in…';
        // A deep link (or the page a session ended on) is where the person lands once signed in.
        void beginSignIn(config, location.hash);
      },
    },
    'Sign in',
  );
  const main = h(
    'main',
    { id: 'main', class: 'signed-out', tabindex: -1 },
    h('h1', { tabindex: -1 }, 'Staff console'),
    message ? h('p', { class: `message ${reason === 'signed-out' ? 'info' : 'error'}`, role: 'alert' }, message) : null,
    h('p', {}, 'Manage organizations, contacts, partners and their portal access, and what the portal shows them.'),
    signIn,
    h('p', { class: 'hint' }, 'Sign in with your staff account.'),
  );
  app().replaceChildren(h('header', { class: 'top' }, ...brandMark()), main);
  (message ? main : signIn).focus();
}

/** The signed-in user's email, read from the ID token for the header only (the API checks the tokens). */
function signedInAs(): string {
  try {
    const payload = session.tokens?.idToken.split('.')[1] ?? '';
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const claims = JSON.parse(json) as { email?: unknown };
    return typeof claims.email === 'string' ? claims.email : '';
  } catch {
    return '';
  }
}

function renderShell() {
  const groups: { label: string; kinds: readonly string[] }[] = [
    { label: 'Accounts', kinds: ['organization', 'person'] },
    { label: 'Records', kinds: ['record'] },
  ];
  const link = (section: string, label: string) =>
    h('li', {}, h('a', { href: routeHref([section]), 'data-section': section }, label));
  const nav = h(
    'nav',
    { class: 'modules', 'aria-label': 'Modules' },
    groups.flatMap((group) => [
      h('p', { class: 'group', 'aria-hidden': 'true' }, group.label),
      h(
        'ul',
        {},
        consoleModules
          .filter((module) => group.kinds.includes(module.kind))
          .map((module) => link(module.name, module.pluralLabel)),
      ),
    ]),
    h('p', { class: 'group', 'aria-hidden': 'true' }, 'Portal'),
    h('ul', {}, link('portal-users', 'Portal users'), link('provisioning', 'Provisioning backlog')),
    h('p', { class: 'group', 'aria-hidden': 'true' }, 'Data'),
    h('ul', {}, link('import', 'Import')),
  );
  const email = signedInAs();
  const header = h(
    'header',
    { class: 'top' },
    ...brandMark(),
    h('p', { class: 'who' }, email ? `Signed in as ${email}` : ''),
    h(
      'button',
      {
        type: 'button',
        onclick: (event: Event) => {
          (event.currentTarget as HTMLButtonElement).disabled = true;
          sessionStorage.setItem(noticeKey, 'signed-out');
          void signOut(config, session.tokens);
        },
      },
      'Sign out',
    ),
  );
  app().replaceChildren(header, h('div', { class: 'layout' }, nav, h('main', { id: 'main', tabindex: -1 })));
}

function failure(main: HTMLElement, error: unknown, retry: () => void) {
  if (error instanceof ApiError && error.failure === 'expired') return endSession('expired');
  main.removeAttribute('aria-busy');
  const again = h('button', { type: 'button', onclick: retry }, 'Try again');
  main.replaceChildren(
    h('h1', { tabindex: -1 }, 'This page could not load'),
    h('p', { class: 'message error', role: 'alert' }, problemSentence(error)),
    again,
  );
  again.focus();
}

let previousPage = '';

function route() {
  if (!session.tokens) return;
  const current: Route = parseRoute(location.hash);
  // The first module's list is the console's home page.
  if (current.segments.length === 0) {
    location.replace(routeHref([consoleModules[0]!.name]));
    return;
  }
  const view = views.find((candidate) => candidate.matches(current));
  const section = view?.section(current);
  for (const link of document.querySelectorAll<HTMLAnchorElement>('[data-section]')) {
    if (link.dataset.section === section) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  const main = byId('main');
  const page = current.segments.join('/');
  const context: ViewContext = {
    api,
    main,
    route: current,
    samePage: page === previousPage,
    loading: (label) => {
      main.setAttribute('aria-busy', 'true');
      main.replaceChildren(h('p', { class: 'loading', role: 'status' }, label));
    },
    failure: (error, retry) => failure(main, error, retry),
    done: (title, focus) => {
      main.removeAttribute('aria-busy');
      document.title = pageTitle(title);
      // Focus moves to the new page's heading so screen readers announce it and keyboard users start there.
      (focus ?? main.querySelector<HTMLElement>('h1'))?.focus();
    },
  };
  previousPage = page;
  if (!view) {
    main.replaceChildren(h('h1', { tabindex: -1 }, 'Not found'), h('p', {}, 'The console has no such page.'));
    return context.done('Not found');
  }
  void Promise.resolve(view.render(context)).catch((error: unknown) => context.failure(error, route));
}

function enterConsole() {
  renderShell();
  route();
}

async function boot() {
  try {
    config = await loadConfig();
    // The accent colour through the CSS object model: the Content-Security-Policy allows no inline style attributes.
    if (config.branding.accentColor)
      document.documentElement.style.setProperty('--accent', config.branding.accentColor);
  } catch {
    app().replaceChildren(
      h(
        'main',
        { id: 'main' },
        h('h1', {}, 'The staff console is unavailable'),
        h('p', { role: 'alert' }, endings.network),
      ),
    );
    return;
  }
  window.addEventListener('hashchange', route);
  // A link to the page already shown changes no hash; it still means "show me this page afresh".
  document.addEventListener('click', (event) => {
    const link = (event.target as Element | null)?.closest?.('a[href^="#/"]');
    if (link && link.getAttribute('href') === location.hash) {
      event.preventDefault();
      route();
    }
  });
  byId('skip')?.addEventListener('click', (event) => {
    event.preventDefault();
    byId('main')?.focus();
  });

  const params = new URLSearchParams(location.search);
  if (isSignInCallback(params)) {
    // The code is single-use and must not stay in the address bar or history.
    history.replaceState(null, '', location.pathname);
    const main = h(
      'main',
      { id: 'main', tabindex: -1, 'aria-busy': 'true' },
      h('p', { class: 'loading', role: 'status' }, 'Signing you in…'),
    );
    app().replaceChildren(main);
    try {
      const signedIn = await completeSignIn(config, params);
      session.start(signedIn.tokens);
      if (signedIn.route) history.replaceState(null, '', `${location.pathname}${signedIn.route}`);
    } catch (error) {
      return endSession(error instanceof AuthError ? error.reason : 'failed');
    }
    return enterConsole();
  }

  const notice = sessionStorage.getItem(noticeKey) as Ending | null;
  sessionStorage.removeItem(noticeKey);
  const stored = loadSession();
  if (!stored) return renderSignedOut(notice ?? undefined);
  session.start(stored);
  enterConsole();
}

void boot();
