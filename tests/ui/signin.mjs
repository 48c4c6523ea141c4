// signin.mjs — the console's page and its security headers; sign-in: the wrong-password message,
// the lock-out after 5 failures with its message, the admin signing in, the session kept over a
// reload, Sign out.
import { Flow, facts, base, ok, eq, visible, gone, until, signInForm, submitSignIn, signIn, signOut, api, user } from './lib.mjs';

const WRONG = 'The instance, username or password is not right';
const LOCKED = 'Too many failed sign-ins for this username: try again in 15 minutes';

new Flow('signin').run(async (flow) => {
  const page = await flow.page();
  let doc;

  await flow.step('the console page answers with the security headers (strict CSP, no framing, nosniff, referrer)', async () => {
    const scripts = [];
    page.on('response', (r) => { if (r.url().endsWith('.js')) scripts.push(r); });
    doc = await page.goto(base + '/');
    const h = doc.headers();
    eq(doc.status(), 200, 'status of /');
    const csp = h['content-security-policy'] || '';
    ok(/(^|;)\s*script-src 'self'\s*(;|$)/.test(csp), `CSP script-src 'self' only: ${csp}`);
    ok(/(^|;)\s*style-src 'self'\s*(;|$)/.test(csp), `CSP style-src 'self' only: ${csp}`);
    ok(/frame-ancestors 'none'/.test(csp), `CSP frame-ancestors 'none': ${csp}`);
    ok(/object-src 'none'/.test(csp), `CSP object-src 'none': ${csp}`);
    ok(!/unsafe-inline|unsafe-eval/.test(csp), `CSP without unsafe-*: ${csp}`);
    eq(h['x-content-type-options'], 'nosniff', 'X-Content-Type-Options of /');
    eq(h['referrer-policy'], 'same-origin', 'Referrer-Policy of /');
    await visible(signInForm(page).button, 'the Sign in button');
    const js = await until(() => scripts.find((r) => r.url().endsWith('/static/app.js')), 'the response of /static/app.js');
    const jh = await js.allHeaders();
    ok(/script-src 'self'/.test(jh['content-security-policy'] || ''), `CSP on app.js: ${jh['content-security-policy']}`);
    eq(jh['x-content-type-options'], 'nosniff', 'X-Content-Type-Options of app.js');
    const j = await api(page, 'GET', '/roster/v1/sign-in');
    eq(j.status, 200, 'GET /roster/v1/sign-in');
    eq(j.headers['x-content-type-options'], 'nosniff', 'X-Content-Type-Options of the JSON');
  });

  await flow.step('the sign-in form has Instance (filled in with the one instance), Username, Password', async () => {
    const f = signInForm(page);
    await until(async () => (await f.instance.inputValue()) === facts.alias, `Instance filled in with "${facts.alias}"`);
    await visible(f.username, 'Username');
    await visible(f.password, 'Password');
    eq(await f.password.getAttribute('type'), 'password', 'the Password field hides what is typed');
    await flow.shot(page, 'signin');
  });

  await flow.step('a wrong password says so in words, in a live region, and signs no one in', async () => {
    eq((await submitSignIn(page, 'lockme', 'Wrong#Pass1')).status(), 401, 'a wrong password');
    const msg = await visible(page.getByText(WRONG), `the message "${WRONG}"`);
    ok(await msg.evaluate((el) => !!el.closest('[aria-live], [role=alert], [role=status]')), 'the message is in a live region');
    await visible(signInForm(page).button, 'the sign-in form still');
    eq((await api(page, 'GET', '/roster/v1/session')).status, 401, 'GET session after a failed sign-in');
    await flow.shot(page, 'signin-wrong-password');
  });

  await flow.step('after 5 failures in a row the username is locked: even the right password gets the lock message', async () => {
    for (let i = 2; i <= 5; i++) {
      const r = await submitSignIn(page, 'lockme', `Wrong#Pass${i}`);
      ok([401, 429].includes(r.status()), `failure ${i} answered ${r.status()}`);
      await until(async () => await signInForm(page).button.isEnabled(), 'the Sign in button enabled again');
    }
    const r = await submitSignIn(page, 'lockme', user('lockme').password);
    eq(r.status(), 429, 'the right password on a locked username');
    await visible(page.getByText(LOCKED), `the message "${LOCKED}"`);
    eq((await api(page, 'GET', '/roster/v1/session')).status, 401, 'GET session after a locked sign-in');
    await flow.shot(page, 'signin-locked');
  });

  await flow.step('admin signs in and sees User management', async () => {
    await signIn(page, facts.admin.username, facts.admin.password);
    await visible(page.getByLabel('Search users'), 'the user list (Search users)');
    await visible(page.getByRole('link', { name: 'User management', exact: true }), 'the User management link');
    await visible(page.getByText(facts.admin.username, { exact: true }), 'the signed-in username in the header');
    await gone(page.getByText(LOCKED), 'the lock message once signed in');
  });

  await flow.step('a reload keeps the session', async () => {
    await page.reload();
    await visible(page.getByLabel('Search users'), 'the user list after a reload');
  });

  await flow.step('Sign out ends the session: the sign-in form, also after a reload', async () => {
    await signOut(page);
    eq((await api(page, 'GET', '/roster/v1/session')).status, 401, 'GET session after Sign out');
    await page.reload();
    await visible(signInForm(page).button, 'the sign-in form after a reload');
    await gone(page.getByLabel('Search users'), 'the user list');
  });
});
