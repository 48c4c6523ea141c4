// w1_shell.mjs — the console's shell (W1): a session ended elsewhere sends the next action to
// sign-in with "Your session ended; sign in again"; the focus moves to each screen's heading and
// into a dialog (Esc closes it and gives the focus back); names holding markup are shown as text;
// the list's actions need a selection. Runs on the common seed (run_ui.py).
import { Flow, facts, ok, eq, visible, gone, until, signIn, signInForm, api, inst, search, expectUsernames } from './lib.mjs';

const ENDED = 'Your session ended; sign in again';
const HOSTILE = '<img src=x onerror=window.__pwned=1>';

new Flow('w1_shell').run(async (flow) => {
  const page = await flow.page();

  await flow.step('after sign-in the focus is on the heading "User management"', async () => {
    await signIn(page, facts.admin.username, facts.admin.password);
    await visible(page.getByLabel('Search users'), 'the list');
    await until(() => page.evaluate(() => document.activeElement?.tagName === 'H1' &&
      document.activeElement.textContent === 'User management'), 'the focus on the heading');
    ok(await page.getByRole('button', { name: 'Edit', exact: true }).isDisabled(), 'Edit with nothing selected');
    ok(await page.getByRole('button', { name: 'Delete', exact: true }).isDisabled(), 'Delete with nothing selected');
  });

  await flow.step('a first name holding markup is shown as text, never run', async () => {
    const r = await api(page, 'POST', inst('/console/users'), {
      Username: 'markup1', Password: 'Markup#Pass1', PasswordTemporary: false,
      IdentityInfo: { FirstName: HOSTILE, LastName: '<b>bold</b>', Email: 'markup1@example.com' },
      PhoneConfig: { PhoneType: 'SOFT_PHONE' },
      SecurityProfileIds: [facts.security.Agent], RoutingProfileId: facts.routing['Basic Routing Profile'],
    });
    eq(r.status, 200, `creating markup1: ${JSON.stringify(r.json)}`);
    await search(page, 'markup1');
    await expectUsernames(page, ['markup1'], 'the list showing markup1');
    await visible(page.getByRole('cell', { name: HOSTILE, exact: true }), 'the first name as text');
    eq(await page.locator('table img, table b').count(), 0, 'elements made from the names');
    eq(await page.evaluate(() => window.__pwned === undefined), true, 'no script ran');
  });

  await flow.step('Delete opens a dialog with the focus inside; Esc closes it and the focus comes back', async () => {
    await page.getByRole('checkbox', { name: 'Select markup1', exact: true }).check();
    const del = page.getByRole('button', { name: 'Delete', exact: true });
    await del.click();
    const dialog = page.getByRole('dialog');
    await visible(dialog, 'the delete dialog');
    await until(() => dialog.evaluate((d) => d.contains(document.activeElement)), 'the focus in the dialog');
    await page.keyboard.press('Escape');
    await gone(dialog, 'the dialog after Esc');
    await until(() => del.evaluate((b) => b === document.activeElement), 'the focus back on Delete');
    eq((await api(page, 'GET', inst(`/console/users?Search=markup1`))).json?.Total, 1, 'markup1 still there');
  });

  await flow.step(`a session ended elsewhere: the next action shows sign-in with "${ENDED}"`, async () => {
    const r = await api(page, 'DELETE', '/roster/v1/session');
    eq(r.status, 200, 'DELETE the session from outside the page');
    await page.getByLabel('Search users').fill('admin');
    await visible(signInForm(page).button, 'the sign-in form');
    await visible(page.getByText(ENDED, { exact: true }), `the words "${ENDED}"`);
    await flow.shot(page, 'w1-session-ended');
  });

  await flow.step('signing in again brings back the list as it was (the search "admin")', async () => {
    await signIn(page, facts.admin.username, facts.admin.password);
    await visible(page.getByLabel('Search users'), 'the list');
    eq(await page.getByLabel('Search users').inputValue(), 'admin', 'the search box');
    await expectUsernames(page, ['admin'], 'the list searching "admin"');
    await gone(page.getByText(ENDED, { exact: true }), 'the session-ended words');
  });
});
