// 办事指南 in real headless Chromium: a citizen types what he wants on the home page, finds the
// flow, and reads its guide — who may apply, the conditions, every material with its note, the
// fee, the time limit, the law, the halls and hours — at 1280 px and on a phone at 375 px
// without sideways scrolling. Screenshots: docs/screenshots/guide.png, guide-phone-375.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, noHorizontalScroll, screenshot, startDemo } from './harness.mjs';

let demo;
let browser;

before(async () => {
  demo = await startDemo({ units: 50 });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  demo?.stop();
});

test('the home page finds a flow and its guide tells everything before applying (1280 px)', async () => {
  const page = await newPage(browser, { width: 1280 });
  await page.goto(`${demo.base}/`);
  await page.fill('#q', '存量房转移');
  await page.press('#q', 'Enter');
  await page.waitForURL(/\/guide\?q=/);
  assert.match(await page.textContent('#guide-count'), /找到 \d+ 项业务/);
  await page.click('#guide-list a:text-is("存量房转移")');
  await page.waitForURL(/\/guide\/IND-TRANSFER-STOCK-HOUSE$/);
  for (const [section, text] of [
    ['#guide-summary', '个工作日'],
    ['#guide-who', '个人申请'],
    ['#guide-conditions', '查封限制处分'],
    ['#guide-materials', '不动产买卖合同'],
    ['#guide-fees', '住宅类每件 80 元'],
    ['#guide-law', '不动产登记暂行条例'],
    ['#guide-halls', '办公时间'],
  ]) {
    assert.ok((await page.textContent(section)).includes(text), `${section} shows ${text}`);
  }
  // Not signed in: the way to apply starts at the login.
  assert.equal(await page.getAttribute('a:text("登录后在线办理")', 'href'), '/login');
  await screenshot(page, 'guide');
  await page.context().close();
});

test('the guide search by channel, and the guide on a phone (375 px)', async () => {
  const page = await newPage(browser, { width: 375, height: 740 });
  await page.goto(`${demo.base}/guide`);
  await page.selectOption('#channel', 'bank');
  await page.click('button:text("搜索")');
  await page.waitForURL(/channel=bank/);
  const rows = await page.locator('#guide-list tbody tr').count();
  assert.ok(rows > 0, 'the bank channel has flows');
  assert.ok(await noHorizontalScroll(page), 'the list fits the phone');
  await page.locator('#guide-list tbody a').first().click();
  await page.waitForURL(/\/guide\/BANK-/);
  assert.ok(await noHorizontalScroll(page), 'the guide fits the phone');
  await screenshot(page, 'guide-phone-375');
  await page.context().close();
});
