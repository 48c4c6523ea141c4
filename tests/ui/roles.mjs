// roles.mjs — what each role sees, and that the server refuses the rest anyway: an Agent sees only
// their own page (no list, no admin action); a Supervisor sees the list, users' pages and history,
// read-only, and the banner without its actions; a user managed by the identity provider (made so by
// a SCIM change) shows its badge and no Edit / Delete / Reset password, and, as its instance lets
// admins keep contact-center settings, a form of those with the identity locked.
import { main, Flow, facts, ok, eq, visible, absent, until, signIn, search, expectUsernames, banner, batch, dataRows,
  api, inst, user, base } from './lib.mjs';

const ADMIN_ACTIONS = ['Add new users', 'Edit', 'Delete', 'Reset password', 'Disable', 'Enable'];

async function noAdminActions(page, where) {
  for (const b of ADMIN_ACTIONS) await absent(main(page).getByRole('button', { name: b, exact: true }), `${b} (${where})`);
}

new Flow('roles').run(async (flow) => {
  await flow.step('an Agent lands on their own page and sees no list and no admin action', async () => {
    const page = await flow.page({ label: 'agent1' });
    await signIn(page, 'agent1', user('agent1').password);
    await until(() => page.url().includes(`#/users/${user('agent1').id}`), 'the agent\'s own page');
    await visible(page.getByText('Agnes', { exact: true }), 'their first name');
    await absent(page.getByRole('link', { name: 'User management', exact: true }), 'the User management link');
    await noAdminActions(page, 'the agent\'s page');
    await absent(main(page).getByRole('button', { name: 'History', exact: true }), 'History (an Agent has no Users.View)');
    await flow.shot(page, 'agent-own-page');
    await page.goto(base + '/#/users');
    await until(async () => !page.url().endsWith('#/users') || (await page.getByRole('heading').count()) > 0, 'the route to settle');
    await page.waitForLoadState('networkidle');
    await absent(page.getByLabel('Search users'), 'the user list for an Agent');
    eq((await api(page, 'GET', inst('/console/users'))).status, 403, 'the list API for an Agent');
    eq((await api(page, 'GET', inst(`/console/users/${user('super1').id}`))).status, 403, 'another user\'s page for an Agent');
    eq((await api(page, 'POST', inst(`/console/users/${user('agent1').id}`), { IdentityInfo: { FirstName: 'Self' } })).status, 403,
      'an Agent editing themselves');
  });

  await flow.step('a Supervisor sees the list, read-only, and the banner without actions', async () => {
    const page = await flow.page({ label: 'super1' });
    await signIn(page, 'super1', user('super1').password);
    await visible(page.getByLabel('Search users'), 'the user list');
    await search(page, 'plain1');
    await expectUsernames(page, ['plain1'], 'plain1');
    await noAdminActions(page, 'the list');
    await absent(page.getByRole('checkbox', { name: 'Select all on this page' }), 'Select all on this page');
    eq(await dataRows(page).getByRole('checkbox').count(), 0, 'row checkboxes for a Supervisor');
    const item = batch(page, 'Bulk edit of 2 users');
    await visible(item.getByText('1 user failed'), 'the failed batch in the banner');
    eq(await banner(page).getByRole('button').count(), 0, 'buttons in the banner for a Supervisor');
    await flow.shot(page, 'supervisor-list');
    await page.getByRole('link', { name: 'plain1', exact: true }).click();
    await visible(main(page).getByRole('button', { name: 'History', exact: true }), 'History on a user page');
    await noAdminActions(page, 'plain1\'s page');
    await main(page).getByRole('button', { name: 'History', exact: true }).click();
    await visible(page.getByRole('region', { name: 'History' }).getByText(/CreateUser|UpdateUser/).first(), 'the history events');
    eq((await api(page, 'POST', inst(`/console/users/${user('plain1').id}`), { IdentityInfo: { FirstName: 'Nope' } })).status, 403,
      'a Supervisor editing a user');
    eq((await api(page, 'POST', inst(`/jobs/${facts.jobs.roles}/dismiss`), {})).status, 403, 'a Supervisor dismissing a batch');
  });

  await flow.step('a user managed by the identity provider: the badge, no Edit, Delete or Reset password; its contact-center settings editable when the instance allows', async () => {
    const page = await flow.page({ label: 'admin' });
    await signIn(page, facts.admin.username, facts.admin.password);
    await search(page, 'extuser');
    await expectUsernames(page, ['extuser'], 'extuser');
    await visible(dataRows(page).getByText('Managed by identity provider'), 'the badge in the list');
    await page.getByRole('link', { name: 'extuser', exact: true }).click();
    await visible(page.getByText('Managed by identity provider'), 'the badge on the page');
    await visible(main(page).getByRole('button', { name: 'History', exact: true }), 'History');
    for (const b of ['Edit', 'Delete', 'Reset password', 'Disable'])
      await absent(main(page).getByRole('button', { name: b, exact: true }), `${b} on extuser's page`);
    await flow.shot(page, 'external-user-page');
    const r = await api(page, 'POST', inst(`/console/users/${user('extuser').id}`), { IdentityInfo: { FirstName: 'Changed' } });
    eq(r.status, 400, 'the server refusing a change of extuser');
    ok(/managed by the identity provider/.test(r.json?.Message || ''), `the refusal's message: ${JSON.stringify(r.json)}`);

    // The instance lets admins keep its contact-center settings: those can be edited, the identity stays locked.
    await main(page).getByRole('button', { name: 'Edit contact-center settings', exact: true }).click();
    const form = main(page).locator('form.user-form');
    await visible(form.getByRole('heading', { name: 'Edit the contact-center settings' }), 'the settings form');
    ok(await form.getByLabel('First name').isDisabled(), 'the first name is locked');
    ok(await form.getByLabel('Security profiles').isDisabled(), 'the security profiles are locked');
    ok(!(await form.getByLabel('After contact work (ACW) timeout').isDisabled()), 'the ACW timeout is editable');
    await form.getByLabel('After contact work (ACW) timeout').fill('120');
    await flow.shot(page, 'external-user-settings-edit');
    await form.getByRole('button', { name: 'Save', exact: true }).click();
    await visible(page.getByText('The changes were saved.'), 'the saved message');
    const after = await api(page, 'GET', inst(`/console/users/${user('extuser').id}`));
    eq(after.json?.User?.PhoneConfig?.AfterContactWorkTimeLimit, 120, 'extuser\'s ACW after the save');
    eq(after.json?.User?.IdentityInfo?.FirstName, 'External', 'extuser\'s first name after the save');
  });
});
