// 系统管理 in real headless Chromium: the demo administrator creates a staff user (a refused
// form first, typed values kept), grants a role a permission in the matrix, marks a holiday in
// the working-day calendar and sees it in the month view, and reads the rule library and the
// business catalogue — every code by its Chinese name (no raw case.intake, state_land_and_house
// …). Screenshots at 1280 px go to docs/screenshots/admin-*.png.
//
// The server is the real `bdc` binary (BDC_BIN, default target/debug/bdc) running the demo city
// on a fresh embedded database on a random port.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launch, newPage, screenshot, repoRoot } from './harness.mjs';

const BIN = path.resolve(repoRoot, process.env.BDC_BIN || path.join('target', 'debug', 'bdc'));
const DEMO_PASSWORD = 'Demo-2026!';
const PASSWORD = 'Changzhou-2026';
const rand = Math.floor(Math.random() * 9000) + 1000;

let server;
let base;
let output = '';
let browser;
let dir;
let page;

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'bdc-admin-'));
  const env = { ...process.env, BDC_DATA_DIR: path.join(dir, 'data'), BDC_WEB_DIST: path.join(repoRoot, 'web', 'dist') };
  for (const k of ['BDC_DATABASE_URL', 'BDC_CONFIG', 'BDC_LISTEN', 'BDC_MASTER_KEY', 'BDC_COURT_URL']) delete env[k];
  server = spawn(BIN, ['demo', '--units', '300', '--listen', '127.0.0.1:0'], { cwd: dir, env });
  const collect = (d) => { output += d.toString(); };
  server.stdout.on('data', collect);
  server.stderr.on('data', collect);
  for (let i = 0; i < 600 && !base; i++) {
    const m = output.match(/接口地址\s+(http:\/\/[^/\s]+)\/api\/v1/);
    if (m) base = m[1];
    else await new Promise((r) => setTimeout(r, 200));
  }
  assert.ok(base, `server did not start:\n${output}`);
  browser = await launch();
  page = await newPage(browser, { width: 1280, height: 900 });
  await page.goto(`${base}/workbench/login`);
  await page.fill('#username', 'admin');
  await page.fill('#password', DEMO_PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL(`${base}/workbench/admin`);
});

after(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the administrator creates a staff user; a refused form keeps what was typed', async () => {
  assert.match(await page.textContent('.app-nav a[aria-current=page]'), /系统管理/);
  await page.click('.sidebar a:text-is("用户管理")');
  await page.click('a:text-is("新建工作人员账户")');
  const username = `kefu${rand}`;
  await page.fill('#username', username);
  await page.fill('#display_name', '窗口客服陈静');
  await page.fill('#password', PASSWORD);
  await page.fill('#password_again', 'Something-else-1');
  await page.check('input[name=roles][value=intake]');
  await page.check('input[name=roles][value=query]');
  await page.click('#new-user button[type=submit]');
  await page.locator('#password_again-error').waitFor();
  assert.match(await page.textContent('#password_again-error'), /不一致/);
  assert.equal(await page.inputValue('#username'), username);
  assert.equal(await page.inputValue('#display_name'), '窗口客服陈静');
  assert.ok(await page.isChecked('input[name=roles][value=query]'), 'ticked roles are kept');

  await page.fill('#password', PASSWORD);
  await page.fill('#password_again', PASSWORD);
  await page.click('#new-user button[type=submit]');
  await page.waitForURL(/\/workbench\/admin\/users\/\d+\?done=created$/);
  assert.match(await page.textContent('.alert--success'), /账户已创建/);

  await page.goto(`${base}/workbench/admin/users?role=intake`);
  const row = page.locator('#users tr', { hasText: username });
  assert.match(await row.textContent(), /窗口受理、查询/);
  assert.match(await row.textContent(), /启用/);
  await screenshot(page, 'admin-users');

  // The new account logs in (API, so this page's session stays).
  const r = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD, realm: 'staff', mode: 'token' }) });
  assert.equal(r.status, 200);
});

test('a role gets a permission in the matrix', async () => {
  await page.goto(`${base}/workbench/admin/roles`);
  const box = page.locator('input[form=role-query][value="rules.read"]');
  assert.equal(await box.isChecked(), false);
  await box.check();
  await page.click('#role-query button[type=submit]');
  await page.waitForURL(/saved=query$/);
  assert.match(await page.textContent('.alert--success'), /角色“查询”的权限已保存/);
  assert.ok(await page.locator('input[form=role-query][value="rules.read"]').isChecked());

  // Public roles never get staff permissions: the refusal is said in Chinese.
  await page.locator('input[form=role-person][value="users.manage"]').check();
  await page.click('#role-person button[type=submit]');
  assert.match(await page.textContent('.alert--danger'), /不能授予公众角色/);
});

