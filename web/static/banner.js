// banner.js — the Batches banner above every screen: the instance's batches and imports that are
// queued, running or finished in the last days and not dismissed (GET …/jobs?Banner=true), each
// with what it does, its state and progress, and Cancel, Refresh, Download the CSV, Try again,
// Edit (the failed users in bulk edit) and Dismiss. It polls every 2 s while something runs, every
// 15 s otherwise, and at once after a submit (refresh()). A live region: states and failures are
// announced, the moving progress is not. Without Users.Create/Edit/Delete it shows no actions.
import * as api from './api.js';
import { h, replace, fmt, plural, errorText, nextId, announce, BULK_KEY } from './ui.js';

const FAST_MS = 2000;
const SLOW_MS = 15000;
const MAX_EDIT_IDS = 25000; /* a UserIds selection fits the server's 1 MiB body */

const STATE_WORDS = {
  RECEIVING: 'Receiving', QUEUED: 'Queued', RUNNING: 'Running', COMPLETED: 'Finished', CANCELED: 'Canceled', FAILED: 'Failed',
};
const KIND_WORDS = { IMPORT: 'Import', BULK_EDIT: 'Bulk edit', BULK_DELETE: 'Bulk delete', USER_EDITS: 'User edits' };

function running(j) {
  return j.State === 'QUEUED' || j.State === 'RUNNING' || j.State === 'RECEIVING';
}

function countsOf(j) {
  const c = j.Counts || {};
  const total = Number(j.Total ?? c.Total) || 0;
  const failed = Number(c.Failed) || 0;
  const canceled = Number(c.Canceled) || 0;
  const done = c.Pending !== undefined
    ? Math.max(0, total - (Number(c.Pending) || 0) - canceled)
    : (Number(c.Succeeded) || 0) + failed;
  return { total, failed, canceled, done: Math.min(done, total) };
}

/**
 * Mounts the banner in host. Returns {refresh(), stop()}: refresh polls at once; stop ends the
 * polling (signing out).
 */
