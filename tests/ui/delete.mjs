// delete.mjs — Delete from a user's page with Keep their account (the user is disabled: the badge,
// they cannot sign in; Enable undoes it), Delete without it (the user is gone), and Delete of a
// selection from the list (a batch in the banner).
import { main, Flow, facts, ok, eq, visible, gone, until, signIn, submitSignIn, search, expectUsernames, openUser, openList,
  batch, dataRows, api, inst, user } from './lib.mjs';

new Flow('delete').run(async (flow) => {
  const page = await flow.page();
  const dialog = page.getByRole('dialog');

  await flow.step('Delete on delkeep\'s page opens a confirmation that says 1 user and that it cannot be undone', async () => {
    await signIn(page, facts.admin.username, facts.admin.password);
    await openUser(page, 'delkeep');
    await main(page).getByRole('button', { name: 'Delete', exact: true }).click();
    await visible(dialog, 'the delete dialog');
    await visible(dialog.getByText(/\b1 user\b/), 'the count in the dialog');
    await visible(dialog.getByText(/cannot be undone/), '"cannot be undone"');
    ok(!(await dialog.getByLabel('Keep their account').isChecked()), 'Keep their account off by default');
    await flow.shot(page, 'delete-dialog');
  });

  await flow.step('Keep their account: the user is kept, disabled (the badge), and cannot sign in', async () => {
    await dialog.getByLabel('Keep their account').check();
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
    await gone(dialog, 'the dialog');
    await until(async () => (await api(page, 'GET', inst(`/console/users/${user('delkeep').id}`))).json?.User?.Disabled === true,
      'delkeep disabled');
    await openList(page);
    await search(page, 'delkeep');
    await expectUsernames(page, ['delkeep'], 'delkeep still listed');
    await visible(dataRows(page).getByText('Disabled', { exact: true }), 'the Disabled badge in the list');
    const other = await flow.page({ label: 'delkeep' });
    const r = await submitSignIn(other, 'delkeep', user('delkeep').password);
    eq(r.status(), 401, 'a disabled user signing in');
    await visible(other.getByText('The instance, username or password is not right'), 'the wrong-details message');
  });

  await flow.step('Enable on their page undoes it', async () => {
    await page.getByRole('link', { name: 'delkeep', exact: true }).click();
    await visible(page.getByText('Disabled', { exact: true }), 'the Disabled badge on the page');
    await flow.shot(page, 'user-page-disabled');
    await main(page).getByRole('button', { name: 'Enable', exact: true }).click();
    await visible(main(page).getByRole('button', { name: 'Disable', exact: true }), 'Disable instead of Enable');
    await gone(page.getByText('Disabled', { exact: true }), 'the Disabled badge');
    eq((await api(page, 'GET', inst(`/console/users/${user('delkeep').id}`))).json.User.Disabled, false, 'delkeep enabled');
  });

  await flow.step('Delete without Keep their account: the user is gone', async () => {
    await openUser(page, 'delgone');
    await main(page).getByRole('button', { name: 'Delete', exact: true }).click();
    await visible(dialog, 'the delete dialog');
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
    await gone(dialog, 'the dialog');
    await until(async () => (await api(page, 'GET', inst(`/console/users/${user('delgone').id}`))).status === 404, 'delgone gone (404)');
    await openList(page);
    await search(page, 'delgone', 0);
  });

  await flow.step('Delete of a selection of 2 from the list: the dialog says 2 users; a batch deletes them', async () => {
    await search(page, 'delsel');
    await expectUsernames(page, ['delsel1', 'delsel2'], 'the delsel users');
    await page.getByRole('checkbox', { name: 'Select all on this page' }).check();
    await main(page).getByRole('button', { name: 'Delete', exact: true }).click();
    await visible(dialog.getByText(/\b2 users\b/), 'the count in the dialog');
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
    await gone(dialog, 'the dialog');
    await visible(batch(page, /2 users/), 'the delete batch in the banner');
    await until(async () => (await api(page, 'GET', inst('/console/users?Search=delsel'))).json?.Total === 0, 'the 2 users deleted', 60000);
    await search(page, 'delkeep');
    await expectUsernames(page, ['delkeep'], 'delkeep still there');
    await search(page, 'delsel', 0);
  });
});
