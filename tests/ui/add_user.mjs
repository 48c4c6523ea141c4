// add_user.mjs — Add new users > Create and set up a new user: the password policy shown, Role
// pre-selecting its security profiles, a field error from the server shown beside its field (focus
// on it), then the review step and Save; the new user's password is temporary by default.
import { main, Flow, facts, ok, eq, visible, until, signIn, api, inst, fieldMessage } from './lib.mjs';

const selected = (loc) => loc.evaluate((s) => [...s.selectedOptions].map((o) => o.textContent.trim()));

new Flow('add_user').run(async (flow) => {
  const page = await flow.page();

  await flow.step('Add new users > Create and set up a new user > Next opens the form', async () => {
    await signIn(page, facts.admin.username, facts.admin.password);
    await main(page).getByRole('button', { name: 'Add new users', exact: true }).click();
    await page.getByLabel('Create and set up a new user').check();
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await visible(page.getByLabel('First name', { exact: true }), 'the First name field');
    await visible(page.getByText(/at least one upper-case letter/), 'the password policy');
    ok(await page.getByLabel('Require a new password at first sign-in').isChecked(), 'Require a new password at first sign-in is on by default');
  });

  await flow.step('Role pre-selects the security profiles mapped to it (they stay editable)', async () => {
    const role = page.getByLabel('Role', { exact: true });
    const profiles = page.getByLabel('Security profiles', { exact: true });
    await role.selectOption('Supervisor');
    await until(async () => JSON.stringify(await selected(profiles)) === '["QualityAnalyst"]', 'Supervisor to pre-select QualityAnalyst');
    await role.selectOption('Manager');
    await until(async () => JSON.stringify(await selected(profiles)) === '["CallCenterManager"]', 'Manager to pre-select CallCenterManager');
    await role.selectOption('Agent');
    await until(async () => JSON.stringify(await selected(profiles)) === '["Agent"]', 'Agent to pre-select Agent');
  });

  await flow.step('a bad Mobile gets the server\'s message beside the Mobile field, and the focus', async () => {
    await page.getByLabel('First name', { exact: true }).fill('Nina');
    await page.getByLabel('Last name', { exact: true }).fill('Newcomer');
    await page.getByLabel('Email address', { exact: true }).fill('nina@example.com');
    await page.getByLabel('Mobile', { exact: true }).fill('12345');
    await page.getByLabel('Username', { exact: true }).fill('nina.new');
    await page.getByLabel('Password', { exact: true }).fill('Nina#Pass123');
    await page.getByLabel('Routing profile', { exact: true }).selectOption({ label: 'Sales Routing' });
    await page.getByLabel('Agent hierarchy', { exact: true }).selectOption({ label: 'Americas / Sales' });
    await page.getByLabel('Soft phone', { exact: true }).check();
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    const mobile = page.getByLabel('Mobile', { exact: true });
    await until(async () => /E\.164/.test(await fieldMessage(mobile)), 'the E.164 message beside Mobile');
    await until(() => mobile.evaluate((el) => el === document.activeElement), 'the focus on Mobile');
    ok(!/E\.164/.test(await fieldMessage(page.getByLabel('Email address', { exact: true }))), 'no message beside Email address');
    await flow.shot(page, 'add-user-field-error');
  });

  await flow.step('with the field corrected, Next shows the review of every value', async () => {
    await page.getByLabel('Mobile', { exact: true }).fill('+15550100123');
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await visible(main(page).getByRole('button', { name: 'Save', exact: true }), 'the review\'s Save');
    for (const v of ['nina.new', 'Nina', 'Newcomer', 'nina@example.com', '+15550100123', 'Sales Routing', 'Americas / Sales', 'Agent'])
      await visible(page.getByRole('definition').filter({ hasText: v }), `"${v}" in the review`);
    eq((await api(page, 'GET', inst('/console/users?Search=nina.new'))).json?.Total, 0, 'users created before Save');
    await flow.shot(page, 'add-user-review');
  });

  let id;
  await flow.step('Save creates the user and opens their page; their password is temporary', async () => {
    await main(page).getByRole('button', { name: 'Save', exact: true }).click();
    await until(() => /#\/users\/[0-9a-f-]{36}/.test(page.url()), 'the new user\'s page');
    id = /#\/users\/([0-9a-f-]{36})/.exec(page.url())[1];
    await visible(page.getByText('nina.new', { exact: true }), 'the username on their page');
    const u = (await api(page, 'GET', inst(`/console/users/${id}`))).json.User;
    eq([u.Username, u.IdentityInfo.Mobile, u.RoutingProfile.Name, u.AgentHierarchy?.Path, u.Role, u.PasswordTemporary],
      ['nina.new', '+15550100123', 'Sales Routing', 'Americas / Sales', 'Agent', true], 'the user created');
  });

  await flow.step('the new user signing in must choose a new password first', async () => {
    const other = await flow.page({ label: 'nina' });
    await signIn(other, 'nina.new', 'Nina#Pass123');
    await visible(other.getByLabel('New password', { exact: true }), 'New password');
  });
});