test('a holiday set in the calendar shows in the month view', async () => {
  await page.goto(`${base}/workbench/admin/calendar?month=2026-12`);
  assert.match(await page.textContent('#month-title'), /2026 年 12 月/);
  const cell = page.locator('td[data-date="2026-12-24"]');
  assert.match(await cell.getAttribute('class'), /admin-day--workday/);
  await page.fill('#date', '2026-12-24');
  await page.selectOption('#kind', 'holiday');
  await page.fill('#note', '年终盘点');
  await page.click('#set-day button[type=submit]');
  await page.waitForURL(/month=2026-12&done=set$/);
  assert.match(await cell.getAttribute('class'), /admin-day--holiday/);
  assert.match(await cell.textContent(), /法定节假日\s*年终盘点/);
  assert.match(await page.textContent('#entries'), /2026-12-24/);
  // Next month and back.
  await page.click('a[rel=next]');
  assert.match(await page.textContent('#month-title'), /2027 年 1 月/);
  await page.click('a[rel=prev]');
  assert.match(await page.textContent('td[data-date="2026-12-24"]'), /年终盘点/);
  await screenshot(page, 'admin-calendar');
});

test('the rule library lists rules with severity and legal basis, and a rule its versions', async () => {
  await page.goto(`${base}/workbench/admin/rules`);
  const rows = page.locator('#rules tbody tr');
  assert.ok((await rows.count()) >= 5, 'the seeded rules are listed');
  const text = await page.textContent('#rules');
  assert.match(text, /阻断/);
  assert.match(text, /条/, 'legal basis cites an article');
  assert.ok((await page.locator('#issuance-rules tbody tr').count()) >= 1);
  await screenshot(page, 'admin-rules', { fullPage: false });
  await rows.first().locator('a', { hasText: '版本' }).click();
  await page.waitForURL(/\/workbench\/admin\/rules\/[\w-]+$/);
  assert.match(await page.textContent('#versions'), /v1/);
});

test('系统管理 shows Chinese names, never raw codes such as case.intake', async () => {
  // Lower-case words joined by a dot or an underscore: permission codes (case.intake), right
  // kinds (state_land_and_house), checks (restriction_present), effects (create_right).
  const RAW = /\b[a-z]+(?:[._][a-z]+)+\b/g;
  await page.goto(`${base}/workbench/admin/users`);
  const user = await page.locator('#users a', { hasText: '管理' }).first().getAttribute('href');
  await page.goto(`${base}/workbench/admin/rules`);
  const rule = await page.locator('#rules a', { hasText: '版本' }).first().getAttribute('href');
  const pages = ['', '/users', '/users/new', user.replace('/workbench/admin', ''), '/roles', '/calendar', '/rules', rule.replace('/workbench/admin', ''), '/catalogue'];
  for (const p of pages) {
    await page.goto(`${base}/workbench/admin${p}`);
    const text = await page.locator('main').innerText();
    assert.deepEqual(text.match(RAW) ?? [], [], `/workbench/admin${p} shows raw codes`);
    assert.ok(!text.includes('case.intake') && !text.includes('audit.read'), `/workbench/admin${p} shows a permission code`);
  }
  // The matrix names each permission; the code is only a tooltip.
  await page.goto(`${base}/workbench/admin/roles`);
  const intake = page.locator('#role-matrix tbody th[title="权限代码 case.intake"]');
  assert.equal((await intake.innerText()).trim(), '受理');
  // The rule library: severity by name; the issuance rules' tables and fields as the standard names them.
  await page.goto(`${base}/workbench/admin/rules`);
  const severities = await page.locator('#rules tbody td:nth-child(2)').allInnerTexts();
  assert.ok(severities.length > 0 && severities.every((t) => /^(阻断|提示|需同意)$/.test(t.trim())), severities.join(','));
  const issuance = await page.locator('#issuance-rules').innerText();
  assert.match(issuance, /全部表/);
  assert.match(issuance, /不动产权证书号\s*BDCQZH/, 'the field by its name, the code beside it');
  assert.match(issuance, /全角转半角/);
  assert.ok((await page.locator('#issuance-form select#table option').allInnerTexts()).includes('房地产权（独幢、层、套、间房屋）（QLT_FW_FDCQ_YZ）'));
  // Restrictions are ticked by name in the rule form.
  assert.ok(await page.locator('#new-rule #kinds label', { hasText: '查封登记' }).count());
});

test('the catalogue lists the 162 flows and filters them', async () => {
  await page.goto(`${base}/workbench/admin/catalogue`);
  assert.equal(await page.textContent('#flow-count'), '162');
  await page.selectOption('#channel', 'bank');
  await page.click('#catalogue-filter button[type=submit]');
  await page.waitForURL(/channel=bank/);
  const n = Number(await page.textContent('#flow-count'));
  assert.ok(n > 0 && n < 162, `bank flows: ${n}`);
  const first = page.locator('#flows tbody tr').first();
  await first.locator('summary').click();
  assert.ok((await first.locator('details li').count()) > 0, 'materials are listed');
  await screenshot(page, 'admin-catalogue');
});
