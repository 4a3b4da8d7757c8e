// 打印文书 in real headless Chromium (issue 20): a clerk at 1280 px opens a case on the workbench
// and clicks 打印受理回执 — the answer is a PDF; the demo citizen at 375 px opens 档案查询 and
// clicks 开具有房/无房证明 — the answer is a PDF too, and the page does not scroll sideways.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, noHorizontalScroll, startDemo, logIn, citizenId, DEMO_PASSWORD } from './harness.mjs';

const PASSWORD = 'Changzhou-2026';
const rand = Math.floor(Math.random() * 9000) + 1000;

let demo;
let browser;
let caseId;

before(async () => {
  demo = await startDemo({ units: 50 });
  browser = await launch();
  const admin = await demo.token('admin');
  await demo.api('POST', '/api/v1/admin/users', admin, { realm: 'staff', username: `ws${rand}`, display_name: '文书窗口陈静', password: PASSWORD, roles: ['intake', 'query'] });
  const clerk = await demo.token(`ws${rand}`, PASSWORD);
  const parcel = `320411008008GB0${rand}`;
  await demo.api('POST', '/api/v1/parcels', clerk, { code: parcel, location: `常州市新北区文书路${rand}号`, area: 3100, land_use: '城镇住宅用地', right_nature: '102', term_start: '2010-01-01', term_end: '2080-01-01' });
  await demo.api('POST', '/api/v1/buildings', clerk, { parcel_code: parcel, building_no: '0001', name: '1幢', floors: 11, structure: '钢筋混凝土结构', completed_year: 2012 });
  const party = await demo.api('POST', '/api/v1/parties', clerk, { kind: 'person', name: '陈文书', id_type: '1', id_number: citizenId('320411', '19900303', String(rand % 900 + 100)) });
  const unit = await demo.api('POST', '/api/v1/units', clerk, { unit_number: `${parcel}F00010101`, location: `常州市新北区文书路${rand}号1幢101室`, area: 90, house_use: '10' });
  const opened = await demo.api('POST', '/api/v1/cases', clerk, { flow_code: 'CTR-FIRST-STATE-HOUSE', unit_ids: [unit.id], applicants: [{ party_id: party.id, role: 'right_holder' }] });
  caseId = opened.case.id;
});

after(async () => {
  await browser?.close();
  demo?.stop();
});

/** Clicks `selector` (a link or form opening a new tab) and returns the PDF response it brings. */
async function clickForPdf(page, selector, path) {
  const [response] = await Promise.all([
    page.context().waitForEvent('response', (r) => new URL(r.url()).pathname === path),
    page.click(selector),
  ]);
  return response;
}

test('a clerk prints the 受理回执 from the case page', async () => {
  const w = await newPage(browser, { width: 1280, height: 900 });
  await logIn(w, demo.base, { realm: 'staff', username: `ws${rand}`, password: PASSWORD });
  await w.goto(`${demo.base}/workbench/cases/${caseId}`);
  await w.locator('#case-documents').waitFor();
  assert.equal(await w.locator('#print-correction').count(), 0, 'no 补正告知书 outside 补正');
  const path = `/workbench/cases/${caseId}/documents/receipt.pdf`;
  const r = await clickForPdf(w, '#print-receipt', path);
  assert.equal(r.status(), 200);
  assert.equal(r.headers()['content-type'], 'application/pdf');
  // The same address, fetched with the clerk's session, is the PDF itself.
  const again = await w.request.get(`${demo.base}${path}`);
  assert.equal(again.status(), 200);
  assert.equal((await again.body()).subarray(0, 5).toString(), '%PDF-');
  assert.ok(await noHorizontalScroll(w), 'no sideways scrolling at 1280 px');
  await w.context().close();
});

test('the demo citizen issues her 有房/无房证明 on a phone', async () => {
  const p = await newPage(browser, { width: 375, height: 800 });
  await logIn(p, demo.base, { username: 'geren', password: DEMO_PASSWORD });
  await p.goto(`${demo.base}/portal/archive`);
  await p.locator('#housing-proof-button').waitFor();
  assert.ok(await p.locator('#housing-proof-button').isVisible());
  assert.ok(await noHorizontalScroll(p), 'no sideways scrolling at 375 px');
  const r = await clickForPdf(p, '#housing-proof-button', '/portal/archive/proof.pdf');
  assert.equal(r.status(), 200);
  assert.equal(r.headers()['content-type'], 'application/pdf');
  await p.context().close();
});
