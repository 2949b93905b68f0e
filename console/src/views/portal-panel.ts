/// <reference lib="dom" />
import { h } from '../../../browser/dom';
import { routeHref } from '../../../browser/routes';
import {
  historyLine,
  inactiveOrganizationWarning,
  invitationSentence,
  isSettling,
  statusLabels,
  statusSentence,
  type PortalAccess,
} from '../access/access-sentences';
import { ApiError, type CrmRecord, type StaffApi } from '../api';
import { labelOfOption } from '../forms/form-renderer';
import type { ModuleMeta } from '../module-meta-types';
import { problemSentence } from '../problems';

/**
 * A person's Portal panel: the portal flag (saved the moment it is ticked), the portal settings, and beside them the
 * access status from GET /<module>/{id}/portal-access with its history, and the actions Resend invitation, Send
 * password reset and Repair. After a change it polls briefly, so "Invited" appears without a reload.
 */

const pollEveryMs = 1000;
const pollForMs = 30_000;

const formatTime = (iso: string) => {
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
};

/** The CRM's own name for the flag: Partner Portal for partners, Portal User for customers and leads. */
const flagLabel = (module: ModuleMeta) => (module.name === 'partner-contacts' ? 'Partner Portal' : 'Portal user');

interface Action {
  readonly label: string;
  readonly path: string;
  readonly done: string;
}

const actions: readonly Action[] = [
  { label: 'Resend invitation', path: '/invitations', done: 'A new invitation is on its way.' },
  { label: 'Send password reset', path: '/password-reset', done: 'A code to choose a new password is on its way.' },
  { label: 'Repair', path: '/reconcile', done: 'Repaired: the login now agrees with the CRM.' },
];

