// 线上苏小登 on a phone (issue 20): at 375 px no portal page scrolls sideways, the header's
// navigation folds behind a 菜单 button that opens and closes it (keyboard too: aria-expanded,
// Escape), and the portal's tables show each row as a card of "label: value" lines; at 1280 px
// the navigation is in view without a button. Visited as a visitor, as the demo citizen (geren,
// with a case of his own and a 利害关系人查询 answered by the demo's 查询 clerk), as the demo bank
// (yinhang, its list of mortgaged units) and as the demo agent (daili, 授权委托).
// Screenshots: docs/screenshots/portal-phone-375.png, portal-phone-menu.png, portal-phone-archive.png.
//
// The server is the real `bdc` binary (BDC_BIN, default target/debug/bdc) running the demo city
// on a fresh embedded database on a random port.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, screenshot, startDemo, logIn, pdfFile, DEMO_PASSWORD } from './harness.mjs';

const PHONE = { width: 375, height: 812 };

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

/** Opens `url` and asserts that the page is no wider than the phone's 375 px. */
async function fits(page, url) {
  if (url) await page.goto(demo.base + url);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= PHONE.width, `${url ?? page.url()} is ${width} px wide at 375 px: it scrolls sideways`);
}

/** What a cell shows before its value on a phone: its ::before text ("none" when nothing). */
async function labelShown(cell) {
  return cell.evaluate((td) => {
    const before = getComputedStyle(td, '::before');
    return before.display === 'none' ? 'none' : before.content;
  });
}

/** Asserts that the first data row of `table` is a card whose cells show their columns' names. */
async function showsCards(page, table, firstLabel) {
  const row = page.locator(`${table} tbody tr`).first();
  assert.equal(await row.evaluate((tr) => getComputedStyle(tr).display), 'block', `${table}: a row is a card on a phone`);
  const cell = row.locator('td').first();
  assert.equal(await cell.getAttribute('data-label'), firstLabel);
  const shown = await labelShown(cell);
  assert.ok(shown.includes(`${firstLabel}：`), `${table}: the first cell shows "${firstLabel}：" before its value (${shown})`);
  // The card fits the screen: nothing of the table sticks out to the right.
  const right = await page.locator(table).first().evaluate((t) => t.getBoundingClientRect().right);
  assert.ok(right <= PHONE.width, `${table} ends at ${right} px`);
}

/** The 菜单 button opens the menu and closes it again; returns with the menu closed. */
async function menuWorks(page) {
  const toggle = page.locator('.app-header__toggle');
  const nav = page.locator('.app-nav');
  assert.ok(await toggle.isVisible(), 'the 菜单 button is shown on a phone');
  assert.equal(await toggle.textContent(), '菜单');
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false', 'closed by default');
  assert.equal(await nav.isVisible(), false, 'the navigation is folded away');
  await toggle.click();
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  assert.ok(await nav.isVisible(), 'the button opens the navigation');
  assert.ok(await nav.locator('a', { hasText: '证书真伪查询' }).isVisible());
  await toggle.click();
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
  assert.equal(await nav.isVisible(), false, 'pressed again, it closes');
}

test('a visitor on a phone: the public pages fit and the 菜单 button opens and closes the navigation', async () => {
  const page = await newPage(browser, PHONE);
  for (const url of ['/', '/verify', '/login', '/signup']) {
    await fits(page, url);
    await menuWorks(page);
  }
  await page.goto(`${demo.base}/`);
  await showsCards(page, 'main table.table--cards', '业务');
  await screenshot(page, 'portal-phone-375');

  // By keyboard: Tab to the button, Enter opens, the links are reachable, Escape closes.
  await page.goto(`${demo.base}/`);
  const toggle = page.locator('.app-header__toggle');
  await toggle.focus();
  await page.keyboard.press('Enter');
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), '首页', 'the first link follows the button');
  await fits(page);
  await screenshot(page, 'portal-phone-menu', { fullPage: false });
  await page.keyboard.press('Escape');
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
  assert.equal(await page.evaluate(() => document.activeElement.className), 'app-header__toggle', 'the focus goes back to the button');
  await page.context().close();
});

