/// <reference lib="dom" />
import { h } from '../../../browser/dom';
import type { components } from '../../../web/src/generated/api-types';
import { ApiError } from '../api';
import { aboutDuration } from '../format';
import { problemSentence } from '../problems';
import type { ConsoleView, ViewContext } from './view';

/**
 * The provisioning backlog (`GET /provisioning/backlog`): how many people wait for their login and invitation, the
 * account-wide rates provisioning is paced at, which one binds, and how long the wait is, in words. Refreshed when
 * staff ask, not on a timer: the count is a query, and nobody needs it every second.
 */

type Backlog = components['schemas']['ProvisioningBacklog'];
type QuotaName = keyof Backlog['rates'];

/** The quotas in staff's words (shared/quotas/quota-rates.ts describes them in AWS's). */
const quotaLabels: Record<QuotaName, string> = {
  cognitoCreate: 'Logins created (Cognito)',
  cognitoUpdate: 'Logins updated (Cognito)',
  sesSend: 'Emails sent (SES)',
};

const perSecond = (rate: number | null) =>
  rate === null ? 'Unlimited' : `${rate.toLocaleString('en-GB', { maximumFractionDigits: 2 })} per second`;

function people(count: number, exact: boolean): string {
  const text = `${count.toLocaleString('en-GB')} ${count === 1 ? 'person' : 'people'}`;
  return exact ? text : `at least ${text}`;
}

/** The backlog's figures as a description list; the binding quota's row says it is the one that sets the pace. */
export function backlogFigures(backlog: Backlog) {
  const drain =
    backlog.pending === 0
      ? 'Nobody is waiting'
      : backlog.estimatedDrainSeconds === null
        ? 'No quota limits it'
        : aboutDuration(backlog.estimatedDrainSeconds);
  const rows: [string, string][] = [
    ['Waiting for a login and invitation', people(backlog.pending, backlog.exact)],
    ['Time to work through it', drain],
    ['Paced by', backlog.bindingQuota ? quotaLabels[backlog.bindingQuota] : 'Nothing: no quota binds'],
    ...(Object.keys(quotaLabels) as QuotaName[]).map((name): [string, string] => [
      quotaLabels[name],
      perSecond(backlog.rates[name]),
    ]),
  ];
  return h(
    'dl',
    { class: 'settings backlog', id: 'backlog-figures' },
    rows.flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]),
  );
}

async function renderBacklog(context: ViewContext) {
  const { main } = context;
  const heading = h('h1', { tabindex: -1 }, 'Provisioning backlog');
  const line = h('p', { role: 'status', class: 'loading' }, 'Counting the people waiting…');
  const figures = h('div', {});
  const refresh = h('button', { type: 'button', onclick: () => void load(true) }, 'Refresh');
  main.setAttribute('aria-busy', 'true');
  main.replaceChildren(
    heading,
    h(
      'p',
      {},
      'People whose portal access has been granted wait here until their login is created and their invitation sent. ' +
        'Provisioning runs at the account-wide rates below, so a large import takes a while to work through.',
    ),
    line,
    figures,
    h('div', { class: 'actions' }, refresh),
  );

  // Not disabled while counting: a disabled button drops the keyboard focus it had.
  let counting = false;
  async function load(again: boolean) {
    if (counting) return;
    counting = true;
    line.className = 'loading';
    line.setAttribute('role', 'status');
    line.textContent = again ? 'Counting again…' : 'Counting the people waiting…';
    try {
      const backlog = (await context.api.request<Backlog>('GET', '/provisioning/backlog')).body;
      figures.replaceChildren(backlogFigures(backlog));
      line.className = '';
      line.textContent = `Counted at ${new Date().toLocaleTimeString('en-GB')}.`;
    } catch (error) {
      if (error instanceof ApiError && error.failure === 'expired') return context.failure(error, () => undefined);
      line.className = 'message error';
      line.setAttribute('role', 'alert');
      line.textContent = problemSentence(error);
    } finally {
      counting = false;
    }
  }

  await load(false);
  context.done('Provisioning backlog', context.samePage ? refresh : heading);
}

export const provisioningBacklogView: ConsoleView = {
  section: () => 'provisioning',
  matches: (route) => route.segments[0] === 'provisioning' && route.segments.length === 1,
  render: renderBacklog,
};
