// password.js — #/password: choosing a new password, forced after a temporary one (nothing else
// opens until it is done) or by choice. Current password, New password, Confirm new password,
// Change password; the policy shown; a mismatch caught here, the server's messages beside the
// field they concern (NewPassword, CurrentPassword).
import * as api from './api.js';
import { h, heading, field, errorBox, showError, clearErrors, setFieldError, announce } from './ui.js';

const POLICY = '8 to 64 characters with at least one upper-case letter, one lower-case letter and one digit, and no spaces.';

export function render(main, ctx) {
  const s = ctx.session;
  const forced = !!(s && s.PasswordChangeRequired);
  const policy = (ctx.catalog && ctx.catalog.PasswordPolicy) || POLICY;
  const current = h('input', { type: 'password', autocomplete: 'current-password', required: true, maxLength: 256 });
  const next = h('input', { type: 'password', autocomplete: 'new-password', required: true, maxLength: 256 });
  const confirm = h('input', { type: 'password', autocomplete: 'new-password', required: true, maxLength: 256 });
  const box = errorBox();
  const button = h('button', { type: 'submit', class: 'primary' }, 'Change password');
  const form = h('form', { novalidate: true },
    field({ label: 'Current password', input: current, name: 'CurrentPassword',
      hint: forced ? 'The temporary password you signed in with' : null }),
    field({ label: 'New password', input: next, name: 'NewPassword', hint: `Password policy: ${policy}` }),
    field({ label: 'Confirm new password', input: confirm, name: 'ConfirmPassword' }),
    box,
    h('div', { class: 'actions' }, button,
      forced ? null : h('a', { href: ctx.home(), class: 'button' }, 'Cancel')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    let bad = null;
    if (!current.value) { setFieldError(form, 'CurrentPassword', 'Enter your current password'); bad = bad || current; }
    if (!next.value) { setFieldError(form, 'NewPassword', 'Enter a new password'); bad = bad || next; }
    if (next.value && confirm.value !== next.value) {
      setFieldError(form, 'ConfirmPassword', 'The new passwords do not match; type the same password twice');
      bad = bad || confirm;
    }
    if (bad) { bad.focus(); return; }
    button.disabled = true;
    try {
      const r = await api.post('/session/password', { CurrentPassword: current.value, NewPassword: next.value });
      announce('Your password was changed');
      await ctx.signedIn(r.Session);
    } catch (err) {
      button.disabled = false;
      if (!api.session()) return;
      showError(form, box, err);
    }
  });
  main.append(h('div', { class: 'signin' },
    heading(forced ? 'Choose a new password' : 'Change password'),
    forced ? h('p', { class: 'notice' }, 'Your password was set by an administrator and is temporary: choose your own before you go on.') : null,
    form));
}
