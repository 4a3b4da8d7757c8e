// 利害关系人查询 in real headless Chromium: a citizen signs up on 线上苏小登, applies to query a
// flat as its owner's creditor with a PDF as evidence, the 查询 clerk (demo account `chaxun`)
// reviews the evidence on the workbench and approves, and the citizen sees the limited result —
// the flat's natural state and that it is mortgaged, never the owner's name, ID or certificate.
// Also: the application page at phone width (375 px) without horizontal scrolling.
// Screenshots: docs/screenshots/interest-apply.png, interest-review.png, interest-result.png.
//
// The server is the real `bdc` binary (BDC_BIN, default target/debug/bdc) running the demo city
// on a fresh embedded database on a random port.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, noHorizontalScroll, screenshot, startDemo, citizenId, signUp, logIn, pdfFile, DEMO_PASSWORD } from './harness.mjs';

const PASSWORD = 'Changzhou-2026';

let demo;
let base;
let browser;
let api;
let token;

const rand = Math.floor(Math.random() * 9000) + 1000;
const owner = { name: '周业主', id: citizenId('320402', '19700303', String(rand % 900 + 100)) };
const creditor = { name: '吴债权', id: citizenId('320404', '19850505', String((rand + 3) % 900 + 100)), user: `zhai${rand}`, phone: `137${String(rand).padStart(4, '0')}4321` };
const flat = {};

/** A one-page PDF (so the reviewer's viewer has something to show). */
const evidencePdf = () => pdfFile('民事起诉状.pdf', 'Civil complaint - loan dispute, Tianning District Court').buffer;

before(async () => {
  demo = await startDemo();
  ({ base, api, token } = demo);
  browser = await launch();

  // The owner's flat with a mortgage, registered at the counter through the API.
  const admin = await token('admin');
  await api('POST', '/api/v1/admin/users', admin, { realm: 'staff', username: 'banli', display_name: '综合窗口张敏', password: PASSWORD, roles: ['intake', 'review', 'register', 'certify', 'archive'] });
  const clerk = await token('banli', PASSWORD);
  const parcel = `320402008008GB0${rand}`;
  await api('POST', '/api/v1/parcels', clerk, { code: parcel, location: '常州市天宁区竹林西路66号', area: 3000, land_use: '城镇住宅用地', right_nature: '102', term_start: '2006-01-01', term_end: '2076-01-01' });
  await api('POST', '/api/v1/buildings', clerk, { parcel_code: parcel, building_no: '0001', name: '1幢', floors: 11, structure: '钢筋混凝土结构', completed_year: 2010 });
  const unit = await api('POST', '/api/v1/units', clerk, { unit_number: `${parcel}F00010001`, location: '常州市天宁区竹林西路66号1幢502室', area: 112.4, house_use: '10' });
  const person = await api('POST', '/api/v1/parties', clerk, { kind: 'person', name: owner.name, id_type: '1', id_number: owner.id });
  const bank = await api('POST', '/api/v1/parties', clerk, { kind: 'enterprise', name: '常州示例银行股份有限公司', id_type: '8', id_number: '91350100M000100Y43' }).catch(async () => null);
  const [reviewer, registrar] = [await token('shenhe'), await token('dengbu')];
  const register = async (flow, applicants, request = {}) => {
    const opened = await api('POST', '/api/v1/cases', clerk, { flow_code: flow, unit_ids: [unit.id], applicants, request });
    // 受理, 审核 and 登簿 by three people (不相容岗位分离): the demo's 审核员 and 登簿员.
    for (const [action, who] of [['submit', clerk], ['approve', reviewer], ['register', registrar]]) await api('POST', `/api/v1/cases/${opened.case.id}/actions`, who, { action });
  };
  await register('CTR-FIRST-STATE-HOUSE', [{ party_id: person.id, role: 'right_holder' }]);
  if (bank) {
    await register('CTR-MORTGAGE-FIRST', [{ party_id: bank.id, role: 'right_holder' }, { party_id: person.id, role: 'obligor' }], { attributes: { amount: '900000', term_start: '2026-01-01', term_end: '2046-01-01' } });
  }
  const book = await api('GET', `/api/v1/units/${unit.id}/register`, clerk);
  flat.unit = unit.unit_number;
  flat.location = unit.location;
  flat.mortgaged = Boolean(bank);
  flat.certificates = book.current.map((r) => r.certificate_number).filter(Boolean);
});

after(async () => {
  await browser?.close();
  demo?.stop();
});

