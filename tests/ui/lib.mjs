// lib.mjs — what the browser flows share: Debian's Chromium through playwright-core, the facts the
// driver (run_ui.py) seeded, steps that report and screenshot on failure, waiting assertions (no
// sleeps: every wait is for a condition, bounded), the console/page errors collected from every
// page, screenshots at 1280 and 390 px, and the console's common moves (sign in, find the banner).
// Controls are found only by their labels and roles (the words), never by class or id.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { chromium } from 'playwright-core';

export const facts = JSON.parse(fs.readFileSync(process.env.ROSTER_UI_FACTS, 'utf8'));
export const WIDTHS = [1280, 390];
const CHROMIUM = process.env.ROSTER_UI_CHROMIUM || '/usr/bin/chromium';
const FLAGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--no-first-run', '--disable-quic', '--disable-gpu'];
export const WAIT = 15000; // ms for one condition (the sanitizer build is slow)

export class Failure extends Error {}

export function ok(cond, what) {
  if (!cond) throw new Failure(what);
}

export function eq(actual, expected, what) {
  const a = JSON.stringify(actual), e = JSON.stringify(expected);
  if (a !== e) throw new Failure(`${what}: expected ${e}, got ${a}`);
}

/** Waits until fn() returns a truthy value (polled); returns it. Throws naming `what` after timeout. */
export async function until(fn, what, timeout = WAIT) {
  const end = Date.now() + timeout;
  let last, err;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      err = e;
    }
    if (Date.now() > end) throw new Failure(`timed out waiting for ${what}` + (err ? ` (last error: ${err.message})` : ''));
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits for the (first) element of locator to be visible. */
export async function visible(locator, what, timeout = WAIT) {
  try {
    await locator.first().waitFor({ state: 'visible', timeout });
  } catch (e) {
    throw new Failure(`not shown: ${what} (${e.message.split('\n')[0]})`);
  }
  return locator.first();
}

/** Asserts no element of locator is visible (call once the screen has settled). */
export async function absent(locator, what) {
  const n = await locator.count();
  for (let i = 0; i < n; i++) {
    if (await locator.nth(i).isVisible()) throw new Failure(`shown but must not be: ${what}`);
  }
}

/** Waits until no element of locator is visible. */
export async function gone(locator, what, timeout = WAIT) {
  await until(async () => {
    const n = await locator.count();
    for (let i = 0; i < n; i++) if (await locator.nth(i).isVisible()) return false;
    return true;
  }, `${what} to go away`, timeout);
}

/** The accessible-name-ish text of the focused element (label, aria-label, aria-labelledby, text). */
export async function focusedName(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return '';
    const byIds = (ids) => ids.split(/\s+/).map((i) => document.getElementById(i)?.textContent || '').join(' ');
    const name = el.getAttribute('aria-label') || (el.getAttribute('aria-labelledby') && byIds(el.getAttribute('aria-labelledby'))) ||
      (el.labels && el.labels.length ? el.labels[0].textContent : '') || el.textContent || el.value || '';
    return name.replace(/\s+/g, ' ').trim();
  });
}

/** Presses Tab (Shift+Tab with back) until the focused element's name matches re; bounded. */
export async function tabTo(page, re, what, { max = 80, back = false } = {}) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const name = await focusedName(page);
    if (re.test(name)) return name;
  }
  throw new Failure(`Tab never reached ${what} (${re})`);
}

/** A flow: a browser, its pages, steps and the errors seen. */
export class Flow {
  constructor(name) {
    this.name = name;
    this.pages = [];
    this.errors = [];
    this.passed = 0;
    this.failed = 0;
    this.shots = [];
  }

