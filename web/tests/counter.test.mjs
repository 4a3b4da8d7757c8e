// Counter intake, the own-archive query and agents, in real headless Chromium (issue 5):
// a clerk finds a unit by 坐落, names the parties with live ID validation, ticks and scans the
// materials, sees the precheck (and a seizure blocking another unit), and accepts; the seller
// signs up and sees his unit and the scans of his cases; an agent records an authorisation and
// applies for his principal. Screenshots go to docs/screenshots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, noHorizontalScroll, screenshot, startDemo, citizenId, signUp, logIn, pdfFile } from './harness.mjs';

const PASSWORD = 'Changzhou-2026';
const rand = Math.floor(Math.random() * 9000) + 1000;
const seller = { name: '周业主', id: citizenId('320402', '19680303', String(rand % 900 + 100)), user: `zhou${rand}`, phone: `137${String(rand).padStart(4, '0')}1234` };
const buyer = { name: '吴买受', id: citizenId('320404', '19920404', String((rand + 3) % 900 + 100)) };
const agent = { name: '钱代办', id: citizenId('320411', '19850505', String((rand + 5) % 900 + 100)), user: `qian${rand}`, phone: `136${String(rand).padStart(4, '0')}4321` };
const street = `常州市钟楼区南大街${rand}号`;

let demo;
let browser;
const units = {};

before(async () => {
  demo = await startDemo();
  browser = await launch();
  const admin = await demo.token('admin');
  await demo.api('POST', '/api/v1/admin/users', admin, { realm: 'staff', username: `ck${rand}`, display_name: '受理窗口陈静', password: PASSWORD, roles: ['intake', 'review', 'register', 'query'] });
  const clerk = await demo.token(`ck${rand}`, PASSWORD);
  const [reviewer, registrar] = [await demo.token('shenhe'), await demo.token('dengbu')];
  const parcel = `320404008008GB0${rand}`;
  await demo.api('POST', '/api/v1/parcels', clerk, { code: parcel, location: street, area: 2600, land_use: '城镇住宅用地', right_nature: '102', term_start: '2004-01-01', term_end: '2074-01-01' });
  await demo.api('POST', '/api/v1/buildings', clerk, { parcel_code: parcel, building_no: '0001', name: '1幢', floors: 7, structure: '混合结构', completed_year: 2005 });
  const party = await demo.api('POST', '/api/v1/parties', clerk, { kind: 'person', name: seller.name, id_type: '1', id_number: seller.id });
  for (const room of ['0101', '0201']) {
    const unit = await demo.api('POST', '/api/v1/units', clerk, { unit_number: `${parcel}F0001${room}`, location: `${street}1幢${room.slice(1)}室`, area: 88.2, house_use: '10' });
    const opened = await demo.api('POST', '/api/v1/cases', clerk, { flow_code: 'CTR-FIRST-STATE-HOUSE', unit_ids: [unit.id], applicants: [{ party_id: party.id, role: 'right_holder' }] });
    // 受理, 审核 and 登簿 by three people (不相容岗位分离).
    for (const [action, who] of [['submit', clerk], ['approve', reviewer], ['register', registrar]]) await demo.api('POST', `/api/v1/cases/${opened.case.id}/actions`, who, { action });
    units[room] = unit;
  }
  // The second flat is seized by a court.
  const day = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
  await demo.api('POST', '/api/v1/court/deliveries', clerk, { court: '常州市钟楼区人民法院', case_number: `(2026)苏0404执${rand}号`, delivered_at: `${day}T09:00:00`, properties: [{ action: '11', unit_number: units['0201'].unit_number }] });
});

after(async () => {
  await browser?.close();
  demo?.stop();
});

