// app.js — the console's shell: finds the session (or sends to sign-in), loads the instance's
// catalog, draws the header (User management, who is signed in, Sign out), mounts the banner,
// and routes the hash (#/users?…) to one screen module loaded with import(), each exporting
// render(main, ctx, params). Focus moves to the new screen's heading. A 401 on any call ends the
// session: back to sign-in with "Your session ended; sign in again".
import * as api from './api.js';
import { h, replace, heading, errorText, loading } from './ui.js';
import { mountBanner } from './banner.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const who = document.getElementById('who');
const bannerHost = document.getElementById('banner');
const problem = document.getElementById('problem');

const AFTER_KEY = 'roster.after';
const ENDED = 'Your session ended; sign in again';

/* Routes: a pattern of the hash path, the module, what the screen needs. */
const ROUTES = [
  { path: /^\/sign-in$/, module: './signin.js', open: true },
  { path: /^\/password$/, module: './password.js', passwordOk: true },
  { path: /^\/users$/, module: './list.js', perm: 'Users.View' },
  { path: /^\/users\/new$/, module: './add_users.js', perm: 'Users.Create' },
  { path: /^\/users\/create$/, module: './create_user.js', perm: 'Users.Create' },
  { path: /^\/users\/upload$/, module: './upload.js', perm: 'Users.Create' },
  { path: /^\/users\/([^/?#]+)$/, module: './user_page.js', key: 'id' },
  { path: /^\/bulk-edit$/, module: './bulk_edit.js', perm: 'Users.Edit' },
];

let banner = null;
let lastActivity = Date.now(); /* the last key or pointer press: polling alone must not keep a session alive */
let notice = '';           // a message for the sign-in screen (the session ended, signed out)
let renderSeq = 0;         // the current render; an older one finding itself stale stops

/* The shared context handed to every screen (see the contract). */
const ctx = {
  session: null,
  catalog: null,
  banner: { refresh() { if (banner) banner.refresh(); } },
  navigate,
  /** The hash query of the current route replaced by query (an object or URLSearchParams), no re-render. */
  setQuery(query) {
    const { path } = parseHash();
    const q = new URLSearchParams(query).toString();
    history.replaceState(history.state, '', `#${path}${q ? `?${q}` : ''}`);
  },
  /** Signed in with session s (sign-in, password change, proxy): loads the catalog, goes on. */
  signedIn,
  /** Signs out: DELETE the session, back to sign-in. */
  signOut,
  /** Takes the notice meant for the sign-in screen (once). */
  takeNotice() { const n = notice; notice = ''; return n; },
  /** Reloads the catalog (after a change of role profiles). */
  async reloadCatalog() { ctx.catalog = await api.get(api.inst('/console')); return ctx.catalog; },
  /** True when the person has done nothing for the session's idle timeout: the banner stops
   * polling, so the server's idle timeout ends the session as if the tab were closed. */
  isIdle() {
    const s = ctx.session;
    const idle = s && Number(s.IdleTimeoutSeconds) > 0 ? Number(s.IdleTimeoutSeconds) * 1000 : 30 * 60 * 1000;
    return Date.now() - lastActivity > idle - 5000;
  },
  /** The landing route of the signed-in user. */
  home,
  can: api.can,
};

function parseHash() {
  const raw = location.hash.startsWith('#') ? location.hash.slice(1) : '';
  const i = raw.indexOf('?');
  const path = (i < 0 ? raw : raw.slice(0, i)) || '/';
  return { path, query: new URLSearchParams(i < 0 ? '' : raw.slice(i + 1)) };
}

/** Goes to hash ('#/users' or '/users'); renders again when it is already there. */
function navigate(hash) {
  const target = hash.startsWith('#') ? hash : `#${hash}`;
  if (location.hash === target) route();
  else location.hash = target;
}

function home() {
  const s = ctx.session;
  if (!s) return '#/sign-in';
  if (s.PasswordChangeRequired) return '#/password';
  if (api.can('Users.View')) return '#/users';
  return `#/users/${encodeURIComponent(s.UserId)}`;
}

function drawHeader() {
  const s = ctx.session;
  if (!s) {
    nav.hidden = true;
    who.hidden = true;
    replace(nav);
    replace(who);
    return;
  }
  const links = [];
  if (api.can('Users.View') && !s.PasswordChangeRequired) links.push(h('a', { href: '#/users' }, 'User management'));
  else if (!s.PasswordChangeRequired) links.push(h('a', { href: home() }, 'My user'));
  replace(nav, h('ul', null, links.map((a) => h('li', null, a))));
  nav.hidden = links.length === 0;
  replace(who,
    h('span', { class: 'who-name' }, s.Username || ''),
    s.Role ? h('span', { class: 'role-chip' }, s.Role) : null,
    s.PasswordChangeRequired ? null : h('a', { href: '#/password', class: 'who-link' }, 'Change password'),
    h('button', { type: 'button', class: 'link-button', onclick: signOut }, 'Sign out'));
  who.hidden = false;
  markCurrentLink();
}

function markCurrentLink() {
  const { path } = parseHash();
  nav.querySelectorAll('a').forEach((a) => {
    const here = path === '/users' ? a.getAttribute('href') === '#/users' : a.getAttribute('href') === `#${path}`;
    if (here) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  });
}

function startBanner() {
  if (banner) banner.stop();
  banner = null;
  replace(bannerHost);
  const s = ctx.session;
  if (s && !s.PasswordChangeRequired && api.can('Users.View')) banner = mountBanner(bannerHost, ctx);
}

async function signedIn(s) {
  api.setSession(s);
  ctx.session = s;
  ctx.catalog = null;
  replace(problem);
  if (!s.PasswordChangeRequired) {
    try {
      ctx.catalog = await api.get(api.inst('/console'));
    } catch (err) {
      if (!api.session()) return; /* a 401: the handler went to sign-in */
      /* the screens still work, without the lists of profiles and groups */
      ctx.catalog = { RoutingProfiles: [], SecurityProfiles: [], HierarchyGroups: [], RoleProfiles: {}, Unavailable: true };
      replace(problem, h('p', { class: 'form-error', role: 'alert' },
        `The instance's profiles and groups could not be loaded (${errorText(err)}): filters and forms lack them. Reload the page to try again.`));
    }
  }
  drawHeader();
  startBanner();
  let next = sessionStorage.getItem(AFTER_KEY);
  sessionStorage.removeItem(AFTER_KEY);
  if (s.PasswordChangeRequired || !next || next.startsWith('#/sign-in') || next.startsWith('#/password')) next = home();
  navigate(next);
}

function signedOut(message) {
  /* a session that ended by itself brings the person back where they were after signing in */
  if (message === ENDED && !location.hash.startsWith('#/sign-in')) sessionStorage.setItem(AFTER_KEY, location.hash);
  api.setSession(null);
  ctx.session = null;
  ctx.catalog = null;
  if (banner) banner.stop();
  banner = null;
  replace(bannerHost);
  replace(problem);
  drawHeader();
  notice = message || '';
  navigate('#/sign-in');
}

async function signOut() {
  try {
    await api.del('/session');
  } catch {
    /* signed out here either way: the cookie will not be used again */
  }
  signedOut('You signed out.');
}

function showFatal(text) {
  renderSeq += 1;
  replace(main, heading('Something went wrong'), h('p', { class: 'form-error', role: 'alert' }, text),
    h('p', null, h('button', { type: 'button', onclick: () => location.reload() }, 'Reload the page')));
  main.querySelector('h1').focus();
}

function notFound(path) {
  replace(main, heading('Page not found'),
    h('p', null, `There is no page at ${path}. `, h('a', { href: home() }, 'Go to the start page')));
}

async function route() {
  const seq = ++renderSeq;
  const { path, query } = parseHash();
  const s = ctx.session;
  if (path === '/') { navigate(home()); return; }
  const r = ROUTES.find((x) => x.path.test(path));
  if (!s && !(r && r.open)) {
    if (r) sessionStorage.setItem(AFTER_KEY, location.hash);
    navigate('#/sign-in');
    return;
  }
  if (s && r && r.open) { navigate(home()); return; }
  if (s && s.PasswordChangeRequired && !(r && r.passwordOk)) { navigate('#/password'); return; }
  markCurrentLink();
  if (!r) { notFound(path); focusHeading(); return; }
  if (r.perm && !api.can(r.perm)) {
    /* an Agent's list is their own page; other screens say what is missing */
    if (r.module === './list.js') { navigate(home()); return; }
    replace(main, heading('Not allowed'),
      h('p', null, `Your security profiles do not allow this page (${r.perm}). `, h('a', { href: home() }, 'Go to the start page')));
    focusHeading();
    return;
  }
  const params = { query };
  if (r.key) {
    try {
      params[r.key] = decodeURIComponent(path.match(r.path)[1]);
    } catch {
      notFound(path); /* a malformed %-escape */
      focusHeading();
      return;
    }
  }
  const view = h('div', { class: 'view' });
  replace(main, view, loading());
  let mod;
  try {
    mod = await import(r.module);
  } catch {
    if (seq !== renderSeq) return;
    replace(main, heading('This page could not be loaded'),
      h('p', { class: 'form-error', role: 'alert' }, 'The page’s code did not load; check your connection and reload the page.'));
    focusHeading();
    return;
  }
  if (seq !== renderSeq) return;
  replace(main, view);
  try {
    await mod.render(view, ctx, params);
  } catch (err) {
    if (seq !== renderSeq || !api.session() && !r.open) return;
    view.append(h('p', { class: 'form-error', role: 'alert' }, errorText(err)));
  }
  if (seq === renderSeq) focusHeading();
}

function focusHeading() {
  const h1 = main.querySelector('h1');
  if (h1) {
    if (!h1.hasAttribute('tabindex')) h1.setAttribute('tabindex', '-1');
    h1.focus();
  } else {
    main.focus();
  }
}

function activity() {
  const wasIdle = ctx.isIdle();
  lastActivity = Date.now();
  if (wasIdle && banner) banner.refresh(); /* a 401 here says the session ended */
}

async function start() {
  api.onSessionEnded(() => signedOut(ENDED));
  api.onPasswordRequired(() => {
    if (!ctx.session || ctx.session.PasswordChangeRequired) return;
    ctx.session = { ...ctx.session, PasswordChangeRequired: true };
    api.setSession(ctx.session);
    startBanner();
    drawHeader();
    navigate('#/password');
  });
  for (const ev of ['keydown', 'pointerdown', 'wheel']) document.addEventListener(ev, activity, { passive: true, capture: true });
  document.querySelector('.skip-link').addEventListener('click', (ev) => {
    ev.preventDefault();
    focusHeading();
  });
  window.addEventListener('hashchange', route);
  let s = null;
  try {
    s = (await api.get('/session')).Session;
  } catch (err) {
    if (err.status !== 401) {
      showFatal(`The console could not reach the server: ${errorText(err)}`);
      return;
    }
  }
  if (s) {
    const wanted = parseHash().path;
    if (wanted !== '/' && wanted !== '/sign-in') sessionStorage.setItem(AFTER_KEY, location.hash);
    await signedIn(s);
    return;
  }
  route();
}

start();
