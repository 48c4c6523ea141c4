// delete_dialog.js — the delete confirmation, used by the list and by a user's page:
// confirmDelete(ctx, {count, userIds | filter, onDone}). A modal dialog says how many users and
// that deletion cannot be undone; `Keep their account` disables them instead. One user: DELETE
// …/console/users/{id} (or …/disable); a selection: a batch, POST …/bulk-deletes (or a bulk edit
// {"Disabled": true}), which the banner then shows.
import * as api from './api.js';
import { h, openDialog, errorBox, showError, plural, announce } from './ui.js';

/**
 * Asks, then deletes or disables. opts: count (users in the selection), userIds (a list) or
 * filter (the list's Filter object), onDone(result) called after the server accepted, with
 * result {action: 'deleted'|'disabled', job (a batch's Job, or null), user (one disabled user)}.
 * Resolves to that result, or null when cancelled.
 */
export function confirmDelete(ctx, { count, userIds, filter, onDone } = {}) {
  const ids = Array.isArray(userIds) ? userIds : null;
  const n = ids ? ids.length : Number(count) || 0;
  const one = ids !== null && ids.length === 1;
  const users = plural(n, 'user');
  return openDialog(`Delete ${users}?`, (dlg, close) => {
    const keep = h('input', { type: 'checkbox', id: 'delete-keep' });
    const hint = h('p', { class: 'hint', id: 'delete-keep-hint' },
      'They are disabled instead: they cannot sign in and their access keys are refused; everything else is kept. ' +
      '“Enable” on a user’s page undoes it.');
    keep.setAttribute('aria-describedby', 'delete-keep-hint');
    const box = errorBox();
    const del = h('button', { type: 'button', class: 'danger' }, 'Delete');
    const cancel = h('button', { type: 'button', onclick: () => close(null) }, 'Cancel');
    const warning = `You are about to delete ${users}. Deletion cannot be undone.`;
    const text = h('p', { id: 'delete-text' }, warning);
    keep.addEventListener('change', () => {
      text.textContent = keep.checked ? `${users} will be disabled, not deleted: they can be enabled again.` : warning;
    });
    del.addEventListener('click', async () => {
      del.disabled = true;
      cancel.disabled = true;
      box.hidden = true;
      try {
        const result = await submit(ctx, { ids, filter, one, disable: keep.checked });
        close(result);
        announce(result.job
          ? `${result.action === 'disabled' ? 'Disabling' : 'Deleting'} ${users}: the batch is in the banner`
          : `The user was ${result.action}`);
        if (result.job) ctx.banner.refresh();
        if (onDone) onDone(result);
      } catch (err) {
        if (!api.session()) { close(null); return; }
        showError(dlg, box, err);
        del.disabled = false;
        cancel.disabled = false;
      }
    });
    return [text, h('div', { class: 'field field-check' }, keep, h('label', { for: 'delete-keep' }, 'Keep their account'), hint),
      box, h('div', { class: 'actions' }, del, cancel)];
  });
}

async function submit(ctx, { ids, filter, one, disable }) {
  if (one) {
    const path = api.inst(`/console/users/${encodeURIComponent(ids[0])}`);
    if (disable) {
      const r = await api.post(`${path}/disable`, {});
      return { action: 'disabled', job: null, user: r.User || null };
    }
    await api.del(path);
    return { action: 'deleted', job: null, user: null };
  }
  const Selection = ids ? { UserIds: ids } : { Filter: filter || {} };
  if (disable) {
    const r = await api.post(api.inst('/bulk-edits'), { Selection, Changes: { Disabled: true } });
    return { action: 'disabled', job: r.Job || null, user: null };
  }
  const r = await api.post(api.inst('/bulk-deletes'), { Selection });
  return { action: 'deleted', job: r.Job || null, user: null };
}