export function portalPanel(
  api: StaffApi,
  module: ModuleMeta,
  person: CrmRecord,
  organization: CrmRecord | undefined,
): HTMLElement {
  const base = `/${module.name}/${encodeURIComponent(person.id)}/portal-access`;
  const portal = (person.portal ?? {}) as Record<string, unknown>;
  const notice = h('p', { class: 'panel-notice', role: 'status', 'aria-live': 'polite' });
  const statusRegion = h(
    'div',
    { class: 'access-status', 'aria-live': 'polite' },
    h('p', { class: 'loading' }, 'Loading the access status…'),
  );
  let version = person.version;
  let pollTimer: ReturnType<typeof setTimeout> | undefined;
  let lastStatus: string | undefined;

  function say(message: string, kind: 'info' | 'error' | 'success') {
    notice.className = `message ${kind}`;
    notice.setAttribute('role', kind === 'error' ? 'alert' : 'status');
    notice.textContent = message;
  }

  function renderStatus(access: PortalAccess) {
    const invitation = invitationSentence(access, formatTime);
    statusRegion.replaceChildren(
      h('p', {}, h('span', { class: `badge status-${access.status}` }, statusLabels[access.status] ?? access.status)),
      h('p', { id: 'access-sentence' }, statusSentence(access, formatTime)),
      h('p', {}, invitation ?? 'No invitation sent yet.'),
      h('p', {}, access.lastSignInAt ? `Last sign-in: ${formatTime(access.lastSignInAt)}` : 'Never signed in.'),
      access.history.length
        ? h(
            'details',
            { open: true },
            h('summary', {}, 'History'),
            h(
              'ol',
              { class: 'timeline' },
              access.history.map((entry) =>
                h('li', {}, h('time', { datetime: entry.at }, formatTime(entry.at)), ' ', historyLine(entry)),
              ),
            ),
          )
        : h('p', {}, 'No history yet.'),
    );
  }

  async function loadStatus(): Promise<PortalAccess | undefined> {
    try {
      const access = (await api.request<PortalAccess>('GET', base)).body;
      lastStatus = access.status;
      renderStatus(access);
      return access;
    } catch (error) {
      statusRegion.replaceChildren(h('p', { class: 'message error' }, problemSentence(error)));
      return undefined;
    }
  }

  /** Polls while provisioning catches up (or until the status moves on from `from`), then stops. */
  function pollAfterChange(from: string | undefined) {
    if (pollTimer) clearTimeout(pollTimer);
    const until = Date.now() + pollForMs;
    const tick = async () => {
      const access = await loadStatus();
      if (!statusRegion.isConnected) return;
      const moved = access && access.status !== from && !isSettling(access);
      if (!moved && Date.now() < until) pollTimer = setTimeout(() => void tick(), pollEveryMs);
    };
    pollTimer = setTimeout(() => void tick(), pollEveryMs / 2);
  }

  const flag = h('input', { type: 'checkbox', id: 'portal-flag', 'aria-describedby': 'portal-flag-hint' });
  flag.checked = portal.enabled === true;
  flag.addEventListener('change', async () => {
    const enabled = flag.checked;
    flag.disabled = true;
    say(enabled ? 'Granting portal access…' : 'Taking portal access away…', 'info');
    try {
      const answer = await api.request<CrmRecord>('PATCH', `/${module.name}/${encodeURIComponent(person.id)}`, {
        body: { portal: { enabled } },
        headers: { 'content-type': 'application/merge-patch+json', 'if-match': `"v${version}"` },
      });
      version = answer.body.version;
      say(
        enabled
          ? 'Portal access granted. The invitation is being sent; the status below follows.'
          : 'Portal access taken away. The login is being disabled.',
        'success',
      );
      pollAfterChange(lastStatus);
    } catch (error) {
      flag.checked = !enabled;
      say(problemSentence(error), 'error');
    } finally {
      flag.disabled = false;
    }
  });

  const actionButtons = actions.map((action) =>
    h(
      'button',
      {
        type: 'button',
        onclick: async (event: Event) => {
          const button = event.currentTarget as HTMLButtonElement;
          button.disabled = true;
          try {
            await api.request('POST', `${base}${action.path}`);
            say(action.done, 'success');
            pollAfterChange(lastStatus);
          } catch (error) {
            // 409 and 429 come with the API's own sentence (and Retry-After), shown as they are.
            say(error instanceof ApiError ? problemSentence(error) : 'The request did not go through.', 'error');
          } finally {
            button.disabled = false;
          }
        },
      },
      action.label,
    ),
  );

  const setting = (label: string, value: string) => [h('dt', {}, label), h('dd', {}, value || '—')];
  const components = Array.isArray(portal.components) ? (portal.components as string[]) : undefined;
  const warning = inactiveOrganizationWarning(module.name, organization);

  const panel = h(
    'section',
    { class: 'panel portal-panel', 'aria-labelledby': 'portal-heading' },
    h('h2', { id: 'portal-heading' }, 'Portal'),
    warning ? h('p', { class: 'message warning', id: 'org-warning' }, warning) : null,
    h(
      'div',
      { class: 'field check' },
      flag,
      h('label', { for: 'portal-flag' }, flagLabel(module)),
      h(
        'p',
        { class: 'hint', id: 'portal-flag-hint' },
        'Saved as soon as you tick or untick it; the login details are emailed.',
      ),
    ),
    notice,
    h(
      'dl',
      { class: 'settings' },
      setting('Support start date', String(portal.supportStartDate ?? '')),
      setting('Support end date', String(portal.supportEndDate ?? '')),
      setting('Username', String(portal.username ?? '')),
      setting('Can eSign', portal.canESign === true ? 'Yes' : 'No'),
      setting('PIN Reset', portal.pinReset === true ? 'Yes' : 'No'),
      setting('Components', components ? components.map(labelOfOption).join(', ') : 'All'),
    ),
    h('p', {}, h('a', { href: routeHref([module.name, person.id, 'edit']) }, 'Edit portal settings and PIN')),
    h('h3', {}, 'Access'),
    statusRegion,
    h('div', { class: 'actions', role: 'group', 'aria-label': 'Portal access actions' }, actionButtons),
  );
  void loadStatus().then((access) => {
    if (access && isSettling(access)) pollAfterChange(undefined);
  });
  return panel;
}
