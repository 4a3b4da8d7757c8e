// End to end in real headless Chromium (issue 5): a citizen signs up on 线上苏小登, applies
// online for 存量房转移, a clerk accepts, reviews, registers, certifies and issues it on the
// workbench, the citizen downloads the certificate PDF and the authenticity query confirms it.
// Also: a validation error beside its field with the typed values kept, and the portal at
// phone width (375 px) without horizontal scrolling. Screenshots go to docs/screenshots/.
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
const seller = { name: '王卖方', id: citizenId('320402', '19750101', String(rand % 900 + 100)) };
const buyer = { name: '李买方', id: citizenId('320411', '19900202', String((rand + 7) % 900 + 100)), user: `mai${rand}`, phone: `139${String(rand).padStart(4, '0')}5678` };

before(async () => {
  demo = await startDemo();
  ({ base, api, token } = demo);
  browser = await launch();

  // The seller's flat, registered at the counter through the API.
  const admin = await token('admin');
  await api('POST', '/api/v1/admin/users', admin, { realm: 'staff', username: 'banli', display_name: '综合窗口张敏', password: PASSWORD, roles: ['intake', 'review', 'register', 'certify', 'archive', 'query'] });
  const clerk = await token('banli', PASSWORD);
  const parcel = `320402009009GB0${rand}`;
  await api('POST', '/api/v1/parcels', clerk, { code: parcel, location: '常州市天宁区青洋北路88号', area: 3000, land_use: '城镇住宅用地', right_nature: '102', term_start: '2006-01-01', term_end: '2076-01-01' });
  await api('POST', '/api/v1/buildings', clerk, { parcel_code: parcel, building_no: '0001', name: '1幢', floors: 11, structure: '钢筋混凝土结构', completed_year: 2010 });
  const unit = await api('POST', '/api/v1/units', clerk, { unit_number: `${parcel}F00010001`, location: '常州市天宁区青洋北路88号1幢101室', area: 96.5, house_use: '10' });
  const party = await api('POST', '/api/v1/parties', clerk, { kind: 'person', name: seller.name, id_type: '1', id_number: seller.id });
  const opened = await api('POST', '/api/v1/cases', clerk, { flow_code: 'CTR-FIRST-STATE-HOUSE', unit_ids: [unit.id], applicants: [{ party_id: party.id, role: 'right_holder' }] });
  // 受理, 审核 and 登簿 by three people (不相容岗位分离): the demo's 审核员 and 登簿员.
  const [reviewer, registrar] = [await token('shenhe'), await token('dengbu')];
  for (const [action, who] of [['submit', clerk], ['approve', reviewer], ['register', registrar]]) {
    await api('POST', `/api/v1/cases/${opened.case.id}/actions`, who, { action });
  }
  const book = await api('GET', `/api/v1/units/${unit.id}/register`, clerk);
  seller.certificate = book.current[0].certificate_number;
  seller.unit = unit.unit_number;
  seller.unitId = unit.id;
});

after(async () => {
  await browser?.close();
  demo?.stop();
});

test('a validation error is shown beside its field and the typed values survive', async () => {
  const page = await newPage(browser, { width: 1280, height: 900 });
  await page.goto(`${base}/signup`);
  await page.fill('#name', '赵六');
  await page.fill('#id_number', '320402199001011230');
  await page.fill('#username', 'zhaoliu');
  await page.fill('#phone', '13900001111');
  await page.click('main button[type=submit]');
  const err = page.locator('#id_number-error');
  await err.waitFor();
  assert.match(await err.textContent(), /校验位/);
  // Beside its field: inside the same .field block as the input.
  assert.equal(await page.locator('.field--invalid #id_number').count(), 1);
  assert.equal(await page.inputValue('#name'), '赵六');
  assert.equal(await page.inputValue('#id_number'), '320402199001011230');
  assert.equal(await page.inputValue('#username'), 'zhaoliu');
  await screenshot(page, 'signup-validation');
  await page.context().close();
});

test('the portal at phone width has no horizontal scrolling', async () => {
  const page = await newPage(browser, { width: 375, height: 812 });
  for (const url of ['/', '/signup', '/verify']) {
    await page.goto(base + url);
    assert.ok(await noHorizontalScroll(page), `${url} scrolls sideways at 375 px`);
  }
  await page.goto(`${base}/`);
  await screenshot(page, 'portal-phone-375');
  await page.context().close();
});

