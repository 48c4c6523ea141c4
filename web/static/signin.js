// signin.js — the sign-in screen (#/sign-in): Instance (filled in when the server has one),
// Username, Password, Sign in. Errors in words in a live region (wrong details, the lock-out as
// the server says it, no answer). With the auth proxy (ProxySignIn) the session comes from the
// proxy: the screen tries GET /session first and shows the form only when that fails.
import * as api from './api.js';
import { h, heading, field, errorBox, showError, clearErrors, errorText } from './ui.js';

export async function render(main, ctx) {
  const notice = ctx.takeNotice();
  let info = { Instance: null };
  try {
    info = await api.get('/sign-in');
  } catch {
    /* the form still works: the instance is typed */
  }
  if (info.ProxySignIn) {
    try {
      const s = (await api.get('/session')).Session;
      if (s) { await ctx.signedIn(s); return; }
    } catch (err) {
      if (err.status !== 401) info.proxyError = errorText(err);
    }
  }
  const instance = h('input', { type: 'text', name: 'instance', autocomplete: 'organization', required: true,
    value: info.Instance || '', maxLength: 100, spellcheck: 'false', autocapitalize: 'none' });
  const username = h('input', { type: 'text', name: 'username', autocomplete: 'username', required: true,
    maxLength: 100, spellcheck: 'false', autocapitalize: 'none' });
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true,
    maxLength: 256 });
  const box = errorBox();
  const button = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const form = h('form', { novalidate: true, 'aria-labelledby': 'signin-title' },
    field({ label: 'Instance', input: instance, name: 'Instance', hint: 'The alias of your instance' }),
    field({ label: 'Username', input: username, name: 'Username' }),
    field({ label: 'Password', input: password, name: 'Password' }),
    box,
    h('div', { class: 'actions' }, button));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const missing = [[instance, 'Instance'], [username, 'Username'], [password, 'Password']]
      .filter(([i]) => !i.value.trim());
    if (missing.length) {
      box.textContent = `Enter your ${missing.map(([, n]) => n.toLowerCase()).join(', ')}.`;
      box.hidden = false;
      missing[0][0].focus();
      return;
    }
    button.disabled = true;
    try {
      const r = await api.post('/session',
        { Instance: instance.value.trim(), Username: username.value.trim(), Password: password.value });
      await ctx.signedIn(r.Session);
    } catch (err) {
      button.disabled = false;
      showError(form, box, err);
      password.value = '';
      password.focus();
    }
  });
  const title = heading('Sign in to roster');
  title.id = 'signin-title';
  main.append(h('div', { class: 'signin' },
    title,
    notice ? h('p', { class: 'notice', role: 'status' }, notice) : null,
    info.ProxySignIn
      ? h('p', { class: 'notice' }, 'Users of instances that sign in through your identity provider are signed in by it: ',
        'open the console through your organisation’s sign-in address. ',
        info.proxyError ? `(${info.proxyError})` : '',
        'Users with a roster password sign in below.')
      : null,
    form));
}
