// Real-name sign-up proven by the identity authority (公安 人证比对 and the enterprise registry),
// in real headless Chromium against the demo (whose sandbox authority runs in the server's
// process): a citizen at phone width (375 px) is refused with another's face — one sentence, no
// hint of what was wrong — and accepted with her own; a company signs up at 1280 px with its
// 法定代表人's face after the registry knows it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, noHorizontalScroll, screenshot, startDemo, citizenId, logIn, fillSignUp } from './harness.mjs';

const PASSWORD = 'Changzhou-2026';
const rand = Math.floor(Math.random() * 9000) + 1000;

let demo;
let browser;

before(async () => {
  demo = await startDemo();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  demo?.stop();
});

async function photoOf(id, shot = 3) {
  const r = await fetch(`${demo.identity}/sandbox/portrait/${id}?shot=${shot}`);
  assert.equal(r.status, 200);
  return { name: 'live.png', mimeType: 'image/png', buffer: Buffer.from(await r.arrayBuffer()) };
}

test('a citizen is refused with another face and signed up with her own, at 375 px', async () => {
  const person = { kind: 'person', name: '钱晓梅', id: citizenId('320404', '19920303', String(rand % 900 + 100)), username: `qian${rand}`, phone: `137${String(rand).padStart(4, '0')}1234` };
  const stranger = citizenId('320404', '19800101', String((rand + 3) % 900 + 100));
  await demo.residentPhoto(person.name, person.id);
  await demo.residentPhoto('路人甲', stranger);
  const page = await newPage(browser, { width: 375, height: 812 });
  await fillSignUp(page, demo, { ...person, password: PASSWORD });
  await page.setInputFiles('#photo', await photoOf(stranger));
  await page.click('main button[type=submit]');
  const err = page.locator('#name-error');
  await err.waitFor();
  assert.match(await err.textContent(), /实名核验未通过/);
  assert.doesNotMatch(await page.textContent('main'), /不一致|不存在|照片不符/, 'the refusal does not say what was wrong');
  assert.equal(await page.inputValue('#id_number'), person.id, 'typed values stay');
  assert.ok(await noHorizontalScroll(page), '/signup scrolls sideways at 375 px');
  await screenshot(page, 'signup-refused-375');
  // Her own face, the same code (one try of five was spent).
  await page.fill('#password', PASSWORD);
  await page.fill('#password_again', PASSWORD);
  await page.setInputFiles('#photo', await photoOf(person.id));
  await page.click('main button[type=submit]');
  await page.locator('h1', { hasText: '注册成功' }).waitFor();
  await logIn(page, demo.base, { username: person.username, password: PASSWORD });
  assert.equal(new URL(page.url()).pathname, '/portal');
  await page.context().close();
});

test('a company signs up with its legal representative proven, at 1280 px', async () => {
  const rep = { name: '孔德明', id: citizenId('320402', '19700707', String((rand + 5) % 900 + 100)) };
  // 统一社会信用代码 with its GB 32100 check character.
  const chars = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  const w = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  const body = `91320402MA1${String(rand).padStart(4, '0')}QX`.slice(0, 17);
  const sum = [...body].reduce((s, c, i) => s + chars.indexOf(c) * w[i], 0);
  const credit = body + chars[(31 - (sum % 31)) % 31];
  const company = { kind: 'enterprise', name: `常州德明${rand}贸易有限公司`, id: credit, username: `deming${rand}`, phone: `136${String(rand).padStart(4, '0')}4321` };
  await demo.residentPhoto(rep.name, rep.id);
  const added = await fetch(`${demo.identity}/sandbox/enterprises`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ credit_code: credit, name: company.name, representative_name: rep.name, representative_id: rep.id }) });
  assert.equal(added.status, 201);
  const page = await newPage(browser, { width: 1280, height: 900 });
  await fillSignUp(page, demo, { ...company, password: PASSWORD });
  await page.fill('#representative_name', rep.name);
  await page.fill('#representative_id', rep.id);
  await page.setInputFiles('#photo', await photoOf(rep.id));
  await screenshot(page, 'signup-enterprise');
  await page.click('main button[type=submit]');
  await page.locator('h1', { hasText: '注册成功' }).waitFor();
  await logIn(page, demo.base, { username: company.username, password: PASSWORD });
  assert.equal(new URL(page.url()).pathname, '/portal');
  await page.context().close();
});