test('a citizen applies online, staff register it, the citizen downloads the certificate and the query confirms it', async () => {
  // Sign up (one-time code from the SMS sandbox) and log in.
  const page = await newPage(browser, { width: 1280, height: 900 });
  await page.goto(`${base}/`);
  await screenshot(page, 'portal-home');
  await signUp(page, demo, { name: buyer.name, id: buyer.id, username: buyer.user, phone: buyer.phone, password: PASSWORD });
  await logIn(page, base, { username: buyer.user, password: PASSWORD });

  // Apply for 存量房转移 as the buyer, naming the seller.
  await page.click('a[href="/portal/apply/IND-TRANSFER-STOCK-HOUSE"]');
  await page.fill('#property', seller.certificate);
  await page.selectOption('#my_role', 'right_holder');
  await page.selectOption('#other_role_0', 'obligor');
  await page.fill('#other_name_0', seller.name);
  await page.fill('#other_id_0', seller.id);
  // Two materials now, saved as a draft; the typed values and the files survive.
  await page.setInputFiles('#file_application_form', pdfFile('申请书.pdf', 'Application form'));
  await page.setInputFiles('#file_sale_contract', pdfFile('买卖合同.pdf', 'Sale contract'));
  await page.click('#save-draft');
  await page.locator('#draft-saved').waitFor();
  assert.equal(await page.inputValue('#other_name_0'), seller.name);
  assert.match(await page.textContent('#materials'), /买卖合同\.pdf/);
  // Submitting without the identity papers names the missing material beside its input.
  await page.click('button[name=intent][value=submit]');
  await page.locator('#file_applicant_identity-error', { hasText: '申请人身份证明' }).waitFor();
  await page.setInputFiles('#file_applicant_identity', { name: '身份证.png', mimeType: 'image/png', buffer: await page.screenshot({ clip: { x: 0, y: 0, width: 480, height: 300 } }) });
  await page.setInputFiles('#file_title_certificate', pdfFile('产权证书.pdf', 'Title certificate'));
  await page.setInputFiles('#file_tax_certificate', pdfFile('完税证明.pdf', 'Tax paid'));
  await screenshot(page, 'portal-apply');
  await page.click('button[name=intent][value=submit]');
  // A sale is applied for by both (第十四条): it waits until the seller confirms.
  await page.waitForURL(/\/portal\/applications\/\d+$/);
  assert.equal(await page.textContent('#application-state'), '待共同申请人确认');
  const applicationUrl = page.url();
  const s = await newPage(browser, { width: 375, height: 812 });
  const sellerPhone = `137${String(rand).padStart(4, '0')}1234`;
  await signUp(s, demo, { name: seller.name, id: seller.id, username: `mai${rand}s`, phone: sellerPhone, password: PASSWORD });
  await logIn(s, base, { username: `mai${rand}s`, password: PASSWORD });
  await s.goto(applicationUrl);
  await s.click('#send-code');
  await s.locator('#code-sent').waitFor();
  await s.fill('#code', await demo.smsCode(sellerPhone));
  await screenshot(s, 'portal-confirm-375');
  assert.ok(await noHorizontalScroll(s), 'the confirmation page scrolls sideways at 375 px');
  await s.click('#confirm');
  await s.locator('#application-state', { hasText: '已提交登记机构' }).waitFor();
  await s.context().close();
  await page.goto(applicationUrl);
  await page.click('a[href^="/portal/cases/"]');
  await page.waitForURL(/\/portal\/cases\/\d+$/);
  assert.equal(await page.locator('#case-files li').count(), 5, 'the draft\'s files went with the application');
  assert.equal(await page.textContent('#case-state'), '受理');
  const caseUrl = page.url();
  // The progress tells where the case waits: 申请 done, 受理 current.
  assert.equal(await page.textContent('.steps__item.is-current'), '受理');
  assert.equal(await page.locator('.steps__item.is-done').count(), 1);
  // A direct submission lands here with its confirmation: the 业务号 and what happens next.
  await page.goto(`${caseUrl}?submitted=1`);
  assert.match(await page.textContent('#submitted'), /申请已提交.*业务号/s);
  await page.goto(caseUrl);

  // The clerk works it on the workbench: 受理 → 审核通过 → 登簿 → 缮证 → 发证.
  const w = await newPage(browser, { width: 1280, height: 900 });
  await logIn(w, base, { realm: 'staff', username: 'banli', password: PASSWORD });
  await screenshot(w, 'workbench-tasks');
  const row = w.locator('tr', { hasText: '存量房转移' }).first();
  await row.locator('a', { hasText: '办理' }).click();
  await w.waitForURL(/\/workbench\/cases\/\d+$/);
  // The reviewer sees every material in the page: photos inline, PDFs in a frame.
  assert.equal(await w.locator('#case-materials tbody tr').count(), 6);
  assert.equal(await w.locator('details.viewer').count(), 5);
  assert.equal(await w.locator('details.viewer img').count(), 1);
  const frame = await w.locator('details.viewer iframe').first().getAttribute('src');
  const scan = await w.request.get(base + frame);
  assert.equal(scan.headers()['content-type'], 'application/pdf');
  assert.equal(scan.headers()['x-content-type-options'], 'nosniff');
  await w.click('button[name=action]:text-is("受理")');
  await w.locator('#case-state', { hasText: '审核' }).waitFor();
  // Every action says what it did and where the case now stands.
  assert.match(await w.textContent('#action-done'), /已完成：受理，办件当前状态：审核/);
  // He holds the review role too, but accepted this case: the review is someone else's.
  await w.click('button[name=action]:text-is("审核通过")');
  await w.locator('.alert', { hasText: '审核须由其他工作人员办理' }).waitFor();
  assert.match(await w.textContent('#case-state'), /审核/);
  const caseOnWorkbench = w.url().split('?')[0];
  // The demo's 审核员 and 登簿员 take their steps on the same page.
  for (const [username, label, after] of [['shenhe', '审核通过', '待登簿'], ['dengbu', '登簿', '缮证']]) {
    const p = await newPage(browser, { width: 1280, height: 900 });
    await logIn(p, base, { realm: 'staff', username, password: DEMO_PASSWORD });
    await p.goto(caseOnWorkbench);
    await p.click(`button[name=action]:text-is("${label}")`);
    await p.locator('#case-state', { hasText: after }).waitFor();
    if (label === '审核通过') await screenshot(p, 'workbench-case');
    await p.context().close();
  }
  await w.goto(caseOnWorkbench);
  await w.click('button[name=action]:text-is("缮证")');
  await w.locator('#case-state', { hasText: '发证' }).waitFor();
  // 发证 has its own fields: the receiver, his ID and each certificate's 证书印制号. A wrong
  // 身份证号 is refused beside its field and what was typed stays.
  await w.fill('#recipient_name', buyer.name);
  await w.selectOption('#id_kind', 'resident_card');
  await w.fill('#id_number', buyer.id.slice(0, 17) + (buyer.id.endsWith('0') ? '1' : '0'));
  await w.selectOption('#relation', 'holder');
  const serial = `JS${rand}${Date.now() % 100000}`;
  await w.fill('#serial_0', serial);
  await w.click('#issue-form button[name=action]:text-is("发证")');
  await w.locator('#id_number-error').waitFor();
  assert.equal(await w.inputValue('#recipient_name'), buyer.name);
  assert.match(await w.textContent('#case-state'), /发证/);
  await w.fill('#id_number', buyer.id);
  await w.click('#issue-form button[name=action]:text-is("发证")');
  await w.locator('#case-state', { hasText: '待归档' }).waitFor();
  // Who received which certificate on which blank, and who took each step.
  assert.match(await w.textContent('#issuances'), new RegExp(`${serial}[\\s\\S]*${buyer.name}`));
  assert.match(await w.textContent('#case-events'), /提交申请[\s\S]*申请人[\s\S]*受理[\s\S]*审核通过[\s\S]*登簿[\s\S]*缮证[\s\S]*发证/);
  // 缮证预览: the certificate in a frame of the case page, its number as text.
  assert.match(await w.textContent('main'), /不动产权第\d+号/);
  const preview = await w.locator('iframe.certificate-preview').first().getAttribute('src');
  const shown = await w.request.get(base + preview);
  assert.equal(shown.headers()['content-type'], 'application/pdf');
  assert.match(shown.headers()['content-disposition'], /^inline/);
  assert.match(shown.headers()['content-security-policy'], /frame-ancestors 'self'/);
  const unitLink = w.locator('a.mono').first();
  await unitLink.click();
  await w.locator('.register-book').waitFor();
  assert.match(await w.textContent('.register-book'), new RegExp(buyer.name));
  // Each entry says when and by whom it was registered.
  assert.match(await w.textContent('#register-book thead'), /登簿时间.*登簿人/);
  await screenshot(w, 'workbench-register-book');
  await w.context().close();

  // The citizen sees the progress and downloads the certificate.
  await page.goto(caseUrl);
  assert.equal(await page.textContent('#case-state'), '待归档');
  assert.match(await page.textContent('#case-result'), /不动产权第\d+号/);
  await screenshot(page, 'portal-progress');
  await page.goto(`${base}/portal`);
  const link = page.locator('#my-certificates a', { hasText: '下载' }).first();
  const number = (await page.locator('#my-certificates tbody tr').first().locator('td').first().textContent()).trim();
  assert.match(number, /不动产权第\d+号/);
  const href = await link.getAttribute('href');
  const pdf = await page.request.get(base + href);
  assert.equal(pdf.status(), 200);
  assert.equal(pdf.headers()['content-type'], 'application/pdf');
  assert.equal((await pdf.body()).subarray(0, 5).toString(), '%PDF-');
  await screenshot(page, 'portal-my-space');

  // The authenticity query confirms it; a wrong name finds nothing; a forged code is caught.
  await page.goto(`${base}/verify`);
  await page.fill('#name', buyer.name);
  await page.fill('#number', number);
  await page.click('form:has(#number) button[type=submit]');
  await page.locator('#verdict', { hasText: '真实有效' }).waitFor();
  await screenshot(page, 'verify-genuine');
  await page.fill('#name', '冒名顶替');
  await page.fill('#number', number);
  await page.click('form:has(#number) button[type=submit]');
  await page.locator('#verdict', { hasText: '未查询到' }).waitFor();
  await page.fill('#payload', 'BDCZ1.eyJuIjoi5Lyq6YCgIn0.3045022100ab');
  await page.click('form:has(#payload) button[type=submit]');
  await page.locator('#verdict', { hasText: '伪造' }).waitFor();
  await page.context().close();
});

