// upload.mjs — Add new users > Upload my users from a template (.csv): Download template gives the
// instance's template; a file with bad rows: Upload file and verify shows the count of valid rows
// and every invalid row with its bad cell marked; with Import only if every row is valid nothing is
// imported; then Import valid users; the counts and the failure report link (its CSV holds exactly
// the bad rows).
import { main, Flow, facts, ok, eq, visible, gone, until, signIn, download, base, search, expectUsernames, openList, api, inst } from './lib.mjs';

new Flow('upload').run(async (flow) => {
  const page = await flow.page();
  const up = facts.upload;

  await flow.step('Add new users > Upload my users from a template (.csv) > Next', async () => {
    await signIn(page, facts.admin.username, facts.admin.password);
    await main(page).getByRole('button', { name: 'Add new users', exact: true }).click();
    await page.getByLabel('Upload my users from a template (.csv)').check();
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await visible(page.getByRole('button', { name: 'Upload file and verify', exact: true }), 'Upload file and verify');
  });

  await flow.step('Download template gives the instance\'s template', async () => {
    const dl = await download(page, page.getByRole('button', { name: 'Download template', exact: true }));
    ok(dl.name.endsWith('.csv'), `a .csv file name: ${dl.name}`);
    eq(dl.text.replace(/^\ufeff/, '').split(/\r?\n/)[0], facts.template.replace(/^\ufeff/, '').split(/\r?\n/)[0], 'the template\'s header');
  });

  await flow.step(`Upload file and verify: ${up.valid.length} valid rows, and the ${up.invalid.length} invalid rows with their bad cells marked`, async () => {
    await page.getByLabel('CSV file').setInputFiles(facts.files.upload);
    await page.getByRole('button', { name: 'Upload file and verify', exact: true }).click();
    await visible(page.getByText(`${up.valid.length} rows are valid`), `"${up.valid.length} rows are valid"`, 60000);
    await visible(page.getByText(`${up.invalid.length} rows have errors`), `"${up.invalid.length} rows have errors"`);
    const table = page.getByRole('region', { name: 'Rows with errors' }).getByRole('table');
    const rows = table.getByRole('row').filter({ has: page.getByRole('cell') });
    await until(async () => (await rows.count()) === up.invalid.length, `${up.invalid.length} rows in the table of errors`);
    for (const bad of up.invalid) {
      const row = rows.filter({ hasText: bad.login });
      eq(await row.count(), 1, `the row of ${bad.login}`);
      const cell = row.getByRole('cell').filter({ hasText: bad.cell });
      const text = (await cell.first().textContent()).trim();
      ok(/error/i.test(text) && text.length > bad.cell.length + 8, `the cell "${bad.cell}" of ${bad.login} is marked with its error: "${text}"`);
      const others = row.getByRole('cell').filter({ hasText: /error/i });
      eq(await others.count(), 1, `cells marked in the row of ${bad.login}`);
    }
    for (const good of up.valid) eq(await rows.filter({ hasText: good }).count(), 0, `no row of ${good} among the errors`);
    ok(!(await page.getByLabel('Import only if every row is valid').isChecked()), 'Import only if every row is valid is off');
    await flow.shot(page, 'upload-preview-errors');
  });

  await flow.step('Import only if every row is valid: with rows in error nothing is imported (all or none)', async () => {
    await page.getByLabel('Import only if every row is valid').check();
    await main(page).getByRole('button', { name: 'Import valid users', exact: true }).click();
    await visible(page.getByText('0 created', { exact: true }), '"0 created"', 60000);
    await visible(page.getByText(/Nothing was imported/), 'that nothing was imported');
    eq((await api(page, 'GET', inst('/console/users?Search=upgood'))).json?.Total, 0, 'users imported by the atomic import');
  });

  await flow.step('Upload file and verify again shows the same preview, the all-or-none box off', async () => {
    await main(page).getByRole('button', { name: 'Upload file and verify', exact: true }).click();
    await gone(page.getByText('0 created', { exact: true }), 'the atomic import\'s outcome');
    await visible(page.getByText(`${up.valid.length} rows are valid`), `"${up.valid.length} rows are valid"`, 60000);
    ok(!(await page.getByLabel('Import only if every row is valid').isChecked()), 'Import only if every row is valid is off');
  });

  let report;
  await flow.step('Import valid users: the counts and a link to the failure report', async () => {
    await page.getByRole('button', { name: 'Import valid users', exact: true }).click();
    await visible(page.getByText(`${up.valid.length} created`, { exact: true }), `"${up.valid.length} created"`, 60000);
    await visible(page.getByText(`${up.invalid.length} failed`, { exact: true }), `"${up.invalid.length} failed"`);
    const link = await visible(page.getByRole('link', { name: /failure report/i }), 'the failure report link');
    const href = await link.getAttribute('href');
    const r = await page.context().request.get(new URL(href, base + '/').toString());
    eq(r.status(), 200, 'the failure report\'s status');
    report = await r.text();
    for (const bad of up.invalid) ok(report.includes(bad.login), `the report names ${bad.login}`);
    for (const good of up.valid) ok(!report.includes(good), `the report leaves out ${good}`);
    await flow.shot(page, 'upload-imported');
  });

  await flow.step('the imported users are in the list; the bad ones are not', async () => {
    await openList(page);
    await search(page, 'upgood');
    await expectUsernames(page, [...up.valid].sort(), 'the imported users');
    await search(page, 'upbad', 0);
  });
});
