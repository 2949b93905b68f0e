/// <reference lib="dom" />
import { h } from '../../../browser/dom';
import { routeHref } from '../../../browser/routes';
import type { components } from '../../../web/src/generated/api-types';
import { ApiError } from '../api';
import {
  importTargets,
  mappingOf,
  mappingRefusals,
  readCsvHeader,
  suggestTarget,
  type ColumnChoice,
  type ImportTarget,
} from '../imports/import-mapping';
import { consoleModules } from '../meta';
import type { ModuleMeta } from '../module-meta-types';
import { problemSentence } from '../problems';
import type { ConsoleView, ViewContext } from './view';

/**
 * The import screen, `#/import`: choose what the file holds and the file; match each column to a field (guessed from
 * the header, or ignored); then the file goes straight to the files bucket by its presigned URL, the dry run checks
 * every row and names the ones it refuses; the commit writes the rest while a progress bar follows it, and the
 * final counts and the error report end it. The API (shared/imports/*) decides everything; this screen only asks.
 */

type ImportView = components['schemas']['Import'];
type ImportCreated = components['schemas']['ImportCreated'];
type RowError = { readonly row: number; readonly field: string; readonly reason: string };

/** The largest file an import takes (shared/imports/import-request.ts `maxImportBytes`). */
const maxImportBytes = 50 * 1024 * 1024;
/** Enough of the file to hold its header row, however wide. */
const headerBytes = 64 * 1024;
/** How often the screen asks how a dry run or commit is getting on. */
const pollMs = 1000;
const ignoreValue = '-';

const importableModules = (): ModuleMeta[] =>
  consoleModules.filter((module) => module.kind === 'person' || module.kind === 'organization');

const count = (n: number, one: string, many: string) => `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`;

/** Why a file is not sent at all, as a sentence; undefined when it may be. */
function fileRefusal(file: File): string | undefined {
  if (file.size === 0) return `“${file.name}” is empty: choose a CSV file with a header row and some rows.`;
  if (file.size > maxImportBytes)
    return `“${file.name}” is larger than the 50 MB an import takes: split it into smaller files.`;
  return undefined;
}

/** A row error's field in staff's words: its label, the row as a whole, or the dotted path when it has no label. */
function fieldLabel(field: string, targets: readonly ImportTarget[]): string {
  if (!field) return 'The whole row';
  // A list's item (`portal.components.1`) is about the list.
  const path = field.replace(/(\.\d+)+$/, '');
  return targets.find((target) => target.path === path)?.label ?? field;
}

function errorTable(caption: string, errors: readonly RowError[], targets: readonly ImportTarget[]) {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'row-errors' },
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, ...['Row', 'Field', 'Reason'].map((name) => h('th', { scope: 'col' }, name)))),
      h(
        'tbody',
        {},
        ...errors.map((error) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, String(error.row)),
            h('td', {}, fieldLabel(error.field, targets)),
            h('td', {}, error.reason),
          ),
        ),
      ),
    ),
  );
}

function reportLink(view: ImportView, text: string) {
  return view.errorReport
    ? h('p', {}, h('a', { href: view.errorReport.url, class: 'report-link', download: '' }, text))
    : null;
}

/** Sends the file's bytes to the presigned URL with exactly its headers (the type and size are signed). */
async function uploadFile(created: ImportCreated, file: File): Promise<void> {
  let response: Response;
  try {
    response = await fetch(created.upload.url, {
      method: created.upload.method,
      headers: created.upload.headers,
      body: file,
    });
  } catch {
    throw new UploadFailed();
  }
  if (!response.ok) throw new UploadFailed();
}

class UploadFailed extends Error {
  constructor() {
    super('The file could not be sent to storage, so nothing was imported. Check your connection and try again.');
  }
}

function sentence(error: unknown): string {
  return error instanceof UploadFailed ? error.message : problemSentence(error);
}

