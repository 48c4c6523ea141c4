// upload.js — #/users/upload: `Download template`, choose a CSV file, `Upload file and verify`
// (a dry-run import followed until it ends), the count of valid rows and every invalid row
// (paged) with its bad cells marked, then `Import valid users` (optionally all or none) followed
// to its end: the counts and a link to the failure report. The chosen File stays in memory
// between the dry run and the import (it is sent again: the server keeps no dry-run file).

import { get, upload, download, inst, can } from './api.js';
import { h, heading, replace, errorBox, errorText, fmt, plural, nextId } from './ui.js';

const BASE = '/roster/v1';
const FINISHED = new Set(['COMPLETED', 'FAILED', 'CANCELED']);
const POLL_MS = 1000;
const PAGE = 50;

const sleep = (ms) => new Promise((r) => { setTimeout(r, ms); });

/* Follows job id until it finishes: onJob(job) after every answer; stops (resolving null) once
 * alive() is false (the page was left). A poll that got no answer or a 5xx is tried again (up to
 * 5 times in a row, the job runs on the server meanwhile); rejects with any other ApiError. */
async function follow(id, onJob, alive) {
  let misses = 0;
  for (;;) {
    if (!alive()) return null;
    let Job;
    try {
      ({ Job } = await get(inst(`/jobs/${encodeURIComponent(id)}`)));
      misses = 0;
    } catch (err) {
      if (!(err && (err.status === 0 || err.status >= 500)) || ++misses > 5) throw err;
      await sleep(POLL_MS * 2 * misses);
      continue;
    }
    if (!alive()) return null;
    onJob(Job);
    if (FINISHED.has(Job.State)) return Job;
    await sleep(POLL_MS);
  }
}

/* A progress block: <progress> and "n of N rows <verb>" in a status region. */
function progressView(verb) {
  const bar = h('progress', { max: 1, value: 0, 'aria-label': `Rows ${verb}` });
  const words = h('p', { class: 'progress-words' }, 'Sending the file…');
  const node = h('div', { class: 'progress', role: 'status' }, bar, words);
  return {
    node,
    update(job) {
      const c = job.Counts || {};
      const total = c.Total || 0;
      const done = total - (c.Pending || 0);
      if (job.State === 'QUEUED' || job.State === 'RECEIVING') {
        bar.removeAttribute('value');
        words.textContent = 'Waiting for the jobs submitted before this one…';
        return;
      }
      bar.max = Math.max(total, 1);
      bar.value = Math.max(0, Math.min(done, total));
      words.textContent = `${fmt(done)} of ${plural(total, 'row')} ${verb}`;
    },
  };
}

const norm = (s) => String(s || '').trim().toLowerCase();