test('a creditor applies with evidence, the 查询 clerk approves, and the creditor sees only the limited result', async () => {
  // Sign up with the one-time code from the SMS sandbox, then log in.
  const page = await newPage(browser, { width: 1280, height: 900 });
  await signUp(page, demo, { name: creditor.name, id: creditor.id, username: creditor.user, phone: creditor.phone, password: PASSWORD });
  await logIn(page, base, { username: creditor.user, password: PASSWORD });

  // The application: the nav link, the form, a fake PDF refused beside its field, then a real one.
  await page.click('nav a[href="/portal/interest"]');
  await page.waitForURL(`${base}/portal/interest`);
  await page.selectOption('#property_kind', 'unit');
  await page.fill('#property', flat.unit);
  await page.selectOption('#relation', 'creditor');
  await page.fill('#reason', `房主向我借款 30 万元逾期未还，我已向常州市天宁区人民法院起诉，需查询其房产的抵押、查封情况以申请财产保全。`);
  await page.setInputFiles('#evidence', { name: '民事起诉状.pdf', mimeType: 'application/pdf', buffer: evidencePdf() });
  await screenshot(page, 'interest-apply');
  await page.setInputFiles('#evidence', { name: '起诉状.pdf', mimeType: 'application/pdf', buffer: Buffer.from('MZ this is no pdf') });
  await page.click('#interest-apply button[type=submit]');
  const err = page.locator('#evidence-error');
  await err.waitFor();
  assert.match(await err.textContent(), /不是 PNG、JPEG 图片或 PDF 文件/);
  assert.equal(await page.inputValue('#property'), flat.unit, 'the typed values survive');
  await page.setInputFiles('#evidence', { name: '民事起诉状.pdf', mimeType: 'application/pdf', buffer: evidencePdf() });
  await page.click('#interest-apply button[type=submit]');
  await page.waitForURL(/\/portal\/interest\/\d+$/);
  assert.equal(await page.textContent('#interest-state'), '待审核');
  assert.match(await page.textContent('#interest-received'), /申请已收到/);
  assert.ok(!(await page.textContent('main')).includes(flat.location), 'nothing about the flat before approval');
  const mine = page.url();

  // At phone width the application page does not scroll sideways.
  const phone = await newPage(browser, { width: 375, height: 812 });
  await phone.context().addCookies(await page.context().cookies());
  for (const url of ['/portal/interest', new URL(mine).pathname]) {
    await phone.goto(base + url);
    assert.ok(await noHorizontalScroll(phone), `${url} scrolls sideways at 375 px`);
  }
  await phone.context().close();

  // The 查询 clerk reviews the evidence on the workbench and approves.
  const w = await newPage(browser, { width: 1280, height: 1000 });
  await logIn(w, base, { realm: 'staff', username: 'chaxun', password: DEMO_PASSWORD });
  await w.click('nav a[href="/workbench/interest"]');
  await w.waitForURL(`${base}/workbench/interest`);
  await w.locator('#interest-queue tr', { hasText: flat.unit }).locator('a', { hasText: '审核' }).click();
  await w.waitForURL(/\/workbench\/interest\/\d+$/);
  const frame = w.locator('iframe[title="民事起诉状.pdf"]');
  await frame.waitFor();
  const src = await frame.getAttribute('src');
  const served = await w.request.get(base + src);
  assert.equal(served.status(), 200);
  assert.equal(served.headers()['content-type'], 'application/pdf');
  assert.equal(served.headers()['x-content-type-options'], 'nosniff');
  assert.match(served.headers()['content-disposition'], /^inline/);
  // Without a session the evidence is not served: the visitor is sent to log in.
  const anon = await fetch(base + src, { redirect: 'manual' });
  assert.equal(anon.status, 303);
  await w.waitForTimeout(500);
  await screenshot(w, 'interest-review');
  await w.fill('#reason', '起诉状载明借贷关系，利害关系成立');
  await w.click('button[name=decision][value=approve]');
  await w.locator('#interest-state', { hasText: '已同意' }).waitFor();
  await w.context().close();

  // The creditor sees the limited result: no owner name, ID number, certificate or amount.
  await page.goto(mine);
  await page.locator('#interest-result').waitFor();
  const result = await page.textContent('#interest-result');
  assert.ok(result.includes(flat.location) && result.includes(flat.unit) && result.includes('112.40 平方米'), result);
  if (flat.mortgaged) assert.match(result, /抵押权登记\s*有/);
  for (const secret of [owner.name, owner.id, '900000', '常州示例银行', ...flat.certificates]) {
    assert.ok(!(await page.textContent('main')).includes(secret), `${secret} leaked`);
  }
  await screenshot(page, 'interest-result');
  await page.context().close();
});
