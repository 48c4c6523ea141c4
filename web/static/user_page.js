// user_page.js — #/users/{id}: one user's details and badges; the actions the session's
// permissions allow (never for a user managed by the identity provider): Edit in place, Reset
// password (a dialog), Disable / Enable, Delete (delete_dialog.js), and History. Someone looking
// at their own page also gets a link to change their password.

import { get, post, inst, can, session } from './api.js';
import { h, heading, loading, replace, errorBox, errorText, fmtTime, field, nextId, openDialog,
  setFieldError, clearErrors } from './ui.js';
import { userFields, catalogOf, messageInWords } from './user_form.js';
import { render as renderHistory } from './history.js';

const PHONE_TYPES = { SOFT_PHONE: 'Soft phone', DESK_PHONE: 'Desk phone' };

/* The user's id from params ({id}), or from the hash (#/users/{id}). */
function userIdOf(params) {
  if (params && (params.id || params.userId)) return params.id || params.userId;
  const m = /^#\/users\/([^/?]+)/.exec(window.location.hash);
  return m ? decodeURIComponent(m[1]) : '';
}

function fullName(u) {
  const id = u.IdentityInfo || {};
  const name = [id.FirstName, id.LastName].filter(Boolean).join(' ');
  return name || u.Username || 'User';
}

function badges(u) {
  return h('p', { class: 'badges' },
    u.ExternallyManaged ? h('span', { class: 'badge managed' }, 'Managed by identity provider') : null,
    u.Disabled ? h('span', { class: 'badge disabled' }, 'Disabled') : null,
    u.PasswordTemporary ? h('span', { class: 'badge temporary' }, 'Must choose a new password') : null);
}

/* A titled <dl> of [label, value] (values: text or nodes). */
function detailList(titleText, rows) {
  const id = nextId('sec');
  return h('section', { class: 'detail-section', 'aria-labelledby': id },
    h('h2', { id }, titleText),
    h('dl', { class: 'details' }, rows.map(([k, v]) => h('div', { class: 'detail-row' }, h('dt', null, k),
      h('dd', null, v === '' || v === null || v === undefined ? '—' : v)))));
}

function details(u) {
  const id = u.IdentityInfo || {};
  const p = u.PhoneConfig || {};
  const tags = Object.entries(u.Tags || {});
  const profiles = (u.SecurityProfiles || []).map((s) => s.Name).join(', ');
  return h('div', { class: 'user-details' },
    detailList('Identity', [
      ['First name', id.FirstName], ['Last name', id.LastName], ['Email address', id.Email],
      ['Secondary email address', id.SecondaryEmail], ['Mobile', id.Mobile]]),
    detailList('Account', [
      ['Username', u.Username], ['Role', u.Role],
      ['Sign-in', u.Disabled ? 'Cannot sign in (their access keys are refused too)' : 'Can sign in'],
      ['Created', fmtTime(u.CreatedTime)], ['Last changed', fmtTime(u.LastModifiedTime)]]),
    detailList('Access and routing', [
      ['Security profiles', profiles],
      ['Routing profile', u.RoutingProfile ? u.RoutingProfile.Name : ''],
      ['Agent hierarchy', u.AgentHierarchy ? (u.AgentHierarchy.Path || u.AgentHierarchy.Name) : 'None']]),
    detailList('Phone', [
      ['Phone type', PHONE_TYPES[p.PhoneType] || p.PhoneType],
      ...(p.PhoneType === 'DESK_PHONE' ? [['Desk phone number', p.DeskPhoneNumber]] : []),
      ['Auto-accept calls', p.AutoAccept ? 'Yes' : 'No'],
      ['After contact work (ACW) timeout', `${p.AfterContactWorkTimeLimit || 0} seconds${p.AfterContactWorkTimeLimit ? '' : ' (no limit)'}`]]),
    detailList('Tags', tags.length ? tags.map(([k, v]) => [k, v]) : [['Tags', 'None']]));
}