export function render(main, ctx) {
  const title = heading('Upload users from a template');
  if (!can('Users.Create')) {
    replace(main, title, h('p', { class: 'form-error', role: 'alert' },
      'You may not add users: your security profiles do not allow it. Ask an administrator.'),
    h('p', null, h('a', { href: '#/users' }, 'Back to User management')));
    return;
  }
  const root = h('div', { class: 'upload' });
  const alive = () => root.isConnected;
  let file = null;     /* the File chosen, kept for the import */
  let run = 0;         /* bumps at every new file or dry run: a stale poll's answer is dropped */

  /* Step 1: the template and the file. */
  const templateError = errorBox();
  const templateButton = h('button', { type: 'button', onclick: () => {
    templateError.hidden = true;
    try { download(inst('/users/template')); } catch (err) { templateError.textContent = errorText(err); templateError.hidden = false; }
  } }, 'Download template');
  const fileInput = h('input', { type: 'file', accept: '.csv,text/csv', id: nextId('csv') });
  const fileHint = h('p', { class: 'hint', id: nextId('hint') }, 'A CSV file in the template\'s format, one row per user.');
  fileInput.setAttribute('aria-describedby', fileHint.id);
  const verify = h('button', { type: 'submit', class: 'primary' }, 'Upload file and verify');
  const chooseError = errorBox();
  const chooseForm = h('form', { class: 'upload-choose' },
    h('div', { class: 'field' }, h('label', { for: fileInput.id }, 'CSV file'), fileInput, fileHint),
    chooseError,
    h('div', { class: 'actions' }, verify));

  const results = h('section', { class: 'upload-results', 'aria-label': 'Verification', hidden: true });
  const importSection = h('section', { class: 'upload-import', 'aria-label': 'Import', hidden: true });

  fileInput.addEventListener('change', () => {
    run += 1;
    file = fileInput.files && fileInput.files[0] ? fileInput.files[0] : null;
    results.hidden = true;
    importSection.hidden = true;
    chooseError.hidden = true;
  });

  chooseForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    chooseError.hidden = true;
    file = fileInput.files && fileInput.files[0] ? fileInput.files[0] : null;
    if (!file) {
      chooseError.textContent = 'Choose a CSV file first.';
      chooseError.hidden = false;
      fileInput.focus();
      return;
    }
    run += 1;
    const mine = run;
    importSection.hidden = true;
    verify.disabled = true;
    const progress = progressView('checked');
    replace(results, h('h2', null, `Checking ${file.name}`), progress.node);
    results.hidden = false;
    let job;
    try {
      const res = await upload(inst('/imports'), file, { Mode: 'CREATE', DryRun: 'true', FileName: file.name });
      job = await follow(res.Job.JobId, (j) => { if (mine === run) progress.update(j); }, () => alive() && mine === run);
    } catch (err) {
      verify.disabled = false;
      if (mine !== run) return;
      replace(results, h('p', { class: 'form-error', role: 'alert' }, `The file was not checked: ${errorText(err)}`));
      return;
    }
    verify.disabled = false;
    if (!job || mine !== run) return;
    showDryRun(job, mine);
  });

  /* The dry run's outcome: counts, the invalid rows (paged), then the import controls. */
  function showDryRun(job, mine) {
    const c = job.Counts || {};
    const valid = c.Succeeded || 0;
    const invalid = c.Failed || 0;
    const summary = h('h2', { tabindex: '-1' }, `Checked ${job.FileName || file.name}`);
    if (job.State === 'FAILED' && !invalid) {
      replace(results, summary, h('p', { class: 'form-error', role: 'alert' },
        `The file cannot be imported: ${job.FailureReason || 'it could not be read'}. Correct it and upload it again.`));
      summary.focus();
      return;
    }
    const counts = h('ul', { class: 'result-counts' },
      h('li', { class: 'count-valid' }, `${plural(valid, 'row is', 'rows are')} valid`),
      h('li', { class: invalid ? 'count-invalid' : null }, `${plural(invalid, 'row has', 'rows have')} errors`));
    replace(results, summary, counts);
    if (invalid) results.append(invalidRows(job, mine));
    summary.focus();
    showImport(valid, invalid, mine);
  }

  /* The table of invalid rows: Row, then the uploaded header's columns; bad cells marked. */
  function invalidRows(job, mine) {
    /* The uploaded header; a job without one (from before the console) gets "Column n" names
     * from its first page of rows. */
    let header = Array.isArray(job.Header) && job.Header.length ? job.Header : null;
    const thead = h('thead');
    const drawHead = () => replace(thead, h('tr', null, h('th', { scope: 'col' }, 'Row'), header.map((name) => h('th', { scope: 'col' }, name))));
    if (header) drawHead();
    const tbody = h('tbody');
    const more = h('button', { type: 'button', hidden: true }, 'Show more rows with errors');
    const status = h('p', { class: 'hint', role: 'status' });
    const captionId = nextId('cap');
    const table = h('table', { class: 'rows', 'aria-describedby': captionId },
      h('caption', { id: captionId }, 'Rows with errors (bad cells are marked "error", with what is wrong)'),
      thead, tbody);
    let token = null;
    const addItem = (item) => {
      const cells = Array.isArray(item.Cells) ? item.Cells : [];
      const errs = Array.isArray(item.Errors) ? item.Errors : [];
      const byColumn = new Map();
      const loose = [];
      for (const e of errs) {
        const i = header.findIndex((name) => norm(name) === norm(e.Column));
        if (i < 0) loose.push(e);
        else byColumn.set(i, [...(byColumn.get(i) || []), e]);
      }
      const rowCell = h('th', { scope: 'row', class: loose.length ? 'cell-error' : null }, String(item.Row),
        loose.map((e) => h('span', { class: 'cell-message' }, h('span', { class: 'visually-hidden' }, 'error: '), e.Message)));
      const tds = header.map((_, i) => {
        const bad = byColumn.get(i);
        const value = cells[i] === undefined ? '' : String(cells[i]);
        if (!bad) return h('td', null, value);
        return h('td', { class: 'cell-error' },
          h('span', { class: 'cell-value' }, value),
          bad.map((e) => h('span', { class: 'cell-message' }, h('span', { class: 'visually-hidden' }, 'error: '), e.Message)));
      });
      tbody.append(h('tr', null, rowCell, tds));
    };
    const load = async () => {
      more.disabled = true;
      status.textContent = 'Loading rows…';
      try {
        const res = await get(inst(`/jobs/${encodeURIComponent(job.JobId)}/items`), { State: 'FAILED', MaxResults: PAGE, NextToken: token });
        if (!alive() || mine !== run) return;
        const items = Array.isArray(res.Items) ? res.Items : [];
        if (!header) {
          const n = Math.max(0, ...items.map((it) => (Array.isArray(it.Cells) ? it.Cells.length : 0)));
          header = Array.from({ length: n }, (_, i) => `Column ${i + 1}`);
          drawHead();
        }
        items.forEach(addItem);
        token = res.NextToken || null;
        more.hidden = !token;
        status.textContent = `${plural(tbody.rows.length, 'row')} with errors shown${token ? '' : ': all of them'}`;
      } catch (err) {
        status.textContent = `The rows with errors could not be loaded: ${errorText(err)}`;
        more.hidden = false;
      }
      more.disabled = false;
    };
    more.addEventListener('click', load);
    load();
    return h('div', { class: 'invalid-rows' },
      h('div', { class: 'table-scroll', role: 'region', 'aria-label': 'Rows with errors', tabindex: '0' }, table),
      status, more);
  }

  /* Step 3: import the valid rows (or, atomic, all or none), followed to its end. */
  function showImport(valid, invalid, mine) {
    const atomicInput = h('input', { type: 'checkbox', id: nextId('atomic') });
    const go = h('button', { type: 'submit', class: 'primary', disabled: valid === 0 }, 'Import valid users');
    const form = h('form', { class: 'upload-go' },
      h('div', { class: 'field field-check' }, atomicInput, h('label', { for: atomicInput.id }, 'Import only if every row is valid')),
      valid === 0 ? h('p', { class: 'hint' }, 'No row is valid: correct the file and upload it again.') : null,
      invalid && valid ? h('p', { class: 'hint' }, `The ${plural(invalid, 'row')} with errors will fail again and be listed in the failure report.`) : null,
      h('div', { class: 'actions' }, go));
    const outcome = h('div', { class: 'import-outcome' });
    replace(importSection, h('h2', null, 'Import'), form, outcome);
    importSection.hidden = false;

    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      if (go.disabled) return;
      go.disabled = true;
      atomicInput.disabled = true;
      const progress = progressView('imported');
      replace(outcome, progress.node);
      let job;
      try {
        const res = await upload(inst('/imports'), file,
          { Mode: 'CREATE', DryRun: 'false', Atomic: atomicInput.checked ? 'true' : 'false', FileName: file.name });
        if (ctx.banner && ctx.banner.refresh) ctx.banner.refresh();
        job = await follow(res.Job.JobId, (j) => progress.update(j), () => alive() && mine === run);
      } catch (err) {
        go.disabled = false;
        atomicInput.disabled = false;
        replace(outcome, h('p', { class: 'form-error', role: 'alert' }, `The import did not start: ${errorText(err)}`));
        return;
      }
      if (!job) return;
      if (ctx.banner && ctx.banner.refresh) ctx.banner.refresh();
      showOutcome(outcome, job);
    });
  }

  function showOutcome(outcome, job) {
    const c = job.Counts || {};
    const head = h('h3', { tabindex: '-1' },
      job.State === 'COMPLETED' ? 'The import is finished'
        : job.State === 'CANCELED' ? 'The import was canceled'
          : 'The import failed');
    const list = h('ul', { class: 'result-counts' },
      h('li', null, `${fmt(c.Created || 0)} created`),
      c.Updated ? h('li', null, `${fmt(c.Updated)} updated`) : null,
      c.Unchanged ? h('li', null, `${fmt(c.Unchanged)} unchanged`) : null,
      h('li', { class: c.Failed ? 'count-invalid' : null }, `${fmt(c.Failed || 0)} failed`),
      c.Canceled ? h('li', null, `${fmt(c.Canceled)} canceled`) : null);
    const extra = [];
    if (job.State === 'FAILED' && job.FailureReason)
      extra.push(h('p', { class: 'form-error' }, job.FailureReason));
    if (job.Atomic && job.State === 'FAILED')
      extra.push(h('p', null, 'Nothing was imported, because a row has errors. Correct the rows in the failure report and upload it again.'));
    if (c.Failed) {
      extra.push(h('p', null, h('a', { href: `${BASE}${inst(`/jobs/${encodeURIComponent(job.JobId)}/report`)}`, download: '' },
        'Download the failure report'), ' — the failed rows with why each failed; correct them and upload the file again.'));
    }
    if (c.Created)
      extra.push(h('p', null, h('a', { href: '#/users' }, 'Go to User management')));
    replace(outcome, head, list, extra);
    head.focus();
  }

  replace(main, title,
    h('ol', { class: 'steps' },
      h('li', null, 'Download the template and fill in one row per user.'),
      h('li', null, 'Choose the file and upload it: every row is checked, nothing is imported yet.'),
      h('li', null, 'Import the valid users.')),
    h('div', { class: 'actions' }, templateButton), templateError,
    root);
  root.append(chooseForm, results, importSection);
}
