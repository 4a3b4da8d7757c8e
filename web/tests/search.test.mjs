// 业务查询 in real headless Chromium at 1280 px (issue 20, Staff): a staff member searches by
// 坐落 from the workbench's link, pages through the results (the conditions stay in the address),
// opens a case, and finds a finished one by its certificate number typed with full-width
// brackets. The screenshot goes to docs/screenshots/workbench-search.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, noHorizontalScroll, screenshot, startDemo, logIn, citizenId } from './harness.mjs';

const PASSWORD = 'Changzhou-2026';
const rand = Math.floor(Math.random() * 9000) + 1000;
const street = `常州市新北区查询路${rand}号`;
const CASES = 25;
const applicantId = citizenId('320411', '19920202', String(rand % 900 + 100));
const masked = `${applicantId.slice(0, 4)}${'*'.repeat(10)}${applicantId.slice(-4)}`;

let demo;
let browser;
let certificate;

before(async () => {
  demo = await startDemo();
  browser = await launch();
  const admin = await demo.token('admin');
  await demo.api('POST', '/api/v1/admin/users', admin, { realm: 'staff', username: `cx${rand}`, display_name: '查询窗口林芳', password: PASSWORD, roles: ['intake', 'certify', 'archive', 'query'] });
  const clerk = await demo.token(`cx${rand}`, PASSWORD);
  const [reviewer, registrar] = [await demo.token('shenhe'), await demo.token('dengbu')];
  const parcel = `320411009009GB0${rand}`;
  await demo.api('POST', '/api/v1/parcels', clerk, { code: parcel, location: street, area: 3100, land_use: '城镇住宅用地', right_nature: '102', term_start: '2010-01-01', term_end: '2080-01-01' });
  await demo.api('POST', '/api/v1/buildings', clerk, { parcel_code: parcel, building_no: '0001', name: '1幢', floors: 11, structure: '钢筋混凝土结构', completed_year: 2012 });
  const party = await demo.api('POST', '/api/v1/parties', clerk, { kind: 'person', name: '林查询', id_type: '1', id_number: applicantId });
  for (let i = 1; i <= CASES; i++) {
    const room = String(i).padStart(4, '0');
    const unit = await demo.api('POST', '/api/v1/units', clerk, { unit_number: `${parcel}F0001${room}`, location: `${street}1幢${100 + i}室`, area: 90, house_use: '10' });
    const opened = await demo.api('POST', '/api/v1/cases', clerk, { flow_code: 'CTR-FIRST-STATE-HOUSE', unit_ids: [unit.id], applicants: [{ party_id: party.id, role: 'right_holder' }] });
    if (i === 1) {
      // The first is taken through to 归档: finished cases are found too.
      const act = (who, body) => demo.api('POST', `/api/v1/cases/${opened.case.id}/actions`, who, body);
      for (const [action, who] of [['submit', clerk], ['approve', reviewer], ['register', registrar], ['certify', clerk]]) await act(who, { action });
      // 发证 to the holder himself; where 发证 records the 领证人 (ID, 印制号), it asks for them.
      await act(clerk, { action: 'issue', reason: '本人领取' }).catch(() => act(clerk, {
        action: 'issue', reason: '本人领取',
        issuance: { recipient_name: '林查询', id_kind: 'resident_card', id_number: applicantId, relation: 'holder', serials: [{ print_serial: `JS32040${rand}1` }] },
      }));
      await act(clerk, { action: 'archive' });
      const book = await demo.api('GET', `/api/v1/units/${unit.id}/register`, clerk);
      certificate = book.current[0].certificate_number;
    }
  }
});

after(async () => {
  await browser?.close();
  demo?.stop();
});

test('a staff member searches by 坐落, pages, opens a case and finds an archived one by certificate', async () => {
  const w = await newPage(browser, { width: 1280, height: 900 });
  await logIn(w, demo.base, { realm: 'staff', username: `cx${rand}`, password: PASSWORD });
  await w.click('main >> a[href="/workbench/search"]');
  await w.locator('#case-search').waitFor();

  await w.fill('#location', street);
  await w.selectOption('#per_page', '20');
  await w.click('#case-search button[type=submit]');
  await w.locator('#result-count', { hasText: `共 ${CASES} 件` }).waitFor();
  const url = new URL(w.url());
  assert.equal(url.pathname, '/workbench/search');
  assert.equal(url.searchParams.get('location'), street, 'the conditions are in the address');
  assert.equal(await w.locator('#results tbody tr').count(), 20);
  assert.match(await w.textContent('#page-of'), /第 1 \/ 2 页/);
  assert.ok(await noHorizontalScroll(w), 'no sideways scrolling at 1280 px');
  await screenshot(w, 'workbench-search');

  // The next page keeps the conditions: the last 5 cases.
  await w.click('a[rel=next]');
  await w.locator('#page-of', { hasText: '第 2 / 2 页' }).waitFor();
  assert.equal(new URL(w.url()).searchParams.get('location'), street);
  assert.equal(await w.locator('#results tbody tr').count(), CASES - 20);
  assert.equal(await w.inputValue('#location'), street, 'the form shows the conditions');

  // Newest first: the first case (archived) is the last row of the last page.
  const last = w.locator('#results tbody tr').last();
  assert.match(await last.textContent(), /已归档/);
  assert.ok((await last.textContent()).includes(`林查询（${masked}）`), 'the applicant with the masked ID');
  const number = (await last.locator('td a').textContent()).trim();
  await last.locator('td a').click();
  await w.waitForURL(/\/workbench\/cases\/\d+$/);
  assert.match(await w.textContent('main'), new RegExp(number));

  // The certificate number as typed on a Chinese keyboard: full-width brackets.
  await w.goto(`${demo.base}/workbench/search`);
  await w.fill('#certificate', certificate.replace('(', '（').replace(')', '）'));
  await w.click('#case-search button[type=submit]');
  await w.locator('#result-count', { hasText: '共 1 件' }).waitFor();
  assert.equal((await w.locator('#results tbody tr td a').textContent()).trim(), number);

  // A reversed date range is refused beside its field.
  await w.goto(`${demo.base}/workbench/search`);
  await w.fill('#from', '2026-12-04');
  await w.fill('#to', '2026-12-01');
  await w.click('#case-search button[type=submit]');
  await w.locator('#to-error').waitFor();
  assert.match(await w.textContent('#to-error'), /早于/);

  // 导出 Excel carries the same conditions.
  await w.goto(`${demo.base}/workbench/search?location=${encodeURIComponent(street)}`);
  const href = await w.getAttribute('#export', 'href');
  assert.ok(href.startsWith('/workbench/search.xlsx?') && href.includes(encodeURIComponent(street)), href);
  const [download] = await Promise.all([w.waitForEvent('download'), w.click('#export')]);
  assert.match(download.suggestedFilename(), /\.xlsx$/);
  await w.context().close();
});