export async function render(main, ctx, params) {
  const userId = userIdOf(params);
  const me = session() || ctx.session || {};
  const own = me.UserId === userId;
  replace(main, heading('User'), loading());

  let user;
  let catalog = null;
  try {
    const [res, cat] = await Promise.all([
      get(inst(`/console/users/${encodeURIComponent(userId)}`)),
      catalogOf(ctx).catch(() => null),
    ]);
    user = res.User;
    catalog = cat;
  } catch (err) {
    const gone = err && err.status === 404;
    replace(main, heading(gone ? 'User not found' : 'User'),
      h('p', { class: 'form-error', role: 'alert' },
        gone ? 'This user does not exist: they may have been deleted.' : `The user cannot be shown: ${errorText(err)}`),
      h('p', null, can('Users.View') ? h('a', { href: '#/users' }, 'Back to User management') : null));
    return;
  }

  const title = heading(fullName(user));
  const note = h('p', { class: 'note', role: 'status' });
  const problem = errorBox();
  const body = h('div', { class: 'user-body' });
  const actions = h('div', { class: 'actions user-actions', role: 'group', 'aria-label': 'User actions' });
  const historySection = h('section', { class: 'history-section', id: 'user-history', 'aria-labelledby': 'history-title', hidden: true },
    h('h2', { id: 'history-title', tabindex: '-1' }, 'History'), h('div', { class: 'history-body' }));
  const samlInstance = catalog && catalog.Instance && catalog.Instance.IdentityManagementType === 'SAML';

  let historyLoaded = false;
  const say = (text) => { problem.hidden = true; note.textContent = text; }; /* note is a status region */
  const fail = (what, err) => {
    note.textContent = '';
    problem.textContent = `${what}: ${messageInWords(err)}`;
    problem.hidden = false;
  };

  /* Re-draws the header, badges, actions and details from user. */
  function draw() {
    title.textContent = fullName(user);
    replace(body, details(user));
    header.replaceWith(header = headerOf());
    drawActions();
    if (historyLoaded) { /* the history changed with the user */
      historyLoaded = !historySection.hidden;
      if (historyLoaded) renderHistory(historySection.querySelector('.history-body'), ctx, { userId });
    }
  }
  const headerOf = () => h('div', { class: 'user-head' },
    h('p', { class: 'username' }, h('span', { class: 'visually-hidden' }, 'Username: '), user.Username), badges(user));
  let header = headerOf();

  function drawActions() {
    const list = [];
    const writable = !user.ExternallyManaged;
    if (writable && can('Users.Edit')) {
      list.push(h('button', { type: 'button', class: 'primary', onclick: startEdit }, 'Edit'));
      if (!samlInstance) list.push(h('button', { type: 'button', onclick: resetPassword }, 'Reset password'));
      /* Nobody disables or deletes themselves from here: it would end their own session. */
      if (user.Disabled) list.push(h('button', { type: 'button', onclick: () => setDisabled(false) }, 'Enable'));
      else if (!own) list.push(h('button', { type: 'button', onclick: () => setDisabled(true) }, 'Disable'));
    }
    const editable = user.ExternallyManaged ? (user.ManagedEditable || []) : [];
    if (!writable && editable.length && can('Users.Edit'))
      list.push(h('button', { type: 'button', class: 'primary', onclick: startEdit }, 'Edit contact-center settings'));
    if (writable && !own && can('Users.Delete'))
      list.push(h('button', { type: 'button', class: 'danger', onclick: remove }, 'Delete'));
    if (can('Users.View'))
      list.push(h('button', { type: 'button', 'aria-expanded': historySection.hidden ? 'false' : 'true',
        'aria-controls': 'user-history', onclick: toggleHistory }, 'History'));
    if (own && !samlInstance) list.push(h('a', { href: '#/password', class: 'button' }, 'Change your password'));
    replace(actions, list);
    actions.hidden = list.length === 0;
  }

  const managedNote = !user.ExternallyManaged ? null
    : (user.ManagedEditable || []).length
      ? h('p', { class: 'hint' }, 'This user is managed by your identity provider: change their identity there. Their contact-center settings can be changed here.')
      : h('p', { class: 'hint' }, 'This user is managed by your identity provider: change them there.');

  /* ---- Edit in place ---- */
  function startEdit() {
    if (!catalog) { fail('The form cannot be shown', { name: 'ApiError', message: 'the lists of profiles did not load; reload the page' }); return; }
    const form = userFields({ mode: 'edit', user, catalog, canEditProfiles: can('Users.EditPermission'),
      editable: user.ExternallyManaged ? (user.ManagedEditable || []) : null });
    const top = errorBox();
    const save = h('button', { type: 'submit', class: 'primary' }, 'Save');
    const cancel = h('button', { type: 'button' }, 'Cancel');
    const editTitle = h('h2', { tabindex: '-1' }, user.ExternallyManaged ? 'Edit the contact-center settings' : 'Edit the user');
    const el = h('form', { class: 'user-form', novalidate: true }, editTitle, top, form.node, h('div', { class: 'actions' }, save, cancel));
    actions.hidden = true;
    note.textContent = '';
    problem.hidden = true;
    replace(body, el);
    editTitle.focus();
    const done = () => { draw(); const b = [...actions.querySelectorAll('button')].find((x) => /^Edit/.test(x.textContent)); if (b) b.focus(); };
    cancel.addEventListener('click', done);
    el.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      if (save.disabled) return;
      form.clear();
      top.hidden = true;
      const { body: change, error } = form.read();
      if (error) { form.showError(error); return; }
      if (!Object.keys(change).length) { done(); say('Nothing changed.'); return; }
      save.disabled = true;
      try {
        const res = await post(inst(`/console/users/${encodeURIComponent(userId)}`), change);
        user = res.User || user;
      } catch (err) {
        save.disabled = false;
        if (!form.showError(err)) {
          top.textContent = `The changes were not saved: ${messageInWords(err)}`;
          top.hidden = false;
          top.setAttribute('tabindex', '-1');
          top.focus();
        }
        return;
      }
      done();
      say('The changes were saved.');
    });
  }

  /* ---- Reset password ---- */
  function resetPassword() {
    openDialog('Reset password', (dlg, close) => {
      const input = h('input', { type: 'password', autocomplete: 'new-password', autofocus: true });
      const policy = catalog && catalog.PasswordPolicy ? catalog.PasswordPolicy : '';
      const top = errorBox();
      const submit = h('button', { type: 'submit', class: 'primary' }, 'Reset password');
      const form = h('form', { method: 'dialog', novalidate: true },
        h('p', null, `Set a temporary password for ${user.Username}. They must choose a new one the next time they sign in.`),
        field({ label: 'Temporary password', input, name: 'Password', hint: policy }),
        top,
        h('div', { class: 'actions' }, submit, h('button', { type: 'button', onclick: () => close(false) }, 'Cancel')));
      form.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        clearErrors(form);
        top.hidden = true;
        if (!input.value) { setFieldError(form, 'Password', 'Type the temporary password'); input.focus(); return; }
        submit.disabled = true;
        try {
          const res = await post(inst(`/console/users/${encodeURIComponent(userId)}/password`), { Password: input.value });
          user = res.User || user;
          close(true);
        } catch (err) {
          submit.disabled = false;
          const words = errorText(err).replace(/^Password\b/, 'Temporary password');
          if (err.field === 'Password' && setFieldError(form, 'Password', words)) { input.focus(); return; }
          top.textContent = `The password was not reset: ${words}`;
          top.hidden = false;
        }
      });
      return form;
    }).then((ok) => {
      if (!ok) return;
      draw();
      say(`The password was reset. ${user.Username} must choose a new one at the next sign-in.`);
    });
  }

  /* ---- Disable / Enable ---- */
  async function setDisabled(disable) {
    const button = [...actions.querySelectorAll('button')].find((b) => b.textContent === (disable ? 'Disable' : 'Enable'));
    if (button) button.disabled = true;
    try {
      const res = await post(inst(`/console/users/${encodeURIComponent(userId)}/${disable ? 'disable' : 'enable'}`), {});
      user = res.User || { ...user, Disabled: disable };
    } catch (err) {
      if (button) button.disabled = false;
      fail(disable ? 'The user was not disabled' : 'The user was not enabled', err);
      return;
    }
    draw();
    say(disable ? 'Done: this user can no longer sign in, and their access keys are refused. Enable undoes it.'
      : 'Done: this user can sign in again.');
    const other = [...actions.querySelectorAll('button')].find((b) => b.textContent === (disable ? 'Enable' : 'Disable'));
    if (other) other.focus();
  }

  /* ---- Delete ---- */
  async function remove() {
    let confirmDelete;
    try {
      ({ confirmDelete } = await import('./delete_dialog.js'));
    } catch {
      fail('The user was not deleted', { name: 'ApiError', message: 'the page is out of date; reload it and try again' });
      return;
    }
    /* Deleted: back to the list (or, for someone without it, the start page). Kept and disabled:
     * the page stays, showing the Disabled badge and Enable. */
    confirmDelete(ctx, { count: 1, userIds: [userId], onDone: (result) => {
      if (result && result.action === 'disabled') {
        user = result.user || { ...user, Disabled: true };
        draw();
        say('Kept, not deleted: this user can no longer sign in, and their access keys are refused. Enable undoes it.');
        return;
      }
      ctx.navigate(can('Users.View') ? '#/users' : ctx.home());
    } });
  }

  /* ---- History ---- */
  function toggleHistory(ev) {
    historySection.hidden = !historySection.hidden;
    ev.currentTarget.setAttribute('aria-expanded', historySection.hidden ? 'false' : 'true');
    if (!historySection.hidden && !historyLoaded) {
      historyLoaded = true;
      renderHistory(historySection.querySelector('.history-body'), ctx, { userId });
    }
  }

  replace(main, title, header, managedNote, actions, note, problem, body, historySection);
  draw();
}
