// bulk_edit.mjs — Edit on a selection (one user of it managed by the identity provider), change the
// routing profile, Save: back to the list at once; the banner shows the batch's progress and then
// "1 user failed" with Download the CSV, Try again, Edit and Dismiss; Try again (once the user is
// no longer managed) finishes the job; Dismiss removes it; Cancel stops a batch waiting behind a
// long import.
import fs from 'node:fs';
import { main, Flow, facts, ok, eq, visible, gone, until, signIn, search, expectUsernames, dataRows, banner, batch, download,
  api, inst, sql, user, openList } from './lib.mjs';

new Flow('bulk_edit').run(async (flow) => {
  const page = await flow.page();
  const members = ['bulk1', 'bulk2', 'bulk3', 'bulk4', 'bulk5', 'bulkext'];
  const rowOf = (login) => dataRows(page).filter({ has: page.getByRole('link', { name: login, exact: true }) });

  await flow.step('select the 6 "bulk" users (one managed by the identity provider, with its badge), Edit', async () => {
    await signIn(page, facts.admin.username, facts.admin.password);
    await search(page, 'bulk');
    await expectUsernames(page, members, 'the bulk users');
    await visible(rowOf('bulkext').getByText('Managed by identity provider'), 'the badge of bulkext');
    await page.getByRole('checkbox', { name: 'Select all on this page' }).check();
    await visible(page.getByText('6 selected', { exact: true }), '"6 selected"');
    await main(page).getByRole('button', { name: 'Edit', exact: true }).click();
    await visible(page.getByText('Editing 6 users'), '"Editing 6 users"');
  });

  await flow.step('change the routing profile, Save: back on the list at once', async () => {
    await page.getByLabel('Routing profile', { exact: true }).selectOption({ label: 'Sales Routing' });
    ok(await page.getByLabel('Change routing profile').isChecked(), 'choosing a routing profile ticks its Change box');
    await flow.shot(page, 'bulk-edit');
    await main(page).getByRole('button', { name: 'Save', exact: true }).click();
    await visible(page.getByLabel('Search users'), 'the list after Save');
  });

  const first = batch(page, 'Bulk edit of 6 users');
  await flow.step('the banner shows the batch with its progress, then "1 user failed" and its actions', async () => {
    await visible(first, 'the batch "Bulk edit of 6 users" in the Batches banner');
    await visible(first.getByRole('progressbar'), 'its progress bar');
    await visible(first.getByText('1 user failed'), '"1 user failed"', 60000);
    await visible(first.getByText('6 of 6'), '"6 of 6"');
    for (const b of ['Download the CSV', 'Try again', 'Edit', 'Dismiss', 'Refresh'])
      await visible(first.getByRole('button', { name: b, exact: true }), `the banner's ${b}`);
    eq(await first.getByRole('button', { name: 'Cancel', exact: true }).count(), 0, 'Cancel on a finished batch');
    await flow.shot(page, 'banner-failed-batch');
  });

  await flow.step('the list shows the 5 changed users in Sales Routing, bulkext not', async () => {
    await expectUsernames(page, members, 'the bulk users');
    await until(async () => {
      for (const m of members.slice(0, 5)) if (!(await rowOf(m).textContent()).includes('Sales Routing')) return false;
      return true;
    }, 'the 5 users in Sales Routing');
    ok(!(await rowOf('bulkext').textContent()).includes('Sales Routing'), 'bulkext unchanged');
  });

  await flow.step('Download the CSV: the failed user and why', async () => {
    const dl = await download(page, first.getByRole('button', { name: 'Download the CSV', exact: true }));
    ok(dl.text.includes(user('bulkext').id) || dl.text.includes('bulkext'), `the report names bulkext: ${dl.text.slice(0, 300)}`);
    ok(dl.text.includes('managed by the identity provider'), 'the report says why');
    ok(!dl.text.includes('bulk1'), 'the report leaves out the users that succeeded');
  });

  await flow.step('the banner\'s Edit opens bulk edit for just the failed user', async () => {
    await first.getByRole('button', { name: 'Edit', exact: true }).click();
    await visible(page.getByText('Editing 1 user'), '"Editing 1 user"');
    await openList(page);
  });

  await flow.step('Try again (the user no longer managed by the identity provider): the retry succeeds', async () => {
    sql('UPDATE users SET externally_managed = 0 WHERE username = ?', 'bulkext');
    const before = await banner(page).getByRole('listitem').count();
    await first.getByRole('button', { name: 'Try again', exact: true }).click();
    await until(async () => (await banner(page).getByRole('listitem').count()) === before + 1, 'a new batch in the banner');
    await search(page, 'bulkext');
    await expectUsernames(page, ['bulkext'], 'bulkext');
    await until(async () => (await rowOf('bulkext').textContent()).includes('Sales Routing'), 'bulkext in Sales Routing', 60000);
  });

  await flow.step('Dismiss removes the batch from the banner (also after a reload)', async () => {
    await first.getByRole('button', { name: 'Dismiss', exact: true }).click();
    await gone(first, 'the dismissed batch');
    await page.reload();
    await visible(page.getByLabel('Search users'), 'the list');
    await until(async () => (await banner(page).getByRole('listitem').count()) >= 1, 'the banner drawn');
    eq(await first.count(), 0, 'the dismissed batch after a reload');
  });

  await flow.step('Cancel on a batch waiting behind a long import', async () => {
    const csv = fs.readFileSync(facts.files.blocker);
    const imp = await api(page, 'POST', inst('/imports?Mode=CREATE&FileName=blocker.csv'), csv);
    ok(imp.status === 202 || imp.status === 200, `the import answered ${imp.status}`);
    await search(page, 'cancel');
    await expectUsernames(page, ['cancel1', 'cancel2', 'cancel3'], 'the cancel users');
    await page.getByRole('checkbox', { name: 'Select all on this page' }).check();
    await main(page).getByRole('button', { name: 'Edit', exact: true }).click();
    await page.getByLabel('After contact work (ACW) timeout', { exact: true }).fill('99');
    await main(page).getByRole('button', { name: 'Save', exact: true }).click();
    const waiting = batch(page, 'Bulk edit of 3 users');
    await visible(waiting.getByRole('button', { name: 'Cancel', exact: true }), 'Cancel on the waiting batch');
    await waiting.getByRole('button', { name: 'Cancel', exact: true }).click();
    await visible(waiting.getByText('Canceled', { exact: true }), 'the batch Canceled', 60000);
    const importItem = batch(page, 'blocker.csv');
    const cancel = importItem.getByRole('button', { name: 'Cancel', exact: true });
    if (await cancel.count()) await cancel.click();
    const u = (await api(page, 'GET', inst(`/console/users/${user('cancel1').id}`))).json.User;
    eq(u.PhoneConfig.AfterContactWorkTimeLimit, 0, 'the canceled batch changed nothing');
    await until(async () => !(await importItem.getByRole('button', { name: 'Cancel', exact: true }).count()), 'the import to end', 120000);
  });
});
