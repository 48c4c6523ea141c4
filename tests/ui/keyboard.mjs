// keyboard.mjs — adding a user with the keyboard alone (Tab, Shift+Tab, Enter, Space, arrows and
// typing; no mouse): sign in, Add new users, Create and set up a new user, Next, the form, Next,
// the review, Save.
import { main, Flow, facts, ok, eq, visible, until, tabTo, focusedName, api, inst } from './lib.mjs';

new Flow('keyboard').run(async (flow) => {
  const page = await flow.page();
  const type = async (re, what, text) => {
    await tabTo(page, re, what);
    await page.keyboard.type(text);
  };

  await flow.step('sign in with the keyboard', async () => {
    await page.goto(facts.base + '/');
    await visible(page.getByRole('button', { name: 'Sign in', exact: true }), 'the Sign in button');
    await until(async () => (await page.getByLabel('Instance', { exact: true }).inputValue()) === facts.alias, 'Instance filled in');
    await type(/^Username/, 'Username', facts.admin.username);
    await type(/^Password/, 'Password', facts.admin.password);
    await page.keyboard.press('Enter');
    await visible(page.getByLabel('Search users'), 'the user list');
  });

  await flow.step('Tab to Add new users, Enter; Space on Create and set up a new user; Enter on Next', async () => {
    await tabTo(page, /^Add new users$/, 'Add new users');
    await page.keyboard.press('Enter');
    await visible(page.getByLabel('Create and set up a new user'), 'the choice');
    await tabTo(page, /^(Create and set up a new user|Upload my users from a template \(\.csv\))$/, 'the choice');
    if ((await focusedName(page)) !== 'Create and set up a new user') await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Space');
    ok(await page.getByLabel('Create and set up a new user').isChecked(), 'Create and set up a new user chosen');
    await tabTo(page, /^Next$/, 'Next');
    await page.keyboard.press('Enter');
    await visible(page.getByLabel('First name', { exact: true }), 'the form');
  });

  await flow.step('fill the form by Tab and typing; Role and Routing profile with the arrow keys', async () => {
    await type(/^First name/, 'First name', 'Keyla');
    await type(/^Last name/, 'Last name', 'Board');
    await type(/^Email address/, 'Email address', 'keyla@example.com');
    await type(/^Username/, 'Username', 'keyla.board');
    await type(/^Password/, 'Password', 'Keys#Only123');
    await tabTo(page, /^Role/, 'Role');
    await page.keyboard.press('ArrowDown'); // Supervisor
    await page.keyboard.press('ArrowUp'); // Agent: pre-selects its profiles
    eq(await page.getByLabel('Role', { exact: true }).inputValue(), 'Agent', 'Role');
    await until(async () => JSON.stringify(await page.getByLabel('Security profiles', { exact: true })
      .evaluate((s) => [...s.selectedOptions].map((o) => o.textContent.trim()))) === '["Agent"]', 'the Agent profile pre-selected');
    await tabTo(page, /^Routing profile/, 'Routing profile');
    await page.keyboard.press('ArrowDown');
    eq(await page.getByLabel('Routing profile', { exact: true }).evaluate((s) => s.selectedOptions[0]?.textContent.trim()),
      'Basic Routing Profile', 'Routing profile');
    await tabTo(page, /^Next$/, 'Next');
    await page.keyboard.press('Enter');
    await visible(main(page).getByRole('button', { name: 'Save', exact: true }), 'the review');
  });

  await flow.step('Tab to Save, Enter: the user is created and their page opens', async () => {
    await tabTo(page, /^Save$/, 'Save');
    await page.keyboard.press('Enter');
    await until(() => /#\/users\/[0-9a-f-]{36}/.test(page.url()), 'the new user\'s page');
    const id = /#\/users\/([0-9a-f-]{36})/.exec(page.url())[1];
    const u = (await api(page, 'GET', inst(`/console/users/${id}`))).json.User;
    eq([u.Username, u.IdentityInfo.FirstName, u.RoutingProfile.Name, u.Role], ['keyla.board', 'Keyla', 'Basic Routing Profile', 'Agent'],
      'the user created');
  });
});
