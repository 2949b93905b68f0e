/// <reference lib="dom" />
import { ApiError, colleagues, type Colleague, type ColleagueInvitation } from './api';
import { h } from '../../browser/dom';
import { sectionTitle } from './format';
import type { ViewContext } from './views';

/** The partner admin's Colleagues page (issue 16): invite colleagues, switch their access, choose their components. */

const statusLabels: Record<Colleague['accessStatus'], string> = {
  none: 'Not invited yet',
  pending: 'Invitation on its way',
  invited: 'Invited; has not signed in yet',
  active: 'Signed in',
  suspended: 'Access paused',
  failed: 'The invitation could not be delivered',
  revoked: 'Access off',
};

/** What the admin is told when a request is refused: the API's own sentence, which names what to do. */
function sentence(error: unknown, what: string): string {
  if (!(error instanceof ApiError)) return `Something went wrong, so nothing was ${what}. Please try again.`;
  if (error.failure === 'network') return `We could not reach the portal, so nothing was ${what}. Try again.`;
  const errors = (error.problem.errors as { path?: string; message?: string }[] | undefined) ?? [];
  const details = errors.map((e) => `${(e.path ?? '').replace(/^\//, '') || 'The form'}: ${e.message ?? ''}.`);
  return [error.problem.detail ?? `Nothing was ${what}.`, ...details].join(' ');
}

const messageSlot = () => h('div', { class: 'message-slot', role: 'alert', 'aria-live': 'assertive' });

/** Checkboxes for the components the admin may give, ticked as `chosen`. */
function componentBoxes(idPrefix: string, legend: string, offered: readonly string[], chosen: readonly string[]) {
  const boxes = offered.map((name) =>
    h('input', { type: 'checkbox', id: `${idPrefix}-${name}`, value: name, checked: chosen.includes(name) }),
  );
  const fieldset = h(
    'fieldset',
    { class: 'components' },
    h('legend', {}, legend),
    boxes.map((box) => h('div', { class: 'check' }, box, h('label', { for: box.id }, sectionTitle(box.value)))),
  );
  return { fieldset, chosen: () => boxes.filter((box) => box.checked).map((box) => box.value) };
}

async function run(button: HTMLButtonElement, label: string, work: () => Promise<unknown>) {
  const idle = button.textContent ?? '';
  button.disabled = true;
  button.textContent = label;
  try {
    await work();
  } finally {
    button.disabled = false;
    button.textContent = idle;
  }
}

export async function renderColleagues(view: ViewContext, notice?: string): Promise<void> {
  view.loading('Loading your colleagues…');
  const api = colleagues(view.api);
  let first;
  try {
    first = await api.list();
  } catch (error) {
    return view.failure(error, () => void renderColleagues(view));
  }
  const offered = view.me.components as string[];
  const rerender = (message: string) => void renderColleagues(view, message);
  const refusedHere = (error: unknown) => {
    if (error instanceof ApiError && (error.failure === 'refused' || error.failure === 'expired')) {
      view.failure(error, () => {});
      return true;
    }
    return false;
  };

  const person = (colleague: Colleague) => {
    const name = [colleague.firstName, colleague.lastName].filter(Boolean).join(' ') || colleague.email || colleague.id;
    const headingId = `colleague-${colleague.id}`;
    const box = messageSlot();
    const heading = h('h3', { id: headingId }, name, colleague.you ? ' (you)' : '');
    const summary = h(
      'p',
      {},
      colleague.email ?? '',
      h('br'),
      colleague.enabled ? statusLabels[colleague.accessStatus] : 'Access off',
    );
    const fail = (error: unknown, what: string) =>
      refusedHere(error) || box.replaceChildren(h('p', { class: 'message error' }, sentence(error, what)));
    if (colleague.you || colleague.partnerAdmin) {
      return h(
        'li',
        { class: 'card', 'aria-labelledby': headingId },
        heading,
        summary,
        h('p', { class: 'hint' }, 'A partner admin: your account manager changes their access.'),
      );
    }
    const components = componentBoxes(`components-${colleague.id}`, 'Sees', offered, colleague.components);
    const save: HTMLButtonElement = h(
      'button',
      {
        type: 'button',
        onclick: () =>
          void run(save, 'Saving…', async () => {
            try {
              await api.update(colleague.id, { components: components.chosen() as Colleague['components'] });
              rerender(`${name} now sees ${components.chosen().map(sectionTitle).join(', ')}.`);
            } catch (error) {
              fail(error, 'saved');
            }
          }),
      },
      'Save what they see',
    );
    const toggle: HTMLButtonElement = h(
      'button',
      {
        type: 'button',
        onclick: () =>
          void run(toggle, colleague.enabled ? 'Turning off…' : 'Turning on…', async () => {
            try {
              await api.update(colleague.id, { enabled: !colleague.enabled });
              rerender(
                colleague.enabled
                  ? `${name} can no longer sign in.`
                  : `${name}'s access is back on; they get an invitation email.`,
              );
            } catch (error) {
              fail(error, 'changed');
            }
          }),
      },
      colleague.enabled ? 'Turn access off' : 'Turn access on',
    );
    const resendable = colleague.enabled && ['invited', 'failed'].includes(colleague.accessStatus);
    const resend: HTMLButtonElement = h(
      'button',
      {
        type: 'button',
        onclick: () =>
          void run(resend, 'Sending…', async () => {
            try {
              await api.resend(colleague.id);
              rerender(`A new invitation is on its way to ${colleague.email ?? name}.`);
            } catch (error) {
              fail(error, 'sent');
            }
          }),
      },
      'Send the invitation again',
    );
    return h(
      'li',
      { class: 'card', 'aria-labelledby': headingId },
      heading,
      summary,
      components.fieldset,
      h('div', { class: 'buttons' }, save, toggle, resendable ? resend : null),
      box,
    );
  };

  const list = h('ul', { class: 'colleagues', 'aria-labelledby': 'colleagues-heading' }, first.items.map(person));
  const more = h('div', {});
  const showMore = (cursor: string | null) =>
    more.replaceChildren(
      cursor
        ? h(
            'button',
            {
              type: 'button',
              onclick: async () => {
                try {
                  const page = await api.list(cursor);
                  list.append(...page.items.map(person));
                  showMore(page.nextCursor);
                } catch (error) {
                  if (!refusedHere(error))
                    more.replaceChildren(h('p', { class: 'message error' }, sentence(error, 'loaded')));
                }
              },
            },
            'Show more colleagues',
          )
        : '',
    );
  showMore(first.nextCursor);

  view.main.replaceChildren(
    h('h1', { tabindex: -1 }, 'Colleagues'),
    notice ? h('p', { class: 'message success', role: 'status' }, notice) : '',
    h(
      'p',
      {},
      `Invite colleagues${view.me.organizationName ? ` of ${view.me.organizationName}` : ''}, choose what they see, and switch their access off when they leave.`,
    ),
    inviteForm(view, offered, rerender, refusedHere),
    h('h2', { id: 'colleagues-heading' }, 'People in your organization'),
    list,
    more,
  );
  view.done('Colleagues');
}

