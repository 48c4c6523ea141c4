// page_through.mjs — bulk edit of 3 selected users: Next user / Previous user page through them
// to change each one's contact details; what was typed is kept when coming back; Save submits
// the changes as one batch.
import { main, Flow, facts, ok, eq, visible, until, signIn, search, expectUsernames, banner, rowTexts } from './lib.mjs';

new Flow('page_through').run(async (flow) => {
  const page = await flow.page();
  const first = () => page.getByLabel('First name', { exact: true });
  const last = () => page.getByLabel('Last name', { exact: true });
  const at = (n, login) => visible(page.getByText(`User ${n} of 3: ${login}`), `"User ${n} of 3: ${login}"`);

  await flow.step('select pt1, pt2, pt3 one by one, Edit', async () => {
    await signIn(page, facts.admin.username, facts.admin.password);
    await search(page, 'pt');
    await expectUsernames(page, ['pt1', 'pt2', 'pt3'], 'the pt users');
    for (const u of ['pt1', 'pt2', 'pt3']) await page.getByRole('checkbox', { name: `Select ${u}`, exact: true }).check();
    await visible(page.getByText('3 selected', { exact: true }), '"3 selected"');
    await main(page).getByRole('button', { name: 'Edit', exact: true }).click();
    await visible(page.getByText('Editing 3 users'), '"Editing 3 users"');
  });

  await flow.step('Next user / Previous user step through the users; edits are kept', async () => {
    await at(1, 'pt1');
    await until(async () => (await first().inputValue()) === 'Paula', 'pt1\'s first name in the form');
    ok(await page.getByRole('button', { name: 'Previous user', exact: true }).isDisabled(), 'Previous user disabled on the first');
    await first().fill('Paulina');
    await page.getByRole('button', { name: 'Next user', exact: true }).click();
    await at(2, 'pt2');
    await until(async () => (await first().inputValue()) === 'Peter', 'pt2\'s first name in the form');
    await last().fill('Thru');
    await page.getByLabel('Mobile', { exact: true }).fill('+15550100999');
    await page.getByRole('button', { name: 'Next user', exact: true }).click();
    await at(3, 'pt3');
    await until(async () => (await first().inputValue()) === 'Pia', 'pt3\'s first name in the form');
    ok(await page.getByRole('button', { name: 'Next user', exact: true }).isDisabled(), 'Next user disabled on the last');
    await page.getByRole('button', { name: 'Previous user', exact: true }).click();
    await at(2, 'pt2');
    await until(async () => (await last().inputValue()) === 'Thru', 'pt2\'s new last name kept');
    await page.getByRole('button', { name: 'Previous user', exact: true }).click();
    await at(1, 'pt1');
    await until(async () => (await first().inputValue()) === 'Paulina', 'pt1\'s new first name kept');
    await flow.shot(page, 'bulk-edit-page-through');
  });

  await flow.step('Save submits one batch; when it finishes the list shows the new details', async () => {
    const before = await banner(page).getByRole('listitem').count();
    await main(page).getByRole('button', { name: 'Save', exact: true }).click();
    await visible(page.getByLabel('Search users'), 'the list after Save');
    await until(async () => (await banner(page).getByRole('listitem').count()) === before + 1, 'one new batch in the banner');
    const item = banner(page).getByRole('listitem').first();
    await visible(item.getByText(/Finished/), 'the batch finished', 60000);
    eq(await item.getByText(/failed/).count(), 0, 'failures in the batch');
    await search(page, 'pt');
    await until(async () => {
      const t = await rowTexts(page);
      return t.length === 3 && t[0].includes('Paulina') && t[1].includes('Thru') && t[2].includes('Pia') && t[2].includes('Through');
    }, 'the new names in the list');
    eq(await banner(page).getByRole('listitem').count(), before + 1, 'batches: one for the whole edit');
  });
});