test('without the script the links stay in view and tables scroll inside their own box', async () => {
  const context = await browser.newContext({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true, javaScriptEnabled: false, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(`${demo.base}/`);
  assert.equal(await page.locator('.app-header__toggle').isVisible(), false, 'no button that would do nothing');
  assert.ok(await page.locator('.app-nav a', { hasText: '证书真伪查询' }).isVisible());
  assert.equal(await page.locator('main table.table--cards tbody tr').first().evaluate((tr) => getComputedStyle(tr).display), 'table-row');
  assert.equal(await page.locator('main .table-wrap').first().evaluate((w) => getComputedStyle(w).overflowX), 'auto', 'the table scrolls inside its box');
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= PHONE.width, `the page is ${width} px wide without the script`);
  await context.close();
});

test('the demo citizen on a phone: his cases, a case page, the archive and an answered 利害关系人查询', async () => {
  const page = await newPage(browser, PHONE);
  await logIn(page, demo.base, { username: 'geren', password: DEMO_PASSWORD });
  await fits(page, '/portal');
  await menuWorks(page);
  await showsCards(page, '#my-certificates', '证书号');

  // A case of his own: 换证 on his flat, submitted from the phone.
  await page.goto(`${demo.base}/portal/apply/IND-REPLACE-CERTIFICATE`);
  await page.selectOption('#unit_choice', { index: 1 });
  for (const input of await page.locator('#materials input[type=file]').all()) await input.setInputFiles(pdfFile('材料.pdf'));
  await fits(page);
  await page.click('button[name=intent][value=submit]');
  await page.waitForURL(/\/portal\/cases\/\d+/);
  await fits(page);
  await showsCards(page, 'main table.table--cards', '时间');
  await fits(page, '/portal');
  await showsCards(page, '#my-cases', '业务号');

  // 档案查询: his units as cards.
  await fits(page, '/portal/archive');
  await showsCards(page, '#my-units', '不动产单元号');
  const unit = (await page.locator('#my-units tbody tr td').first().textContent()).trim();
  await screenshot(page, 'portal-phone-archive');

  // 利害关系人查询: applied for from the phone, answered by the 查询 clerk, the result read on the phone.
  await fits(page, '/portal/interest');
  await page.selectOption('#property_kind', 'unit');
  await page.fill('#property', unit);
  await page.selectOption('#relation', 'creditor');
  await page.fill('#reason', '对方借款逾期未还，已向法院起诉，需查询该房产的抵押、查封情况。');
  await page.setInputFiles('#evidence', pdfFile('民事起诉状.pdf', 'Civil complaint'));
  await page.click('#interest-apply button[type=submit]');
  await page.waitForURL(/\/portal\/interest\/\d+$/);
  const mine = page.url();
  await fits(page);
  await fits(page, '/portal/interest');
  await showsCards(page, '#my-interest', '申请号');

  const clerk = await newPage(browser, { width: 1280, height: 900 });
  await logIn(clerk, demo.base, { realm: 'staff', username: 'chaxun', password: DEMO_PASSWORD });
  await clerk.goto(`${demo.base}/workbench/interest`);
  await clerk.locator('#interest-queue tr', { hasText: unit }).locator('a', { hasText: '审核' }).first().click();
  await clerk.waitForURL(/\/workbench\/interest\/\d+$/);
  await clerk.fill('#reason', '起诉状载明借贷关系');
  await clerk.click('button[name=decision][value=approve]');
  await clerk.locator('#interest-state', { hasText: '已同意' }).waitFor();
  await clerk.context().close();

  await page.goto(mine);
  await page.locator('#interest-result').waitFor();
  await fits(page);
  await page.context().close();
});

test('the demo bank on a phone: its mortgaged units as cards', async () => {
  const page = await newPage(browser, PHONE);
  await logIn(page, demo.base, { username: 'yinhang', password: DEMO_PASSWORD });
  await fits(page, '/portal');
  await fits(page, '/portal/archive');
  // A bank owns no flat: its mortgages are under 抵押, never "in its name".
  assert.ok((await page.locator('#held-units tbody tr td.mono').count()) >= 1, 'the bank holds mortgages in the demo city');
  assert.equal(await page.locator('#my-units tbody tr td.mono').count(), 0, 'nothing in the bank\'s name');
  await showsCards(page, '#held-units', '不动产单元号');
  await menuWorks(page);
  await fits(page, '/portal/interest');
  await fits(page, '/verify');
  await page.context().close();
});

test('the demo agent on a phone: 授权委托 as cards', async () => {
  const page = await newPage(browser, PHONE);
  await logIn(page, demo.base, { username: 'daili', password: DEMO_PASSWORD });
  await fits(page, '/portal/agency');
  await showsCards(page, '#authorisations', '委托人');
  await fits(page, '/portal');
  await page.context().close();
});

test('on a desktop the navigation is in view without a button', async () => {
  const page = await newPage(browser, { width: 1280, height: 800 });
  await logIn(page, demo.base, { username: 'geren', password: DEMO_PASSWORD });
  for (const url of ['/', '/portal', '/portal/archive']) {
    await page.goto(demo.base + url);
    assert.equal(await page.locator('.app-header__toggle').isVisible(), false, `${url}: no 菜单 button at 1280 px`);
    for (const name of ['首页', '我的办件', '档案查询', '利害关系人查询', '证书真伪查询']) {
      assert.ok(await page.locator('.app-nav a', { hasText: name }).isVisible(), `${url}: ${name} in view`);
    }
    assert.ok(await page.locator('.app-header__user a', { hasText: '修改密码' }).isVisible());
  }
  // Tables stay tables on a desktop.
  assert.equal(await page.locator('#my-units tbody tr').first().evaluate((tr) => getComputedStyle(tr).display), 'table-row');
  await page.context().close();
});
