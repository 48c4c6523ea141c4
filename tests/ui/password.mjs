// password.mjs — an admin's `Reset password` sets a `Temporary password`; its user signs in with it
// and must choose `New password` / `Confirm new password` / `Change password` before seeing anything
// else; then signs in again with the new one and is not asked again.
import { Flow, facts, base, eq, visible, absent, gone, until, signIn, signOut, submitSignIn, api, inst, user,
  openUser } from './lib.mjs';

const TEMP = 'Temp#Reset123';
const NEW = 'Chosen#Pass456';

new Flow('password').run(async (flow) => {
  const admin = await flow.page({ label: 'admin' });
  const id = user('resetme').id;

  await flow.step('admin opens resetme\'s page and resets the password (a Temporary password)', async () => {
    await signIn(admin, facts.admin.username, facts.admin.password);
    await openUser(admin, 'resetme');
    await admin.getByRole('button', { name: 'Reset password', exact: true }).click();
    const dialog = admin.getByRole('dialog');
    await visible(dialog, 'the Reset password dialog');
    await dialog.getByLabel('Temporary password').fill(TEMP);
    await flow.shot(admin, 'reset-password-dialog');
    await dialog.getByRole('button', { name: /^(Reset password|Save|Set password|Reset)$/ }).click();
    await gone(dialog, 'the dialog');
    await until(async () => (await api(admin, 'GET', inst(`/console/users/${id}`))).json?.User?.PasswordTemporary === true,
      'the user\'s password to be temporary');
  });

  const page = await flow.page({ label: 'resetme' });
  await flow.step('resetme signs in with the temporary password and is made to choose a new one first', async () => {
    await signIn(page, 'resetme', TEMP);
    await visible(page.getByLabel('New password', { exact: true }), 'New password');
    await visible(page.getByLabel('Confirm new password', { exact: true }), 'Confirm new password');
    await visible(page.getByRole('button', { name: 'Change password', exact: true }), 'the Change password button');
    await absent(page.getByRole('link', { name: 'User management', exact: true }), 'the User management link before the change');
    await flow.shot(page, 'forced-password-change');
    // Nothing else answers until the password is changed, whatever the route.
    await page.goto(base + `/#/users/${id}`);
    await visible(page.getByLabel('New password', { exact: true }), 'New password (after going to the user page)');
    await absent(page.getByRole('button', { name: 'Sign in' }), 'the sign-in form');
    eq((await api(page, 'GET', inst(`/console/users/${id}`))).status, 403, 'the user page API before the change');
  });

  await flow.step('a new password that does not match its confirmation is caught; the server\'s policy message is shown', async () => {
    const cur = page.getByLabel('Current password', { exact: true });
    if (await cur.count()) await cur.fill(TEMP);
    await page.getByLabel('New password', { exact: true }).fill(NEW);
    await page.getByLabel('Confirm new password', { exact: true }).fill(NEW + 'x');
    await page.getByRole('button', { name: 'Change password', exact: true }).click();
    await visible(page.getByText(/match/i), 'a message that the passwords do not match');
    await page.getByLabel('New password', { exact: true }).fill('short');
    await page.getByLabel('Confirm new password', { exact: true }).fill('short');
    await page.getByRole('button', { name: 'Change password', exact: true }).click();
    await visible(page.getByText(/Password does not meet the policy/), 'the policy message');
    eq((await api(page, 'GET', '/roster/v1/session')).json?.Session?.PasswordChangeRequired, true, 'still to change');
  });

  await flow.step('Change password with a good one lands on the console', async () => {
    const cur = page.getByLabel('Current password', { exact: true });
    if (await cur.count()) await cur.fill(TEMP);
    await page.getByLabel('New password', { exact: true }).fill(NEW);
    await page.getByLabel('Confirm new password', { exact: true }).fill(NEW);
    await page.getByRole('button', { name: 'Change password', exact: true }).click();
    await gone(page.getByLabel('Confirm new password', { exact: true }), 'the password form');
    // An Agent lands on their own page.
    await until(() => page.url().includes(`#/users/${id}`), 'the user\'s own page');
    await visible(page.getByText('resetme', { exact: true }), 'the username on the page');
    eq((await api(page, 'GET', '/roster/v1/session')).json?.Session?.PasswordChangeRequired, false, 'changed');
  });

  await flow.step('signing in again with the new password asks for nothing; the temporary one no longer works', async () => {
    await signOut(page);
    const r = await submitSignIn(page, 'resetme', TEMP);
    eq(r.status(), 401, 'the temporary password after the change');
    await signIn(page, 'resetme', NEW);
    await until(() => page.url().includes(`#/users/${id}`), 'the user\'s own page');
    await absent(page.getByLabel('Confirm new password', { exact: true }), 'the forced change');
    eq((await api(admin, 'GET', inst(`/console/users/${id}`))).json?.User?.PasswordTemporary, false, 'PasswordTemporary');
  });
});
