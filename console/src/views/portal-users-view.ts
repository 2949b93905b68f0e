/// <reference lib="dom" />
import { h } from '../../../browser/dom';
import type { ConsoleView } from './view';

/**
 * Everyone with portal access and their status: `#/portal-users`. The navigation entry and the page's place in the
 * shell; the list itself is served by the access index and shown by the access screens.
 */
export const portalUsersView: ConsoleView = {
  section: () => 'portal-users',
  matches: (route) => route.segments[0] === 'portal-users',
  render: (context) => {
    const heading = h('h1', { tabindex: -1 }, 'Portal users');
    context.main.replaceChildren(
      heading,
      h(
        'p',
        { class: 'message info' },
        'The list of everyone with portal access is not available in this version yet. ' +
          'Open a contact, lead or partner contact to see their portal access on their record.',
      ),
    );
    context.done('Portal users');
  },
};
