// Real-name sign-up proven by the identity authority (公安 人证比对 and the enterprise registry),
// in real headless Chromium against the demo (whose sandbox authority runs in the server's
// process): a citizen at phone width (375 px) is refused with another's face — one sentence, no
// hint of what was wrong — and accepted with her own; a company signs up at 1280 px with its
// 法定代表人's face after the registry knows it. A citizen who forgot her password finds 忘记密码？
// on the login page (1280 px) and resets it with the code sent to her phone (375 px).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, noHorizontalScroll, screenshot, startDemo, citizenId, logIn, fillSignUp, signUp } from './harness.mjs';

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

/** The password-reset code the SMS sandbox wrote to the server log for a phone (not a sign-up code). */
async function resetCode(phone) {
  for (let i = 0; i < 50; i++) {
    const m = [...demo.log().matchAll(new RegExp(`短信沙箱 → ${phone}：[^\\n]*?重置登录密码，验证码为 (\\d{6})`, 'g'))].pop();
    if (m) return m[1];
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('no password reset code in the server log');
}

test('a citizen who forgot her password resets it by SMS, at 1280 and 375 px', async () => {
  const NEW_PASSWORD = 'Lantern-Quartz-77';
  const person = { kind: 'person', name: '孙晓燕', id: citizenId('320411', '19880808', String((rand + 7) % 900 + 100)), username: `sun${rand}`, phone: `135${String(rand).padStart(4, '0')}5678` };
  const setup = await newPage(browser, { width: 1280, height: 900 });
  await signUp(setup, demo, { ...person, password: PASSWORD });
  await setup.context().close();

  // At the desk: the login page leads to 忘记密码; both steps lay out at 1280 px.
  const wide = await newPage(browser, { width: 1280, height: 900 });
  await wide.goto(`${demo.base}/login`);
  await wide.click('#forgot-password');
  await wide.locator('h1', { hasText: '忘记密码' }).waitFor();
  assert.ok(await noHorizontalScroll(wide), '/password/forgot scrolls sideways at 1280 px');
  await screenshot(wide, 'password-forgot');
  await wide.goto(`${demo.base}/password/reset`);
  assert.ok(await wide.locator('#code').isVisible() && await wide.locator('#password_again').isVisible());
  assert.ok(await noHorizontalScroll(wide), '/password/reset scrolls sideways at 1280 px');
  // Staff are told to ask an administrator.
  await wide.goto(`${demo.base}/workbench/login`);
  assert.match(await wide.textContent('main'), /忘记密码请联系系统管理员/);
  assert.equal(await wide.locator('#forgot-password').count(), 0);
  await wide.context().close();

  // On her phone: the code, a wrong try beside its field, then the new password.
  const page = await newPage(browser, { width: 375, height: 812 });
  await page.goto(`${demo.base}/password/forgot`);
  await page.fill('#username', person.username);
  await page.click('#send-code');
  const notice = page.locator('#code-notice');
  await notice.waitFor();
  assert.match(await notice.textContent(), /如该账户存在且绑定了手机，验证码已发送至其绑定的手机/);
  assert.doesNotMatch(await page.textContent('main'), /\*\*\*\*/, 'no masked phone: it would confirm the account');
  assert.equal(await page.inputValue('#username'), person.username, 'the user name is carried to step 2');
  assert.ok(await noHorizontalScroll(page), '/password/reset scrolls sideways at 375 px');
  const code = await resetCode(person.phone);
  const wrong = String((Number(code) + 1) % 1000000).padStart(6, '0');
  await page.fill('#code', wrong);
  await page.fill('#password', NEW_PASSWORD);
  await page.fill('#password_again', NEW_PASSWORD);
  await page.click('#reset-password');
  const err = page.locator('#code-error');
  await err.waitFor();
  assert.match(await err.textContent(), /验证码错误或已失效/);
  await screenshot(page, 'password-reset-refused-375');
  await page.fill('#code', code);
  await page.fill('#password', NEW_PASSWORD);
  await page.fill('#password_again', NEW_PASSWORD);
  await page.click('#reset-password');
  await page.locator('h1', { hasText: '密码已重置' }).waitFor();
  assert.ok(await noHorizontalScroll(page), 'the outcome scrolls sideways at 375 px');
  await screenshot(page, 'password-reset-done-375');
  await page.click('#to-login');
  await logIn(page, demo.base, { username: person.username, password: NEW_PASSWORD });
  assert.equal(new URL(page.url()).pathname, '/portal');
  await page.context().close();
});