function inviteForm(
  view: ViewContext,
  offered: readonly string[],
  rerender: (message: string) => void,
  refusedHere: (error: unknown) => boolean,
) {
  const input = (id: string, attributes: Record<string, string | boolean>) =>
    h('input', { id, name: id, maxlength: 100, ...attributes });
  const firstName = input('invite-first-name', { autocomplete: 'off' });
  const lastName = input('invite-last-name', { required: true, autocomplete: 'off' });
  const email = input('invite-email', { type: 'email', required: true, maxlength: '254', autocomplete: 'off' });
  const components = componentBoxes('invite', 'What they see', offered, offered);
  const box = messageSlot();
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Send invitation');
  const field = (control: HTMLInputElement, label: string) =>
    h('div', { class: 'field' }, h('label', { for: control.id }, label), control);
  const form: HTMLFormElement = h(
    'form',
    {
      novalidate: true,
      'aria-labelledby': 'invite-heading',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        box.replaceChildren();
        const missing = [
          [lastName, 'Give their last name.'],
          [email, 'Give their email address.'],
        ].find(([control]) => !(control as HTMLInputElement).value.trim()) as [HTMLInputElement, string] | undefined;
        for (const control of [lastName, email]) control.toggleAttribute('aria-invalid', control === missing?.[0]);
        if (missing) {
          box.replaceChildren(h('p', { class: 'message error' }, missing[1]));
          return missing[0].focus();
        }
        if (!components.chosen().length) {
          box.replaceChildren(h('p', { class: 'message error' }, 'Choose at least one section they see.'));
          return;
        }
        const invitation: ColleagueInvitation = {
          ...(firstName.value.trim() ? { firstName: firstName.value.trim() } : {}),
          lastName: lastName.value.trim(),
          email: email.value.trim(),
          components: components.chosen() as ColleagueInvitation['components'],
        };
        submit.disabled = true;
        submit.textContent = 'Sending…';
        try {
          await colleagues(view.api).invite(invitation);
          rerender(`${invitation.email} is invited: the invitation email is on its way.`);
        } catch (error) {
          submit.disabled = false;
          submit.textContent = 'Send invitation';
          if (!refusedHere(error)) box.replaceChildren(h('p', { class: 'message error' }, sentence(error, 'sent')));
        }
      },
    },
    h('h2', { id: 'invite-heading' }, 'Invite a colleague'),
    field(firstName, 'First name (optional)'),
    field(lastName, 'Last name'),
    field(email, 'Email'),
    components.fieldset,
    submit,
    box,
  );
  return form;
}
