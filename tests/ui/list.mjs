// list.mjs — User management on ~120 seeded users: the count, Rows per page, Next page / Previous
// page, the search box (case ignored), Add filter (routing profile; a hierarchy group with its
// children; a security profile), sorting by a column header both ways, the state kept over a
// reload, Select all on this page then Select all N users that match.
import { Flow, facts, ok, eq, visible, until, signIn, dataRows, shownUsernames, rowTexts, expectUsernames, search, addFilter } from './lib.mjs';

new Flow('list').run(async (flow) => {
  const page = await flow.page();
  const all = ['admin', ...Object.keys(facts.users)].sort();
  const seeded = Object.entries(facts.users).map(([login, u]) => ({ login, ...u }));
  const rp = (login) => {
    const m = /^list(\d+)$/.exec(login);
    return m && (Number(m[1]) - 1000) % 4 === 0 ? 'Sales Routing' : 'Basic Routing Profile';
  };
  const total = facts.total;
  const checks = () => dataRows(page).getByRole('checkbox').evaluateAll((bs) => bs.map((b) => b.checked));
  const count = (n) => page.getByText(`${n.toLocaleString('en-US')} ${n === 1 ? 'user' : 'users'}`, { exact: true });

  await flow.step(`admin sees the first 25 of ${total} users, by username`, async () => {
    await signIn(page, facts.admin.username, facts.admin.password);
    await visible(page.getByLabel('Search users'), 'Search users');
    for (const c of ['Username', 'First name', 'Last name', 'Role', 'Routing profile', 'Security profiles', 'Agent hierarchy', 'Phone type'])
      await visible(page.getByRole('columnheader', { name: c, exact: true }), `the column ${c}`);
    await visible(count(total), `the count "${total} users"`);
    await expectUsernames(page, all.slice(0, 25), 'the first page');
    eq(await page.getByLabel('Rows per page').inputValue(), '25', 'Rows per page');
    await flow.shot(page, 'list');
  });

  await flow.step('Rows per page 50, Next page, Previous page', async () => {
    await page.getByLabel('Rows per page').selectOption('50');
    await expectUsernames(page, all.slice(0, 50), 'the first page of 50');
    await page.getByRole('button', { name: 'Next page', exact: true }).click();
    await expectUsernames(page, all.slice(50, 100), 'the second page of 50');
    await page.getByRole('button', { name: 'Next page', exact: true }).click();
    await expectUsernames(page, all.slice(100), 'the last page');
    ok(await page.getByRole('button', { name: 'Next page', exact: true }).isDisabled(), 'Next page disabled on the last page');
    await page.getByRole('button', { name: 'Previous page', exact: true }).click();
    await expectUsernames(page, all.slice(50, 100), 'back on the second page');
    await page.getByLabel('Rows per page').selectOption('100');
    await expectUsernames(page, all.slice(0, 100), 'the first page of 100');
    await page.getByLabel('Rows per page').selectOption('25');
    await expectUsernames(page, all.slice(0, 25), 'the first page of 25 again');
  });

  const smiths = seeded.filter((u) => /smith/i.test(u.last) || /smith/i.test(u.first) || /smith/i.test(u.login))
    .map((u) => u.login).sort();
  await flow.step(`the search box finds the ${smiths.length} users with "smith" in their names, ignoring case`, async () => {
    ok(smiths.length === 12, `12 seeded smiths, not ${smiths.length}`);
    await search(page, 'smith');
    await expectUsernames(page, smiths, 'the users matching "smith"');
    await visible(count(smiths.length), `the count "${smiths.length} users"`);
    await search(page, 'SMITH');
    await expectUsernames(page, smiths, 'the users matching "SMITH"');
    await flow.shot(page, 'list-search');
    await search(page, 'list1007');
    await expectUsernames(page, ['list1007'], 'the users matching "list1007"');
    await search(page, 'no-such-user-anywhere');
    await visible(count(0), 'the count "0 users"');
    eq((await shownUsernames(page)).length, 0, 'rows for a search that matches nothing');
    await search(page, '');
    await expectUsernames(page, all.slice(0, 25), 'the first page after clearing the search');
  });

  const sales = seeded.filter((u) => rp(u.login) === 'Sales Routing');
  await flow.step(`Add filter: Routing profile "Sales Routing" shows its ${sales.length} users, as a removable chip`, async () => {
    await addFilter(page, 'Routing profile', 'Sales Routing');
    await visible(count(sales.length), `the count "${sales.length} users"`);
    await expectUsernames(page, sales.map((u) => u.login).sort().slice(0, 25), 'the first page of Sales Routing users');
    (await rowTexts(page)).forEach((t, i) => ok(t.includes('Sales Routing'), `row ${i} shows Sales Routing`));
    await visible(page.getByRole('button', { name: /^Remove filter Routing profile: Sales Routing/ }), 'the chip\'s remove button');
    await flow.shot(page, 'list-filtered');
  });

  const bySurname = (a, b) => a.last.toLowerCase() < b.last.toLowerCase() ? -1 : a.last.toLowerCase() > b.last.toLowerCase() ? 1 :
    a.login < b.login ? -1 : 1;
  await flow.step('sorting by Last name (the column header), ascending then descending', async () => {
    const asc = [...sales].sort(bySurname).map((u) => u.login);
    const header = page.getByRole('columnheader', { name: 'Last name', exact: true });
    await header.getByRole('button').click();
    await expectUsernames(page, asc.slice(0, 25), 'Sales Routing users by last name, ascending');
    eq(await header.getAttribute('aria-sort'), 'ascending', 'aria-sort of Last name');
    await header.getByRole('button').click();
    const desc = [...sales].sort((a, b) => -bySurname(a, b)).map((u) => u.login);
    await expectUsernames(page, desc.slice(0, 25), 'Sales Routing users by last name, descending');
    eq(await header.getAttribute('aria-sort'), 'descending', 'aria-sort of Last name');
    eq(await page.getByRole('columnheader', { name: 'Username', exact: true }).getAttribute('aria-sort'), 'none', 'aria-sort of Username');
    await page.getByRole('button', { name: 'Next page', exact: true }).click();
    await expectUsernames(page, desc.slice(25), 'the second page, still sorted');
    await page.reload();
    await expectUsernames(page, desc.slice(25), 'the same page, filter and sort after a reload');
    await page.getByRole('button', { name: 'Previous page', exact: true }).click();
    await expectUsernames(page, desc.slice(0, 25), 'the first page again');
  });

  await flow.step(`Select all on this page (25 selected), then Select all ${sales.length} users that match`, async () => {
    await page.getByRole('checkbox', { name: 'Select all on this page' }).check();
    await visible(page.getByText('25 selected', { exact: true }), '"25 selected"');
    eq(await checks(), Array(25).fill(true), 'the rows\' checkboxes');
    const all = page.getByRole('button', { name: `Select all ${sales.length} users that match`, exact: true });
    await all.click();
    await visible(page.getByText(`${sales.length} selected`, { exact: true }), `"${sales.length} selected"`);
    await page.getByRole('button', { name: 'Next page', exact: true }).click();
    await until(async () => (await shownUsernames(page)).length === sales.length - 25, 'the second page');
    eq(await checks(), Array(sales.length - 25).fill(true), 'the rows\' checkboxes on page 2');
    await flow.shot(page, 'list-all-selected');
  });

  const americas = seeded.filter((u) => u.login === 'americas1' || (/^list/.test(u.login) && (Number(u.login.slice(4)) - 1000) % 5 === 0))
    .map((u) => u.login).sort();
  await flow.step(`Agent hierarchy "Americas" includes its child group: ${americas.length} users`, async () => {
    await page.getByRole('button', { name: /^Remove filter Routing profile/ }).click();
    await visible(count(total), `the count "${total} users" again`);
    await addFilter(page, 'Agent hierarchy', 'Americas');
    await visible(count(americas.length), `the count "${americas.length} users"`);
    await page.getByRole('columnheader', { name: 'Username', exact: true }).getByRole('button').click();
    await expectUsernames(page, americas.slice(0, 25), 'Americas users by username');
    ok((await rowTexts(page))[1].includes('Americas / Sales'), 'a child group\'s user shows the path "Americas / Sales"');
  });

  await flow.step('Add filter: Security profile "QualityAnalyst" shows only the Supervisor', async () => {
    await page.getByRole('button', { name: /^Remove filter Agent hierarchy/ }).click();
    await visible(count(total), `the count "${total} users" again`);
    await addFilter(page, 'Security profile', 'QualityAnalyst');
    await expectUsernames(page, ['super1'], 'the QualityAnalyst users');
    await visible(count(1), 'the count "1 user"');
  });
});
