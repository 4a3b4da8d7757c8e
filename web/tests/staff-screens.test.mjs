// The staff screens over what was JSON only (issue 20, Staff) in real headless Chromium at
// 1280 px: the supervisor's 审计日志 with its chain check and filters, 上报省厅 and 登簿日志 from
// the workbench's links, and 法院送达（窗口） from the court desk — an ended term refused beside
// its field (the screenshot), then the notice registered and the desk naming the result. Screenshots go to
// docs/screenshots/workbench-audit.png, workbench-reporting.png and court-counter.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, noHorizontalScroll, screenshot, startDemo, logIn, pdfFile, DEMO_PASSWORD } from './harness.mjs';

const rand = Math.floor(Math.random() * 9000) + 1000;
const parcel = `320411009008GB0${rand}`;
const unitNumber = `${parcel}F00010001`;

let demo;
let browser;

/** A date `days` from today in Beijing, as `YYYY-MM-DD`. */
function beijingDate(days = 0) {
  const t = new Date(Date.now() + 8 * 3600 * 1000 + days * 86400 * 1000);
  return t.toISOString().slice(0, 10);
}

before(async () => {
  demo = await startDemo();
  browser = await launch();
  // A house unit of our own for the court's notice.
  const clerk = await demo.token('chuangkou');
  await demo.api('POST', '/api/v1/parcels', clerk, { code: parcel, location: `常州市新北区送达路${rand}号`, area: 2100, land_use: '城镇住宅用地', right_nature: '102', term_start: '2010-01-01', term_end: '2080-01-01' });
  await demo.api('POST', '/api/v1/buildings', clerk, { parcel_code: parcel, building_no: '0001', name: '1幢', floors: 6, structure: '钢筋混凝土结构', completed_year: 2012 });
  await demo.api('POST', '/api/v1/units', clerk, { unit_number: unitNumber, location: `常州市新北区送达路${rand}号1幢101室`, area: 88, house_use: '10' });
});

after(async () => {
  await browser?.close();
  demo?.stop();
});

test('the supervisor reads the audit log: chain intact, filtered by 操作人, exported', async () => {
  const w = await newPage(browser, { width: 1280, height: 900 });
  await logIn(w, demo.base, { realm: 'staff', username: 'jianguan', password: DEMO_PASSWORD });
  await w.goto(`${demo.base}/workbench/audit`);
  assert.equal(await w.textContent('h1'), '审计日志');
  assert.match(await w.textContent('#audit-chain'), /审计链完整/);
  assert.ok((await w.locator('#audit-rows tbody tr').count()) > 0, 'the demo has audited actions');
  await w.fill('#actor', 'jianguan');
  await w.click('#audit-search button[type=submit]');
  await w.locator('.card__title', { hasText: '审计记录（共' }).waitFor();
  assert.equal(new URL(w.url()).searchParams.get('actor'), 'jianguan', 'the conditions are in the address');
  assert.match(await w.textContent('#audit-rows tbody'), /jianguan/);
  assert.ok(await noHorizontalScroll(w), 'no sideways scrolling at 1280 px');
  await screenshot(w, 'workbench-audit');

  const [download] = await Promise.all([w.waitForEvent('download'), w.click('#audit-export')]);
  assert.match(download.suggestedFilename(), /^audit-log-.*\.xlsx$/);

  // A clerk has no audit.read: the 403 page.
  const c = await newPage(browser, { width: 1280, height: 800 });
  await logIn(c, demo.base, { realm: 'staff', username: 'chuangkou', password: DEMO_PASSWORD });
  const r = await c.goto(`${demo.base}/workbench/audit`);
  assert.equal(r.status(), 403);
  assert.match(await c.textContent('main'), /没有权限/);
});

test('case staff open 上报省厅 and 登簿日志 from the workbench', async () => {
  const w = await newPage(browser, { width: 1280, height: 900 });
  await logIn(w, demo.base, { realm: 'staff', username: 'chaxun', password: DEMO_PASSWORD });
  await w.click('#workbench-reporting a[href="/workbench/reporting"]');
  await w.waitForURL(`${demo.base}/workbench/reporting`);
  assert.equal(await w.textContent('h1'), '上报省厅');
  for (const state of ['已发送', '接入成功', '接入失败', '响应隔离']) {
    assert.match(await w.textContent('#report-counts'), new RegExp(state));
  }
  await w.locator('#report-messages').waitFor();
  assert.ok(await noHorizontalScroll(w), 'no sideways scrolling at 1280 px');
  await screenshot(w, 'workbench-reporting');

  await w.click('nav a[href="/workbench/reporting/log"]');
  await w.waitForURL(/\/workbench\/reporting\/log/);
  assert.equal(await w.textContent('h1'), '登簿日志');
  assert.match(await w.getAttribute('#log-xlsx', 'href'), /\/api\/v1\/registration-log\/xlsx\?date=\d{4}-\d{2}-\d{2}$/);
  await w.click('nav a[href="/workbench/reporting/reconciliation"]');
  await w.waitForURL(/\/workbench\/reporting\/reconciliation/);
  assert.equal(await w.textContent('h1'), '销账');
});

test('法院送达（窗口）: an ended term is refused beside its field, then the seizure is registered', async () => {
  const w = await newPage(browser, { width: 1280, height: 1000 });
  await logIn(w, demo.base, { realm: 'staff', username: 'chuangkou', password: DEMO_PASSWORD });
  await w.goto(`${demo.base}/workbench/court`);
  await w.click('#court-deliver-link');
  await w.waitForURL(`${demo.base}/workbench/court/deliver`);
  assert.equal(await w.textContent('h1'), '法院送达（窗口）');
  assert.match(await w.inputValue('#delivered_at'), new RegExp(`^${beijingDate()}T\\d{2}:\\d{2}$`), '送达时间 defaults to now, in Beijing');

  const scan = pdfFile('协助执行通知书.pdf', 'Court notice');
  await w.fill('#court', '常州市新北区人民法院');
  await w.fill('#case_number', `(2026)苏0411执${rand}号`);
  await w.fill('#ruling_number', `(2026)苏0411执${rand}号之一`);
  await w.fill('#officers', '周法官、吴法官');
  await w.fill('#officer_ids', '执行公务证 3204110001、3204110002');
  await w.fill('#subject', '赵某');
  await w.fill('#units', unitNumber);
  await w.fill('#term_end', beijingDate(-1));
  await w.setInputFiles('#notice', scan);
  await w.click('#court-deliver button[type=submit]');
  await w.locator('#term_end-error').waitFor();
  assert.match(await w.textContent('#term_end-error'), /查封期限已于 .* 届满/);
  assert.equal(await w.inputValue('#court'), '常州市新北区人民法院', 'what was typed is kept');
  assert.ok(await noHorizontalScroll(w), 'no sideways scrolling at 1280 px');
  await screenshot(w, 'court-counter');

  await w.fill('#term_end', beijingDate(730));
  await w.setInputFiles('#notice', scan);
  await w.click('#court-deliver button[type=submit]');
  await w.waitForURL(/\/workbench\/court\?delivered=CTR/);
  assert.match(await w.textContent('#court-delivered'), /窗口送达已受理.*查封成功/);
  assert.match(await w.textContent('#court-inbox'), new RegExp(`\\(2026\\)苏0411执${rand}号`));
});