  async start() {
    // launch() starts Chromium on a new, empty user-data-dir of its own (removed at close); each
    // page() is a new context (its own cookies); the flags keep Chromium off the network.
    this.browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS, timeout: 120000 });
    return this;
  }

  /** A page in a new context (its own cookies: one signed-in person), with its errors collected. */
  async page({ width = 1280, height = 900, label = 'page' } = {}) {
    const context = await this.browser.newContext({ viewport: { width, height }, acceptDownloads: true });
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT);
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      const t = m.text();
      // An answer of 4xx from the API is something the console handles (sign-in refused, not signed
      // in); Chromium still logs it. Those are checked by the flows; anything else is an error.
      if (/^Failed to load resource: the server responded with a status of 4\d\d/.test(t) &&
          /\/roster\/v1\//.test(m.location()?.url || '')) return;
      this.errors.push(`[${label}] console error: ${t} (${m.location()?.url || ''})`);
    });
    page.on('pageerror', (e) => this.errors.push(`[${label}] page error: ${e.message}`));
    page.on('response', (r) => {
      const u = r.url();
      if (r.status() >= 500 || (r.status() >= 400 && !u.includes('/roster/v1/') && !u.endsWith('/favicon.ico')))
        this.errors.push(`[${label}] ${r.request().method()} ${u} answered ${r.status()}`);
    });
    this.pages.push(page);
    return page;
  }

  /** Runs one step; a failure is reported (with a screenshot of every page) and ends the flow. */
  async step(name, fn) {
    const t0 = Date.now();
    try {
      await fn();
      this.passed++;
      console.log(`ok   ${this.name}: ${name} (${Date.now() - t0} ms)`);
    } catch (e) {
      this.failed++;
      console.log(`FAIL ${this.name}: ${name}: ${e instanceof Failure ? e.message : e.stack}`);
      for (const [i, p] of this.pages.entries()) {
        const file = path.join(facts.artifacts, `FAIL-${this.name}-${i}.png`);
        try {
          await p.screenshot({ path: file, fullPage: true, timeout: 5000 });
          console.log(`     screenshot of page ${i} (${p.url()}): ${file}`);
        } catch { /* a closed page */ }
      }
      throw e;
    }
  }

  /** Screenshots of the page at 1280 and 390 px wide (full page), then back to its width. */
  async shot(page, name) {
    const vp = page.viewportSize();
    for (const w of WIDTHS) {
      await page.setViewportSize({ width: w, height: 900 });
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      const file = path.join(facts.artifacts, `${name}-${w}.png`);
      await page.screenshot({ path: file, fullPage: true });
      this.shots.push(file);
    }
    await page.setViewportSize(vp);
  }

  /** Every page's console stayed clean (no error, no CSP violation, no uncaught exception). */
  noErrors() {
    ok(this.errors.length === 0, `errors in the pages' consoles:\n  ${this.errors.join('\n  ')}`);
  }

  async run(steps) {
    let code = 0;
    try {
      await this.start();
      await steps(this);
      await this.step('no console error or CSP violation in any page', async () => this.noErrors());
    } catch (e) {
      code = 1;
      if (!(e instanceof Failure) && this.failed === 0) console.log(`FAIL ${this.name}: ${e.stack}`);
    } finally {
      if (this.browser) await this.browser.close().catch(() => {});
    }
    if (this.shots.length) console.log(`screenshots (${this.shots.length}) in ${facts.artifacts}`);
    console.log(`${this.passed} passed, ${this.failed} failed`);
    process.exit(code || (this.failed ? 1 : 0));
  }
}

// ---- the console's common moves --------------------------------------------------------------

export const base = facts.base;
export const inst = (p) => `/roster/v1/instances/${facts.instanceId}${p}`;

export function user(name) {
  const u = facts.users[name];
  ok(u, `no seeded user ${name}`);
  return u;
}

/** The screen's own content (not the header or the Batches banner, which has an Edit of its own). */
export const main = (page) => page.getByRole('main');

/** The sign-in form's controls. */
export function signInForm(page) {
  return {
    instance: page.getByLabel('Instance', { exact: true }),
    username: page.getByLabel('Username', { exact: true }),
    password: page.getByLabel('Password', { exact: true }),
    button: page.getByRole('button', { name: 'Sign in', exact: true }),
  };
}

/** Opens the console (when not on it) and submits the sign-in form; returns the server's answer
 * to the sign-in POST (the screen may still be changing). */
export async function submitSignIn(page, username, password) {
  if (!page.url().startsWith(base)) await page.goto(base + '/');
  const f = signInForm(page);
  await visible(f.button, 'the Sign in button');
  if ((await f.instance.inputValue()) === '') await f.instance.fill(facts.alias);
  await f.username.fill(username);
  await f.password.fill(password);
  const [answer] = await Promise.all([
    page.waitForResponse((r) => r.url() === base + '/roster/v1/session' && r.request().method() === 'POST'),
    f.button.click(),
  ]);
  return answer;
}

/** Signs in and waits until the sign-in form is gone (whatever screen comes next). */
export async function signIn(page, username, password) {
  await submitSignIn(page, username, password);
  await gone(signInForm(page).button, `the sign-in form (signing in as ${username})`);
}

export async function signOut(page) {
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await visible(signInForm(page).button, 'the sign-in form after Sign out');
}

/** A roster API call with the page's session cookie (and its CSRF token for changes). */
export async function api(page, method, p, body) {
  const req = page.context().request;
  const headers = {};
  if (method !== 'GET' && method !== 'HEAD') {
    const s = await req.get(base + '/roster/v1/session');
    ok(s.ok(), `GET /roster/v1/session answered ${s.status()}`);
    headers['X-CSRF-Token'] = (await s.json()).Session.CsrfToken;
  }
  const opts = { method, headers, failOnStatusCode: false };
  if (body !== undefined) {
    if (typeof body === 'string' || Buffer.isBuffer(body)) {
      opts.data = body;
      headers['Content-Type'] = 'text/csv';
    } else {
      opts.data = JSON.stringify(body);
      headers['Content-Type'] = 'application/json';
    }
  }
  const r = await req.fetch(base + p, opts);
  let json = null;
  try { json = await r.json(); } catch { /* not JSON */ }
  return { status: r.status(), json, headers: r.headers() };
}

