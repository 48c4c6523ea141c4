// user_page.mjs — a user's page: their details, Edit in place and Save, and History (who changed
// what, when, before and after).
import { main, Flow, facts, ok, eq, visible, gone, signIn, openUser, api, inst, user } from './lib.mjs';

new Flow('user_page').run(async (flow) => {
  const page = await flow.page();

  await flow.step('histuser\'s page shows their details', async () => {
    await signIn(page, facts.admin.username, facts.admin.password);
    await openUser(page, 'histuser');
    await visible(page.getByText('Historic', { exact: true }), 'the first name');
    await visible(page.getByText('histuser@example.com', { exact: true }), 'the email address');
    for (const b of ['Edit', 'Reset password', 'Disable', 'Delete', 'History'])
      await visible(main(page).getByRole('button', { name: b, exact: true }), `the ${b} button`);
    await flow.shot(page, 'user-page');
  });

  await flow.step('Edit the last name, Save: the page shows the new one', async () => {
    await main(page).getByRole('button', { name: 'Edit', exact: true }).click();
    const last = page.getByLabel('Last name', { exact: true });
    await visible(last, 'the Last name field');
    eq(await last.inputValue(), 'Before', 'the Last name field holds the current value');
    await last.fill('After');
    await flow.shot(page, 'user-page-edit');
    await main(page).getByRole('button', { name: 'Save', exact: true }).click();
    await gone(page.getByLabel('Last name', { exact: true }), 'the edit form');
    await visible(page.getByText('After', { exact: true }), 'the new last name');
    eq((await api(page, 'GET', inst(`/console/users/${user('histuser').id}`))).json.User.IdentityInfo.LastName, 'After', 'stored');
  });

  await flow.step('History lists the changes, newest first, with who, before and after', async () => {
    await main(page).getByRole('button', { name: 'History', exact: true }).click();
    const hist = page.getByRole('region', { name: 'History' });
    await visible(hist.getByText('Before').first(), '"Before" in the history');
    await visible(hist.getByText('After').first(), '"After" in the history');
    await visible(hist.getByText('Historic').first(), 'the earlier change to "Historic"');
    await visible(hist.getByText('admin').first(), 'who made the change');
    const text = await hist.textContent();
    ok(text.indexOf('After') < text.indexOf('Historic'), 'newest first');
    ok(!/Seeded#Pass1/.test(text), 'no password in the history');
    await flow.shot(page, 'history');
  });
});