test('court notices delivered at the counter queue by delivery time and show on the court desk', async () => {
  const clerk = await token('banli', PASSWORD);
  const day = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
  // Entered in the order 10:30, 11:00, 09:15: the first becomes the seizure; the 09:15 notice,
  // entered last, still waits ahead of the 11:00 one (the registered seizure is not displaced).
  for (const [court, at] of [['常州市钟楼区人民法院', '10:30:00'], ['常州市新北区人民法院', '11:00:00'], ['常州市天宁区人民法院', '09:15:00']]) {
    await api('POST', '/api/v1/court/deliveries', clerk, { court, case_number: `(2026)苏04执${at.slice(0, 2)}号`, delivered_at: `${day}T${at}`, properties: [{ action: '11', unit_number: seller.unit }] });
  }
  const w = await newPage(browser, { width: 1280, height: 900 });
  await logIn(w, base, { realm: 'staff', username: 'banli', password: PASSWORD });
  await w.goto(`${base}/workbench/court`);
  const rows = w.locator('#court-inbox tbody tr');
  assert.equal(await rows.count(), 3);
  assert.match(await w.textContent('#court-inbox'), /已登簿（轮候）/);
  await screenshot(w, 'workbench-court');
  await w.goto(`${base}/workbench/units/${seller.unitId}`);
  const queue = await w.locator('#seizure-queue tbody tr').allTextContents();
  assert.match(queue[0], /现势查封.*钟楼区/);
  assert.match(queue[1], /轮候第 1 位.*天宁区/);
  assert.match(queue[2], /轮候第 2 位.*新北区/);
  await w.context().close();
});