test('a clerk accepts a transfer at the counter: unit by 坐落, live ID check, scans, precheck', async () => {
  const w = await newPage(browser, { width: 1280, height: 900 });
  await logIn(w, demo.base, { realm: 'staff', username: `ck${rand}`, password: PASSWORD });
  await w.click('nav >> text=窗口受理');
  await w.selectOption('#flow-pick', 'CTR-TRANSFER');
  await w.click('form[method=get] button[type=submit]');
  await w.locator('#intake-form').waitFor();

  // The seized flat first: the precheck says it cannot be accepted, with the legal basis.
  await w.selectOption('#by', 'location');
  await w.fill('#q', `${street}1幢201室`);
  await w.click('#find-units');
  await w.locator('#unit-results input[name=unit_ids]').first().check();
  await w.fill('#name_0', buyer.name);
  await w.fill('#id_number_0', buyer.id);
  await w.selectOption('#role_1', 'obligor');
  await w.fill('#name_1', seller.name);
  await w.fill('#id_number_1', seller.id);
  await w.click('#precheck');
  await w.locator('#findings', { hasText: '存在阻断性限制' }).waitFor();
  assert.match(await w.textContent('#precheck-findings'), /查封/);

  // Then the free flat, by the same street: two found, the 101 chosen.
  // Enter in the search box searches; it never submits the case.
  await w.fill('#q', street);
  await w.press('#q', 'Enter');
  await w.locator('#unit-results .unit-choice').nth(1).waitFor();
  assert.match(w.url(), /\/workbench\/intake/);
  assert.equal(await w.locator('#unit-results .unit-choice').count(), 2);
  await w.locator('#unit-results .unit-choice', { hasText: '101室' }).locator('input[type=checkbox]').check();
  // A wrong check digit is shown at once, beside the field; the right one is confirmed.
  const wrong = buyer.id.slice(0, 17) + (buyer.id[17] === '1' ? '2' : '1');
  await w.fill('#id_number_0', wrong);
  await w.locator('#id-check-0 .field-error', { hasText: '校验位' }).waitFor();
  await w.fill('#id_number_0', buyer.id);
  await w.locator('#id-check-0 .id-ok', { hasText: '身份证号有效' }).waitFor();
  await w.locator('#id-check-1', { hasText: `登记簿中已有：${seller.name}` }).waitFor();
  // Materials: the originals ticked, two scans uploaded; the tax certificate missing at first.
  for (const code of ['application_form', 'applicant_identity', 'title_certificate', 'transfer_basis']) await w.check(`input[name=received][value=${code}]`);
  await w.setInputFiles('input[name=file_application_form]', pdfFile('申请书.pdf', 'Application form'));
  await w.setInputFiles('input[name=file_transfer_basis]', pdfFile('转移依据.pdf', 'Transfer basis'));
  await w.click('#precheck');
  await w.locator('#findings', { hasText: '未发现阻断性限制' }).waitFor();
  await screenshot(w, 'workbench-intake');
  await w.click('#accept');
  await w.locator('#intake-error').waitFor();
  assert.match(await w.textContent('#materials'), /完税证明.*未收取/);
  // What was typed survives; the scans must be chosen again (a browser never keeps them).
  assert.equal(await w.inputValue('#name_0'), buyer.name);
  assert.equal(await w.inputValue('#id_number_1'), seller.id);
  assert.ok(await w.isChecked('input[name=received][value=title_certificate]'));
  assert.ok(await w.locator('#unit-results input[name=unit_ids]').first().isChecked());
  await w.check('input[name=received][value=tax_certificate]');
  await w.setInputFiles('input[name=file_application_form]', pdfFile('申请书.pdf', 'Application form'));
  await w.click('#accept');
  await w.waitForURL(/\/workbench\/cases\/\d+$/);
  assert.equal(await w.textContent('#case-state'), '审核');
  // Taken at the counter: recorded as 窗口, whatever channels the flow also has.
  assert.match((await w.textContent('main')).replace(/\s+/g, ''), /渠道窗口/);
  assert.match(await w.textContent('#case-materials'), /申请书\.pdf/);
  await w.context().close();
});

test('a citizen sees his own units and the scans of his cases, and nothing else', async () => {
  const page = await newPage(browser, { width: 1280, height: 900 });
  await signUp(page, demo, { name: seller.name, id: seller.id, username: seller.user, phone: seller.phone, password: PASSWORD });
  await logIn(page, demo.base, { username: seller.user, password: PASSWORD });
  await page.click('nav >> text=档案查询');
  await page.locator('#my-units').waitFor();
  const rows = page.locator('#my-units tbody tr');
  assert.equal(await rows.count(), 2);
  assert.match(await page.textContent('#my-units'), /查封/);
  // The counter transfer names him as obligor: its scans are his to see.
  const scan = page.locator('.file-list a', { hasText: '申请书.pdf' }).first();
  const r = await page.request.get(demo.base + (await scan.getAttribute('href')));
  assert.equal(r.status(), 200);
  assert.equal(r.headers()['content-type'], 'application/pdf');
  await screenshot(page, 'portal-archive');
  // A file of another case is not found for him.
  const other = await page.request.get(`${demo.base}/files/999999`);
  assert.equal(other.status(), 404);
  const phone = await newPage(browser, { width: 375, height: 812 });
  await logIn(phone, demo.base, { username: seller.user, password: PASSWORD });
  for (const url of ['/portal', '/portal/archive', '/portal/apply/IND-TRANSFER-STOCK-HOUSE']) {
    await phone.goto(demo.base + url);
    assert.ok(await noHorizontalScroll(phone), `${url} scrolls sideways at 375 px`);
  }
  await phone.context().close();
  await page.context().close();
});

test('an agent records an authorisation and applies for his principal', async () => {
  const page = await newPage(browser, { width: 1280, height: 900 });
  await signUp(page, demo, { kind: 'agent', name: agent.name, id: agent.id, username: agent.user, phone: agent.phone, password: PASSWORD });
  await logIn(page, demo.base, { username: agent.user, password: PASSWORD });
  await page.click('text=授权委托');
  // Without the letter: the error is beside the field and the typed values stay.
  await page.fill('#principal_name', seller.name);
  await page.fill('#principal_id', seller.id);
  await page.fill('#matters', '代为申请存量房转移登记');
  const until = new Date(Date.now() + 30 * 86400 * 1000).toISOString().slice(0, 10);
  await page.fill('#valid_until', until);
  await page.click('#authorisation-form button[type=submit]');
  await page.locator('#document-error', { hasText: '授权委托书' }).waitFor();
  assert.equal(await page.inputValue('#principal_id'), seller.id);
  await page.setInputFiles('#document', pdfFile('授权委托书.pdf', 'Power of attorney'));
  await page.click('#authorisation-form button[type=submit]');
  await page.locator('#authorisations tbody tr', { hasText: seller.name }).waitFor();
  assert.match(await page.textContent('#authorisations'), /有效/);
  await screenshot(page, 'portal-agency');
  // The apply form offers to act for him.
  await page.goto(`${demo.base}/portal/apply/IND-TRANSFER-STOCK-HOUSE`);
  const option = page.locator('#on_behalf option', { hasText: seller.name });
  assert.equal(await option.count(), 1);
  const phone = await newPage(browser, { width: 375, height: 812 });
  await phone.context().addCookies(await page.context().cookies());
  await phone.goto(`${demo.base}/portal/agency`);
  assert.ok(await noHorizontalScroll(phone), '/portal/agency scrolls sideways at 375 px');
  await phone.context().close();
  await page.context().close();
});
