/// <reference lib="dom" />
import { ApiError, createApi, type Api, type PortalModule } from './api';
import {
  AuthError,
  beginSignIn,
  completeSignIn,
  isSignInCallback,
  loadSession,
  signOut,
  type AuthFailure,
} from '../../browser/auth';
import { createSessionKeeper } from '../../browser/session-keeper';
import { loadConfig, type AppConfig } from '../../browser/config';
import { byId, h } from '../../browser/dom';
import { sectionTitle } from './format';
import { portalMeta } from './portal-meta';
import { parseRoute } from '../../browser/routes';
import { renderOverview, renderProfile, renderRaiseTicket } from './self-service-views';
import { renderColleagues } from './colleague-views';
import { renderLead, renderLeads, renderRegisterDeal } from './deal-views';
import { renderDetail, renderList, renderPin, type Me, type ViewContext } from './views';

/** Why the app is showing its signed-out page. */
type Ending = AuthFailure | 'signed-out';

const endings: Record<Ending, string> = {
  refused: portalMeta.refusalMessage,
  expired: 'Your session has expired. Please sign in again.',
  'state-mismatch': 'That sign-in was not started from this page, so it was not used. Please sign in again.',
  network: 'We could not reach the portal. Check your connection and try again.',
  failed: 'Signing in did not complete. Please try again.',
  'signed-out': 'You have signed out.',
};
const noticeKey = 'portico.notice';

let config: AppConfig;
let me: Me | undefined;
const session = createSessionKeeper(
  () => config,
  (error) => void explainEnding(error),
);

const app = () => byId('app');

const api: Api = createApi({
  accessToken: () => session.tokens?.accessToken ?? '',
  renew: async () => {
    try {
      await session.renew();
      return true;
    } catch (error) {
      if (error instanceof AuthError && error.reason === 'refused')
        throw new ApiError('refused', { status: 403, detail: portalMeta.refusalMessage });
      if (error instanceof AuthError && error.reason === 'network') throw new ApiError('network', { status: 0 });
      return false;
    }
  },
});

/**
 * A renewal was refused. Ending access revokes the refresh token too, so the refusal alone does not say whether
 * the session ran out or access ended; while the access token lasts, the API says which.
 */
async function explainEnding(error: unknown) {
  if (error instanceof AuthError && error.reason === 'refused') return endSession('refused');
  try {
    await api.get('/portal/me', {});
  } catch (failure) {
    if (failure instanceof ApiError && failure.failure === 'refused') return endSession('refused');
  }
  endSession('expired');
}

/** Leaves the signed-in app: forgets the tokens and says why. */
function endSession(reason: Ending) {
  session.end();
  me = undefined;
  renderSignedOut(reason);
}

/** The organization's logo (named by its alt text) or its name: the first thing in every page's header. */
function brandMark() {
  const { organizationName, logoUrl } = config.branding;
  return h(
    'p',
    { class: 'brand' },
    logoUrl ? h('img', { src: logoUrl, alt: organizationName, class: 'logo' }) : organizationName,
  );
}

const pageTitle = (title: string) => `${title} · ${config.branding.organizationName}`;

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
    h('h1', { tabindex: -1 }, 'Partner and customer portal'),
    message ? h('p', { class: `message ${reason === 'signed-out' ? 'info' : 'error'}`, role: 'alert' }, message) : null,
    h('p', {}, 'See your tickets, invoices, quotes, sales orders and documents, and sign sales orders.'),
    signIn,
    h('p', { class: 'hint' }, 'First time here? Use the temporary password from your invitation email.'),
  );
  app().replaceChildren(h('header', { class: 'top' }, brandMark()), main);
  (message ? main : signIn).focus();
}

function loading(main: HTMLElement, label: string) {
  main.setAttribute('aria-busy', 'true');
  main.replaceChildren(h('p', { class: 'loading', role: 'status' }, label));
}

/** What a view shows when its request failed: the session ends for refusal and expiry, otherwise a message. */
function failure(main: HTMLElement, error: unknown, retry: () => void) {
  if (error instanceof ApiError && (error.failure === 'refused' || error.failure === 'expired'))
    return endSession(error.failure);
  main.removeAttribute('aria-busy');
  const text =
    error instanceof ApiError && error.failure === 'network'
      ? endings.network
      : error instanceof ApiError && error.problem.detail
        ? error.problem.detail
        : 'Something went wrong. Please try again.';
  const again = h('button', { type: 'button', onclick: retry }, 'Try again');
  main.replaceChildren(
    h('h1', { tabindex: -1 }, 'This page could not load'),
    h('p', { class: 'message error', role: 'alert' }, text),
    again,
  );
  again.focus();
}

