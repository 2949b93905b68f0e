/// <reference lib="dom" />
import { ApiError, type Api, type PortalFile } from './api';
import { h } from '../../browser/dom';
import { formatDate } from './format';
import { portalMeta } from './portal-meta';
import type { ViewContext } from './views';

/**
 * Files in the portal: a ticket's attachments and a document's file. The bytes go straight between the browser and
 * the files bucket with short-lived presigned URLs (the Content-Security-Policy allows the bucket in `connect-src`);
 * the API only hands the URLs out, after the same visibility check as every portal request.
 */

const { maxBytes, contentTypes } = portalMeta.files;

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MB`;
}

/** Why a file cannot be uploaded, in a sentence, before anything is sent; undefined when it may be. */
export function fileRefusal(file: File): string | undefined {
  if (file.size === 0) return `“${file.name}” is empty: choose a file with something in it.`;
  if (file.size > maxBytes)
    return `“${file.name}” is ${formatBytes(file.size)}, more than the ${formatBytes(maxBytes)} a file may be.`;
  if (!contentTypes.includes(file.type))
    return `“${file.name}” is not a type the portal takes. Send a PDF, an image (PNG, JPEG, GIF, WebP), text or CSV, a Word, Excel or PowerPoint file, or a ZIP.`;
  return undefined;
}

/** A file request's failure as a sentence; `what` says what did not happen ("uploaded", "downloaded"). */
export function fileFailureSentence(error: unknown, what: string): string {
  if (!(error instanceof ApiError)) return `The file was not ${what}: the connection failed. Try again.`;
  const { status, detail } = error.problem;
  if (error.failure === 'network') return `We could not reach the portal, so the file was not ${what}. Try again.`;
  if (status === 400) return `The portal refused this file: ${detail ?? 'its size or type is not allowed.'}`;
  if (status === 403) return `Your portal does not allow files here, so nothing was ${what}.`;
  // The API's sentence says which: no such file, or (a document) no file yet.
  if (status === 404) return detail ?? 'This file, or what it belongs to, is no longer in your portal.';
  if (status === 409) return 'This file is still uploading. Try again in a moment.';
  return detail ?? `Something went wrong, so the file was not ${what}. Try again.`;
}

/** Ends the session on refusal or expiry (the shell's failure view); otherwise true: the caller says why. */
function sessionEnded(view: ViewContext, error: unknown): boolean {
  if (error instanceof ApiError && (error.failure === 'refused' || error.failure === 'expired')) {
    view.failure(error, () => {});
    return true;
  }
  return false;
}

/** Starts the upload (a pending attachment and its presigned PUT), then sends the bytes with exactly its headers. */
export async function uploadAttachment(api: Api, ticketId: string, file: File): Promise<void> {
  const { upload } = await api.post(
    '/portal/tickets/{id}/attachments',
    { path: { id: ticketId } },
    { fileName: file.name, contentType: file.type, size: file.size },
  );
  let response: Response;
  try {
    response = await fetch(upload.url, { method: upload.method, headers: upload.headers, body: file });
  } catch {
    throw new ApiError('network', { status: 0, title: 'Network error' });
  }
  // Storage refuses what was not signed (another size or type, or an expired URL): say so, as the API would.
  if (!response.ok) throw new ApiError('problem', { status: 400, detail: 'storage did not accept the upload.' });
}

/** Fetches a short-lived download URL and lets the browser save it (the object says `Content-Disposition: attachment`). */
function saveFrom(url: string) {
  const link = h('a', { href: url, download: '', hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
}

/** Download button that asks for its URL only when pressed: URLs live for minutes, the page may stay open longer. */
function downloadButton(
  label: string,
  describedBy: string,
  box: HTMLElement,
  view: ViewContext,
  url: () => Promise<{ url: string }>,
) {
  const button: HTMLButtonElement = h(
    'button',
    {
      type: 'button',
      'aria-describedby': describedBy,
      onclick: async () => {
        box.replaceChildren();
        button.disabled = true;
        try {
          saveFrom((await url()).url);
        } catch (error) {
          if (!sessionEnded(view, error))
            box.replaceChildren(h('p', { class: 'message error' }, fileFailureSentence(error, 'downloaded')));
        } finally {
          button.disabled = false;
        }
      },
    },
    label,
  );
  return button;
}

/** How long the list waits for storage to report a finished upload: doubling from half a second, about a minute. */
const pendingChecks = [500, 1000, 2000, 4000, 8000, 16000, 30000];

/** A ticket's attachments: the list (pending → uploaded), download buttons, and an upload form. */
export function attachmentsSection(view: ViewContext, ticketId: string): HTMLElement {
  const list = h('ul', { class: 'files', 'aria-label': 'Attachments' });
  const status = h('p', { class: 'hint', role: 'status' }, 'Loading the attachments…');
  const box = h('div', { class: 'message-slot', role: 'alert' });
  let check = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  function item(file: PortalFile) {
    const nameId = `file-${file.id}`;
    return h(
      'li',
      { class: `file ${file.status}` },
      h('span', { id: nameId, class: 'file-name' }, file.fileName),
      h(
        'span',
        { class: 'hint' },
        ` ${formatBytes(file.size)} · `,
        file.status === 'uploaded'
          ? h('time', { datetime: file.uploadedAt ?? file.createdAt }, formatDate(file.uploadedAt ?? file.createdAt))
          : 'Uploading…',
      ),
      file.status === 'uploaded'
        ? downloadButton('Download', nameId, box, view, () =>
            view.api.get('/portal/tickets/{id}/attachments/{attachmentId}/download', {
              path: { id: ticketId, attachmentId: file.id },
            }),
          )
        : null,
    );
  }

  async function load() {
    clearTimeout(timer);
    try {
      const page = await view.api.get('/portal/tickets/{id}/attachments', {
        path: { id: ticketId },
        query: { limit: 50 },
      });
      list.replaceChildren(...page.items.map(item));
      status.textContent = page.items.length ? '' : 'No attachments yet.';
      // Storage tells the API when an upload has arrived: look again a few times while any is still pending.
      if (page.items.some((file) => file.status === 'pending') && check < pendingChecks.length)
        timer = setTimeout(() => {
          if (section.isConnected) void load();
        }, pendingChecks[check++]);
    } catch (error) {
      if (!sessionEnded(view, error))
        status.textContent = 'The attachments could not be loaded. Reload the page to try again.';
    }
  }

  const input = h('input', {
    type: 'file',
    id: 'attachment',
    name: 'attachment',
    accept: contentTypes.join(','),
    'aria-describedby': 'attachment-hint',
    onchange: () => {
      input.removeAttribute('aria-invalid');
      box.replaceChildren();
    },
  });
  const submit = h('button', { type: 'submit' }, 'Attach file');
  const form: HTMLFormElement = h(
    'form',
    {
      novalidate: true,
      onsubmit: async (event: Event) => {
        event.preventDefault();
        box.replaceChildren();
        const file = input.files?.[0];
        const refusal = file ? fileRefusal(file) : 'Choose a file first.';
        if (refusal || !file) {
          input.setAttribute('aria-invalid', 'true');
          box.replaceChildren(h('p', { class: 'message error' }, refusal));
          return input.focus();
        }
        input.removeAttribute('aria-invalid');
        submit.disabled = true;
        submit.textContent = 'Uploading…';
        try {
          await uploadAttachment(view.api, ticketId, file);
          form.reset();
          box.replaceChildren(h('p', { class: 'message success' }, `“${file.name}” is attached.`));
          check = 0;
          await load();
        } catch (error) {
          if (!sessionEnded(view, error))
            box.replaceChildren(h('p', { class: 'message error' }, fileFailureSentence(error, 'uploaded')));
        } finally {
          submit.disabled = false;
          submit.textContent = 'Attach file';
        }
      },
    },
    h('label', { for: 'attachment' }, 'Attach a file'),
    h(
      'p',
      { id: 'attachment-hint', class: 'hint' },
      `Up to ${formatBytes(maxBytes)}: PDF, image, text, Office or ZIP.`,
    ),
    input,
    submit,
  );
  const section = h(
    'section',
    { class: 'attachments', 'aria-labelledby': 'attachments-heading' },
    h('h2', { id: 'attachments-heading' }, 'Attachments'),
    status,
    list,
    form,
    box,
  );
  void load();
  return section;
}

/** A document's file: one button that fetches a fresh download URL. */
export function documentFileSection(view: ViewContext, documentId: string): HTMLElement {
  const box = h('div', { class: 'message-slot', role: 'alert' });
  return h(
    'section',
    { class: 'document-file', 'aria-labelledby': 'document-file-heading' },
    h('h2', { id: 'document-file-heading' }, 'File'),
    h(
      'p',
      {},
      downloadButton('Download the file', 'document-file-heading', box, view, () =>
        view.api.get('/portal/documents/{id}/file', { path: { id: documentId } }),
      ),
    ),
    box,
  );
}