async function renderImport(context: ViewContext) {
  const { main, api } = context;
  const modules = importableModules();
  const heading = h('h1', { tabindex: -1 }, 'Import');
  const moduleSelect = h(
    'select',
    { id: 'import-module', name: 'module' },
    ...modules.map((module) =>
      h(
        'option',
        { value: module.name, selected: module.name === context.route.query.get('module') },
        module.pluralLabel,
      ),
    ),
  );
  const fileInput = h('input', {
    id: 'import-file',
    name: 'file',
    type: 'file',
    accept: '.csv,text/csv',
    'aria-describedby': 'import-file-hint',
  });
  const fileLine = h('div', { id: 'import-file-status' });
  const mappingPart = h('section', {
    class: 'import-mapping-part',
    'aria-labelledby': 'import-mapping-heading',
    hidden: true,
  });
  const stage = h('div', { id: 'import-stage' });

  main.replaceChildren(
    heading,
    h(
      'p',
      {},
      'Add or update people and organizations from a CSV file. Each row matches an existing record by its email, or ' +
        'by an external id column, so importing the same file again creates nothing new. Nothing is written until ' +
        'you have seen the dry run and chosen to import.',
    ),
    h(
      'div',
      { class: 'form-fields import-choose' },
      h('div', { class: 'field' }, h('label', { for: 'import-module' }, 'What the file holds'), moduleSelect),
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'import-file' }, 'CSV file'),
        h(
          'p',
          { id: 'import-file-hint', class: 'hint' },
          'UTF-8, with a header row naming the columns; at most 50 MB. Nested fields go by dotted names, like portal.enabled.',
        ),
        fileInput,
      ),
    ),
    fileLine,
    mappingPart,
    stage,
  );
  context.done('Import', heading);

  let headers: string[] = [];
  let choices: ColumnChoice[] = [];
  let working = false;

  const moduleNow = () => modules.find((module) => module.name === moduleSelect.value) ?? modules[0]!;
  const fileNow = () => fileInput.files?.[0];
  const stillShown = () => heading.isConnected;

  function say(target: HTMLElement, text: string, kind: 'status' | 'error') {
    target.replaceChildren(
      kind === 'error'
        ? h('p', { class: 'message error', role: 'alert' }, text)
        : h('p', { class: 'loading', role: 'status' }, text),
    );
  }

  /** Reads the chosen file's header and shows a row per column with its guessed field. */
  async function prepareMapping() {
    stage.replaceChildren();
    mappingPart.hidden = true;
    const file = fileNow();
    if (!file) return fileLine.replaceChildren();
    const refusal = fileRefusal(file);
    if (refusal) return say(fileLine, refusal, 'error');
    say(fileLine, `Reading the columns of “${file.name}”…`, 'status');
    let read: string[] | undefined;
    try {
      read = readCsvHeader(await file.slice(0, headerBytes).text(), file.size <= headerBytes);
    } catch {
      read = undefined;
    }
    if (!read || read.every((header) => header.trim() === ''))
      return say(
        fileLine,
        `The first row of “${file.name}” could not be read as column names. Choose a CSV file whose first row names its columns.`,
        'error',
      );
    headers = read;
    const targets = importTargets(moduleNow());
    choices = headers.map((header) => suggestTarget(header, targets));
    fileLine.replaceChildren(
      h('p', { role: 'status' }, `“${file.name}” has ${count(headers.length, 'column', 'columns')}.`),
    );
    renderMapping(targets);
  }

  function renderMapping(targets: readonly ImportTarget[]) {
    const module = moduleNow();
    const rows = headers.map((header, index) => {
      const name = header.trim() || `Column ${index + 1} (no name)`;
      const select = h(
        'select',
        {
          id: `import-column-${index}`,
          'aria-label': `Field for the column ${name}`,
          onchange: () => {
            choices[index] =
              select.value === '' ? undefined : select.value === ignoreValue ? null : (select.value as string);
          },
        },
        h('option', { value: '', selected: choices[index] === undefined }, 'Choose a field…'),
        h('option', { value: ignoreValue, selected: choices[index] === null }, 'Ignore this column'),
        ...targets.map((target) =>
          h('option', { value: target.path, selected: choices[index] === target.path }, target.label),
        ),
      );
      return h('tr', {}, h('th', { scope: 'row' }, name), h('td', {}, select));
    });
    const check = h(
      'button',
      { type: 'button', class: 'primary', onclick: () => void checkRows() },
      'Upload and check the rows',
    );
    mappingPart.replaceChildren(
      h('h2', { id: 'import-mapping-heading' }, 'Match the columns'),
      h(
        'p',
        {},
        `Choose the ${module.label} field each column fills. Columns named after a field are matched already; ignore the ones you do not want imported.`,
      ),
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { class: 'import-mapping' },
          h('caption', { class: 'visually-hidden' }, 'Columns of the file and the fields they fill'),
          h(
            'thead',
            {},
            h('tr', {}, h('th', { scope: 'col' }, 'Column in the file'), h('th', { scope: 'col' }, 'Field')),
          ),
          h('tbody', {}, ...rows),
        ),
      ),
      h('div', { class: 'actions' }, check),
    );
    mappingPart.hidden = false;
  }

  /** Asks for the import's state until `finished` says so, showing each; undefined when staff left the screen. */
  async function follow(
    id: string,
    finished: (view: ImportView) => boolean,
    show: (view: ImportView) => void,
  ): Promise<ImportView | undefined> {
    for (;;) {
      if (!stillShown()) return undefined;
      const view = (await api.request<ImportView>('GET', `/imports/${encodeURIComponent(id)}`)).body;
      if (!stillShown()) return undefined;
      show(view);
      if (finished(view)) return view;
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  /** Says why a step failed; `resume` (following a commit that has started) offers to look again. */
  function failed(error: unknown, resume?: () => void) {
    working = false;
    moduleSelect.disabled = false;
    fileInput.disabled = false;
    if (error instanceof ApiError && error.failure === 'expired') return context.failure(error, () => undefined);
    const alert = h('p', { class: 'message error', role: 'alert', tabindex: -1 }, sentence(error));
    const again = resume ? h('button', { type: 'button', onclick: resume }, 'Check the import’s progress again') : null;
    stage.replaceChildren(alert, ...(again ? [h('div', { class: 'actions' }, again)] : []));
    alert.focus();
  }

  /** Upload, then the dry run, then its report. */
  async function checkRows() {
    const file = fileNow();
    if (working || !file) return;
    const module = moduleNow();
    const targets = importTargets(module);
    const refusals = mappingRefusals(headers, choices, targets, module.kind);
    if (refusals.length) {
      const alert = h(
        'div',
        { class: 'message error', role: 'alert', tabindex: -1 },
        h('p', {}, 'The columns are not ready to import yet:'),
        h('ul', {}, ...refusals.map((refusal) => h('li', {}, refusal))),
      );
      stage.replaceChildren(alert);
      return alert.focus();
    }
    working = true;
    const line = h('p', { class: 'loading', role: 'status', tabindex: -1 }, `Uploading “${file.name}”…`);
    stage.replaceChildren(line);
    line.focus();
    try {
      const mapping = mappingOf(headers, choices);
      const created = (
        await api.request<ImportCreated>('POST', '/imports', {
          body: {
            module: module.name,
            fileName: file.name.slice(0, 255),
            size: file.size,
            ...(mapping ? { mapping } : {}),
          },
        })
      ).body;
      await uploadFile(created, file);
      const id = created.import.id;
      await api.request<ImportView>('POST', `/imports/${encodeURIComponent(id)}/dry-run`);
      line.textContent = 'Checking every row; nothing is written yet…';
      const view = await follow(
        id,
        (current) => current.status === 'validated' || current.status === 'refused',
        (current) => {
          if (current.rows !== null)
            line.textContent = `Checking ${count(current.rows, 'row', 'rows')}; nothing is written yet…`;
        },
      );
      working = false;
      if (view) showDryRun(view, targets);
    } catch (error) {
      failed(error);
    }
  }

  function showDryRun(view: ImportView, targets: readonly ImportTarget[]) {
    const title = h('h2', { tabindex: -1 }, 'Dry run');
    if (view.status === 'refused') {
      stage.replaceChildren(
        title,
        h(
          'div',
          { class: 'message error', role: 'alert' },
          h('p', {}, 'This file cannot be imported as it is:'),
          h('ul', {}, ...view.problems.map((problem) => h('li', {}, `Column “${problem.column}”: ${problem.reason}.`))),
          h(
            'p',
            {},
            'Change the fields the columns fill above, or fix the file and choose it again, then check again.',
          ),
        ),
      );
      return title.focus();
    }
    const dryRun = view.dryRun!;
    const summary = h(
      'p',
      { class: dryRun.failed ? 'message warning' : 'message success' },
      `${count(dryRun.rowsRead, 'row', 'rows')} read: ${dryRun.valid.toLocaleString('en-GB')} can be imported, ` +
        `${dryRun.failed.toLocaleString('en-GB')} cannot.`,
    );
    const more =
      dryRun.failed > dryRun.errors.length
        ? h(
            'p',
            { class: 'hint' },
            `The first ${dryRun.errors.length} are shown; the report lists all ${dryRun.failed}.`,
          )
        : null;
    const commit = h(
      'button',
      { type: 'button', class: 'primary', onclick: () => void commitRows(view.id, dryRun.rowsRead, targets) },
      `Import ${count(dryRun.valid, 'row', 'rows')}`,
    );
    stage.replaceChildren(
      title,
      summary,
      dryRun.failed
        ? h(
            'div',
            {},
            errorTable('Rows that cannot be imported', dryRun.errors, targets),
            more,
            reportLink(view, 'Download the dry run report (CSV)'),
          )
        : '',
      dryRun.valid > 0
        ? h(
            'div',
            { class: 'actions' },
            commit,
            h('p', { class: 'hint' }, 'Refused rows are left out; fix them in the file and import it again later.'),
          )
        : h('p', { class: 'message error', role: 'alert' }, 'No row can be imported: fix the file and check it again.'),
    );
    title.focus();
  }

  /** The commit, a progress bar while it runs, then the counts and the error report. */
  async function commitRows(id: string, rows: number, targets: readonly ImportTarget[]) {
    if (working) return;
    working = true;
    mappingPart.hidden = true;
    // This file is being imported: another choice now would only hide its progress ("Import another file" after).
    moduleSelect.disabled = true;
    fileInput.disabled = true;
    const title = h('h2', { tabindex: -1 }, 'Importing');
    stage.replaceChildren(title, h('p', { class: 'loading', role: 'status' }, 'Starting the import…'));
    title.focus();
    try {
      await api.request<ImportView>('POST', `/imports/${encodeURIComponent(id)}/commit`);
    } catch (error) {
      return failed(error);
    }
    working = false;
    await followCommit(id, rows, targets);
  }

  /** A progress bar that follows the commit until it has completed, then the counts. */
  async function followCommit(id: string, rows: number, targets: readonly ImportTarget[]) {
    if (working) return;
    working = true;
    moduleSelect.disabled = true;
    fileInput.disabled = true;
    const title = h('h2', { tabindex: -1 }, 'Importing');
    const bar = h('progress', { id: 'import-progress', max: Math.max(rows, 1), value: 0 }, '0%');
    const line = h('p', { id: 'import-progress-text', role: 'status' }, 'Importing the rows…');
    stage.replaceChildren(
      title,
      h('div', { class: 'field progress' }, h('label', { for: 'import-progress' }, 'Import progress'), bar),
      line,
    );
    if (!stage.contains(document.activeElement)) title.focus();
    try {
      const view = await follow(
        id,
        (current) => current.status === 'completed',
        (current) => {
          const read = current.progress?.rowsRead ?? 0;
          bar.value = read;
          const percent = Math.round((read / Math.max(rows, 1)) * 100);
          bar.textContent = `${percent}%`;
          line.textContent = `${read.toLocaleString('en-GB')} of ${count(rows, 'row', 'rows')} done (${percent}%).`;
        },
      );
      working = false;
      if (view) showResult(view, targets);
    } catch (error) {
      failed(error, () => void followCommit(id, rows, targets));
    }
  }

  function showResult(view: ImportView, targets: readonly ImportTarget[]) {
    const progress = view.progress!;
    const title = h('h2', { tabindex: -1 }, 'Import finished');
    const figures: [string, number][] = [
      ['Created', progress.created],
      ['Updated', progress.updated],
      ['Unchanged', progress.unchanged],
      ['Failed', progress.failed],
    ];
    stage.replaceChildren(
      title,
      h(
        'div',
        { class: 'field progress' },
        h('label', { for: 'import-progress' }, 'Import progress'),
        h('progress', { id: 'import-progress', max: Math.max(view.rows ?? 1, 1), value: progress.rowsRead }, '100%'),
      ),
      h('p', { role: 'status' }, `All ${count(progress.rowsRead, 'row', 'rows')} done.`),
      h(
        'dl',
        { class: 'settings import-counts', id: 'import-counts' },
        figures.flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value.toLocaleString('en-GB'))]),
      ),
      progress.failed
        ? h(
            'div',
            {},
            errorTable('Rows that were not imported', progress.errors, targets),
            reportLink(view, 'Download the error report (CSV)'),
          )
        : '',
      h(
        'p',
        {},
        'People with portal access turned on get their login and invitation as provisioning works through them: ',
        h('a', { href: routeHref(['provisioning']) }, 'see the provisioning backlog'),
        '.',
      ),
      h('p', {}, h('a', { href: routeHref(['import']) }, 'Import another file')),
    );
    title.focus();
  }

  moduleSelect.addEventListener('change', () => void prepareMapping());
  fileInput.addEventListener('change', () => void prepareMapping());
}

export const importView: ConsoleView = {
  section: () => 'import',
  matches: (route) => route.segments[0] === 'import' && route.segments.length === 1,
  render: renderImport,
};