export function mountBanner(host, ctx) {
  const mayAct = api.can('Users.Edit') || api.can('Users.Create') || api.can('Users.Delete');
  const list = h('ul', { class: 'jobs' });
  const problem = h('p', { class: 'banner-error', hidden: true });
  const section = h('section', { class: ['banner', 'none'], 'aria-label': 'Batches', 'aria-live': 'polite' },
    h('h2', { class: 'visually-hidden' }, 'Batches'), problem, list);
  host.append(section);
  const shown = new Map(); /* JobId -> the view of that job */
  const wasRunning = new Set();
  let timer = 0;
  let stopped = false;
  let inFlight = false;
  let again = false;
  let drawn = false; /* the first answer was drawn: jobs new after it are news */

  async function poll() {
    clearTimeout(timer);
    if (stopped) return;
    if (inFlight) { again = true; return; }
    if (ctx.isIdle && ctx.isIdle()) { timer = setTimeout(poll, SLOW_MS); return; }
    inFlight = true;
    let jobs = null;
    try {
      const r = await api.get(api.inst('/jobs'), { Banner: 'true' });
      jobs = Array.isArray(r.Jobs) ? r.Jobs : [];
      problem.hidden = true;
    } catch (err) {
      if (!api.session()) { stop(); return; }
      problem.textContent = `The batches could not be read: ${errorText(err)}`;
      problem.hidden = false;
    } finally {
      inFlight = false;
    }
    if (stopped) return;
    if (jobs) draw(jobs);
    const fast = jobs ? jobs.some(running) : false;
    if (again) { again = false; poll(); return; }
    timer = setTimeout(poll, fast ? FAST_MS : SLOW_MS);
  }

  function draw(jobs) {
    const seen = new Set();
    let finishedNow = false;
    jobs.forEach((j, i) => {
      if (!j || typeof j.JobId !== 'string') return;
      seen.add(j.JobId);
      let v = shown.get(j.JobId);
      if (!v) {
        v = makeView(j.JobId);
        shown.set(j.JobId, v);
        if (drawn && !running(j)) finishedNow = true; /* it ran and ended between two polls */
      }
      update(v, j);
      if (list.children[i] !== v.li) list.insertBefore(v.li, list.children[i] || null);
      if (running(j)) wasRunning.add(j.JobId);
      else if (wasRunning.delete(j.JobId)) finishedNow = true;
    });
    for (const [id, v] of shown) {
      if (!seen.has(id)) { v.li.remove(); shown.delete(id); wasRunning.delete(id); }
    }
    drawn = true;
    section.classList.toggle('none', shown.size === 0 && problem.hidden);
    if (finishedNow) document.dispatchEvent(new CustomEvent('roster:jobs-finished'));
  }

  function makeView(jobId) {
    const descId = nextId('job');
    const v = {
      jobId,
      desc: h('span', { class: 'job-desc', id: descId }),
      state: h('span', { class: 'job-state' }),
      bar: h('progress', { max: '1', value: 0 }),
      counter: h('span', { class: 'job-counter' }),
      failed: h('span', { class: 'job-failed' }),
      actions: h('div', { class: 'job-actions', 'aria-live': 'off' }),
      note: h('p', { class: 'banner-error', role: 'alert', hidden: true }),
      sig: '',
      job: null,
    };
    v.bar.setAttribute('aria-labelledby', descId);
    v.li = h('li', { class: 'job' },
      h('div', { role: 'group', 'aria-labelledby': descId, class: 'job-group' },
        v.desc, ' ', v.state, ' ',
        h('span', { class: 'job-progress', 'aria-live': 'off' }, v.bar, v.counter), ' ',
        v.failed, v.actions, v.note));
    return v;
  }

  function setText(el, text) {
    if (el.textContent !== text) el.textContent = text;
  }

  function update(v, j) {
    v.job = j;
    const { total, failed, canceled, done } = countsOf(j);
    const desc = j.Description || `${KIND_WORDS[j.Kind] || 'Batch'}${j.FileName ? ` of ${j.FileName}` : ''}`;
    setText(v.desc, j.DryRun ? `${desc} (check only)` : desc);
    setText(v.state, STATE_WORDS[j.State] || j.State || '');
    v.state.className = `job-state state-${j.State || ''}`;
    v.bar.max = Math.max(total, 1);
    v.bar.value = total ? done : (running(j) ? 0 : 1);
    setText(v.counter, `${fmt(done)} of ${fmt(total)}${canceled ? `, ${fmt(canceled)} canceled` : ''}`);
    const failText = failed > 0 ? `${plural(failed, 'user')} failed` : '';
    setText(v.failed, j.State === 'FAILED' && j.FailureReason ? `${failText}${failText ? '; ' : ''}${j.FailureReason}` : failText);
    v.failed.hidden = !v.failed.textContent;
    const sig = [j.State, failed > 0, !!j.CanDismiss, mayAct].join('|');
    if (sig !== v.sig) {
      v.sig = sig;
      drawActions(v, j, failed);
    }
  }

  function drawActions(v, j, failed) {
    if (!mayAct) { replace(v.actions); v.actions.hidden = true; return; }
    const path = api.inst(`/jobs/${encodeURIComponent(j.JobId)}`);
    const b = (label, fn) => h('button', { type: 'button', class: 'small', onclick: (ev) => act(v, ev.currentTarget, fn) }, label);
    const buttons = [];
    if (running(j)) buttons.push(b('Cancel', async () => { await api.post(`${path}/cancel`, {}); announce(`${v.desc.textContent}: canceling`); }));
    buttons.push(b('Refresh', async () => {}));
    if (!running(j) && failed > 0) {
      buttons.push(b('Download the CSV', async () => api.download(`${path}/report`)));
      buttons.push(b('Try again', async () => { await api.post(`${path}/retry`, {}); announce(`${v.desc.textContent}: trying the failed users again`); }));
      if (j.Kind !== 'IMPORT' || j.Mode === 'UPSERT') buttons.push(b('Edit', () => editFailed(j)));
    }
    if (!running(j) && j.CanDismiss) buttons.push(b('Dismiss', async () => { await api.post(`${path}/dismiss`, {}); }));
    replace(v.actions, buttons);
    v.actions.hidden = false;
  }

  async function act(v, button, fn) {
    v.note.hidden = true;
    button.disabled = true;
    try {
      await fn();
      await poll();
    } catch (err) {
      if (!api.session()) return;
      v.note.textContent = errorText(err);
      v.note.hidden = false;
    } finally {
      button.disabled = false;
    }
  }

  /* Bulk edit of the users that failed in job j (their ids page by page, bounded). */
  async function editFailed(j) {
    const ids = new Set();
    let token = null;
    do {
      const r = await api.get(api.inst(`/jobs/${encodeURIComponent(j.JobId)}/items`),
        { State: 'FAILED', MaxResults: 1000, NextToken: token });
      for (const it of r.Items || []) if (typeof it.UserId === 'string' && it.UserId) ids.add(it.UserId);
      token = r.NextToken || null;
    } while (token && ids.size < MAX_EDIT_IDS);
    if (ids.size === 0) throw new api.ApiError({ message: 'None of the failed rows names an existing user to edit' });
    sessionStorage.setItem(BULK_KEY, JSON.stringify({ UserIds: [...ids].slice(0, MAX_EDIT_IDS), Total: Math.min(ids.size, MAX_EDIT_IDS), FromJob: j.JobId }));
    ctx.navigate('#/bulk-edit');
  }

  function stop() {
    stopped = true;
    clearTimeout(timer);
    document.removeEventListener('visibilitychange', onVisible);
  }

  function onVisible() {
    if (document.visibilityState === 'visible') poll();
  }
  document.addEventListener('visibilitychange', onVisible);

  poll();
  return { refresh: () => { again = inFlight; if (!inFlight) poll(); }, stop };
}