/** Waits for a job to finish (API, the page's session); returns it. */
export async function finished(page, jobId, timeout = 60000) {
  return until(async () => {
    const r = await api(page, 'GET', inst(`/jobs/${jobId}`));
    const j = r.json?.Job;
    return j && ['COMPLETED', 'CANCELED', 'FAILED'].includes(j.State) ? j : null;
  }, `job ${jobId} to finish`, timeout);
}

/** The list screen: navigates with the `User management` link and waits for the search box. */
export async function openList(page) {
  await page.getByRole('link', { name: 'User management', exact: true }).click();
  await visible(page.getByLabel('Search users'), 'the Search users box');
}

/** The data rows of the user table: the rows with a cell holding a link (the username). */
export function dataRows(page) {
  return page.getByRole('table').getByRole('row').filter({ has: page.getByRole('cell').getByRole('link') });
}

/** The usernames shown in the table, in order (each row's link), read in one go (the table may be
 * redrawn at any time). */
export async function shownUsernames(page) {
  return (await dataRows(page).getByRole('link').allTextContents()).map((t) => t.trim());
}

/** The text of every data row, read in one go. */
export async function rowTexts(page) {
  return dataRows(page).allTextContents();
}

/** Types into the search box and waits until the table shows `expect` rows (when given). */
export async function search(page, text, expect) {
  await page.getByLabel('Search users').fill(text);
  if (expect !== undefined)
    await until(async () => (await shownUsernames(page)).length === expect, `the list to show ${expect} rows for "${text}"`);
}

/** Waits until the table shows exactly these usernames (in this order). */
export async function expectUsernames(page, names, what) {
  let last = [];
  try {
    await until(async () => {
      last = await shownUsernames(page);
      return JSON.stringify(last) === JSON.stringify(names);
    }, what);
  } catch {
    throw new Failure(`${what}: expected ${JSON.stringify(names)}, shown ${JSON.stringify(last)}`);
  }
}

/** Opens a user's page from the list: search for the login, click its link. */
export async function openUser(page, login) {
  await openList(page);
  await page.getByLabel('Search users').fill(login);
  await expectUsernames(page, [login], `the list to show only ${login}`);
  await page.getByRole('link', { name: login, exact: true }).click();
  await until(() => page.url().includes(`#/users/${user(login).id}`), `the page of ${login}`);
}

/** Adds a filter of the list: `Add filter`, then its kind (Routing profile, Security profile, Agent
 * hierarchy) and value, then the form's apply button. */
export async function addFilter(page, kind, value) {
  await page.getByRole('button', { name: 'Add filter', exact: true }).click();
  await page.getByLabel('Filter by').selectOption({ label: kind });
  await page.getByLabel(kind, { exact: true }).selectOption({ label: value });
  await page.getByRole('button', { name: /^Apply/ }).click();
}

/** The banner, and one batch in it (an element of the banner holding `text`). */
export function banner(page) {
  return page.getByRole('region', { name: 'Batches' });
}

export function batch(page, text) {
  return banner(page).getByRole('listitem').filter({ hasText: text });
}

/** The text of the elements the input's aria-describedby names (its hint and error), or else of its
 * nearest container. */
export async function fieldMessage(locator) {
  return locator.evaluate((el) => {
    const ids = (el.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
    if (ids.length) return ids.map((i) => document.getElementById(i)?.textContent || '').join(' ').trim();
    let c = el.parentElement;
    for (let i = 0; i < 3 && c; i++, c = c.parentElement) {
      const label = el.labels && el.labels[0] ? el.labels[0].textContent : '';
      const t = c.textContent.replace(label, '').trim();
      if (t) return t;
    }
    return '';
  });
}

/** Clicks and returns the download it starts (its suggested name and text). */
export async function download(page, locator) {
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: WAIT }), locator.click()]);
  const file = await dl.path();
  return { name: dl.suggestedFilename(), text: fs.readFileSync(file, 'utf8') };
}

/** Runs one SQL statement on the store (the tests' way to set a flag no API sets), with python3's sqlite3. */
export function sql(statement, ...params) {
  execFileSync('python3', ['-c', `import sqlite3, sys, json
con = sqlite3.connect(sys.argv[1], timeout=30)
con.execute(sys.argv[2], json.loads(sys.argv[3]))
con.commit()`, facts.db, statement, JSON.stringify(params)], { stdio: 'inherit', timeout: 60000 });
}