const context = (main: HTMLElement): ViewContext => ({
  api,
  main,
  get me() {
    return me!;
  },
  loading: (label) => loading(main, label),
  failure: (error, retry) => failure(main, error, retry),
  done: (title) => {
    main.removeAttribute('aria-busy');
    document.title = pageTitle(title);
    // Move focus to the new page's heading so screen readers announce it and keyboard users start there.
    main.querySelector<HTMLElement>('h1')?.focus();
  },
  refreshMe: async () => {
    me = await api.get('/portal/me', {});
    renderHeader();
  },
});

function renderHeader() {
  if (!me) return;
  const name = [me.firstName, me.lastName].filter(Boolean).join(' ') || me.email || 'Signed in';
  byId('who').replaceChildren(
    h('span', { class: 'name' }, name),
    ...(me.organizationName ? [h('span', { class: 'organization' }, me.organizationName)] : []),
  );
  byId('pin-link').hidden = !me.canESign;
}

function renderShell() {
  const components = me!.components;
  const nav = h(
    'nav',
    { 'aria-label': 'Portal sections', class: 'tabs' },
    h(
      'ul',
      {},
      h('li', {}, h('a', { href: '#/', 'data-section': '' }, 'Overview')),
      components.map((name) => h('li', {}, h('a', { href: `#/${name}`, 'data-section': name }, sectionTitle(name)))),
    ),
  );
  const header = h(
    'header',
    { class: 'top' },
    brandMark(),
    h('p', { id: 'who', class: 'who' }),
    h(
      'div',
      { class: 'actions' },
      me!.partnerAdmin ? h('a', { href: '#/colleagues', 'data-section': 'colleagues' }, 'Colleagues') : null,
      h('a', { href: '#/profile', 'data-section': 'profile' }, 'Profile'),
      h('a', { href: '#/pin', id: 'pin-link', 'data-section': 'pin' }, 'PIN'),
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
    ),
  );
  app().replaceChildren(header, nav, h('main', { id: 'main', tabindex: -1 }));
  renderHeader();
}

/** `#/tickets[?page&cursor]`, `#/tickets/<id>`, `#/pin[?order=<id>]`. */
function route() {
  if (!me) return;
  const { segments, query } = parseRoute(location.hash);
  const [section = '', id] = segments;
  for (const link of document.querySelectorAll<HTMLAnchorElement>('[data-section]')) {
    if (link.dataset.section === section) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  // A fresh main region per navigation: a page still loading when the person moves on renders into the detached
  // old one, never over the page they asked for.
  const main = h('main', { id: 'main', tabindex: -1 });
  byId('main').replaceWith(main);
  const view = context(main);
  if (!section) return void renderOverview(view);
  if (section === 'pin') return void renderPin(view, query.get('order') ?? undefined);
  if (section === 'profile') return void renderProfile(view);
  if (section === 'colleagues' && me.partnerAdmin) return void renderColleagues(view);
  if (!(me.components as readonly string[]).includes(section)) {
    view.main.replaceChildren(h('h1', { tabindex: -1 }, 'Not found'), h('p', {}, 'Your portal has no such section.'));
    return view.done('Not found');
  }
  // Assigned leads and registering a deal have screens of their own (deal-views.ts).
  if (section === 'leads') return void (id ? renderLead(view, id) : renderLeads(view));
  if (section === 'deal-registrations' && id === 'new') return renderRegisterDeal(view);
  // One of the person's components: a portal module the API knows.
  const module = section as PortalModule;
  if (module === 'tickets' && id === 'new') renderRaiseTicket(view);
  else if (id) void renderDetail(view, module, id);
  else void renderList(view, module, query);
}

async function enterApp() {
  const main = h('main', { id: 'main', tabindex: -1 });
  app().replaceChildren(main);
  loading(main, 'Loading your portal…');
  try {
    me = await api.get('/portal/me', {});
  } catch (error) {
    return failure(main, error, () => void enterApp());
  }
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
      h('main', { id: 'main' }, h('h1', {}, 'The portal is unavailable'), h('p', { role: 'alert' }, endings.network)),
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
    const main = h('main', { id: 'main', tabindex: -1 });
    app().replaceChildren(main);
    loading(main, 'Signing you in…');
    try {
      const signedIn = await completeSignIn(config, params);
      session.start(signedIn.tokens);
      if (signedIn.route) history.replaceState(null, '', `${location.pathname}${signedIn.route}`);
    } catch (error) {
      return endSession(error instanceof AuthError ? error.reason : 'failed');
    }
    return enterApp();
  }

  const notice = sessionStorage.getItem(noticeKey) as Ending | null;
  sessionStorage.removeItem(noticeKey);
  const stored = loadSession();
  if (!stored) return renderSignedOut(notice ?? undefined);
  session.start(stored);
  return enterApp();
}

void boot();
