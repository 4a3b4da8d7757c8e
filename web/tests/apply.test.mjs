// The rebuilt online application form (issue 12), with the demo's real-name accounts: a flow of
// each shape — one party (换证 on geren's own flat), two parties with shares (a sale to two
// buyers, 按份共有), a combined transfer + mortgage (mortgage terms and 抵押权人 asked, errors in
// Chinese beside each field), a bank's 双预告 (yinhang as 代办) and an agent for his principal
// (daili under geren's authorisation) — at 1280 and 375 px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, noHorizontalScroll, screenshot, startDemo, logIn, pdfFile, DEMO_PASSWORD } from './harness.mjs';

/** Every material of the form, so that only the parties and particulars decide. */
async function allMaterials(page) {
  for (const input of await page.locator('#materials input[type=file]').all()) await input.setInputFiles(pdfFile('材料.pdf'));
}

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

for (const width of [1280, 375]) {
  test(`the form of each shape at ${width} px`, async () => {
    const page = await newPage(browser, { width, height: 900 });
    await logIn(page, demo.base, { username: 'geren', password: DEMO_PASSWORD });

    // One party: 换证 on his own flat, chosen from his units; opened at once.
    await page.goto(`${demo.base}/portal/apply/IND-REPLACE-CERTIFICATE`);
    const own = await page.locator('#unit_choice option').count();
    assert.ok(own >= 2, 'geren owns a flat in the demo city');
    assert.ok(await noHorizontalScroll(page), `apply form scrolls sideways at ${width} px`);
    await screenshot(page, `portal-apply-one-party-${width}`);

    // Two parties with shares: the buyers' rows carry 份额 and the form asks 共有方式.
    await page.goto(`${demo.base}/portal/apply/IND-TRANSFER-STOCK-HOUSE`);
    await page.selectOption('#my_role', 'obligor');
    await page.selectOption('#unit_choice', { index: 1 });
    await page.selectOption('#co_ownership', '2');
    await page.selectOption('#other_role_0', 'right_holder');
    await page.fill('#other_name_0', '不存在的买方');
    await page.fill('#other_id_0', '320402199001011230');
    await page.fill('#other_share_0', '1/2');
    await allMaterials(page);
    // The file pickers speak Chinese and name what was chosen.
    assert.equal(await page.locator('#materials .file-pick__button').first().textContent(), '选择文件');
    assert.equal(await page.locator('#materials .file-pick__chosen').first().textContent(), '已选择：材料.pdf');
    await page.click('button[name=intent][value=submit]');
    await page.locator('#other_id_0-error, #other_name_0-error').first().waitFor();
    assert.match(await page.textContent('#others'), /证件号码|未找到|不一致/);
    assert.equal(await page.inputValue('#other_share_0'), '1/2', 'the typed values survive');
    assert.ok(await noHorizontalScroll(page));
    await screenshot(page, `portal-apply-shares-${width}`);

    // A draft is deleted only after the applicant confirms it on a page of its own.
    if (width === 1280) {
      await page.click('#save-draft');
      await page.waitForURL(/saved=1/);
      await page.goto(`${demo.base}/portal`);
      const drafts = await page.locator('#my-drafts tbody tr').count();
      assert.ok(drafts >= 1, 'the draft is listed');
      await page.locator('#my-drafts a', { hasText: '删除' }).first().click();
      assert.match(await page.textContent('#confirm-delete'), /确定删除“.*”的草稿/);
      await page.click('#confirm-delete a:text-is("取消")');
      assert.equal(await page.locator('#my-drafts tbody tr').count(), drafts, 'cancelled: nothing deleted');
      await page.locator('#my-drafts a', { hasText: '删除' }).first().click();
      await page.click('#confirm');
      await page.waitForURL(`${demo.base}/portal`);
      assert.equal(await page.locator('#my-drafts tbody tr').count(), drafts - 1);
    }

    await page.context().close();

    const bank = await newPage(browser, { width, height: 900 });
    await logIn(bank, demo.base, { username: 'yinhang', password: DEMO_PASSWORD });
    // A bank's 双预告: 代办 with the buyer and developer named, 抵押权人 and mortgage terms asked.
    await bank.goto(`${demo.base}/portal/apply/BANK-DOUBLE-ADVANCE`);
    assert.equal(await bank.locator('#mortgagee_name_0').count(), 1, '抵押权人 are named');
    assert.equal(await bank.locator('#attr_amount').count(), 1, 'the debt is asked');
    assert.ok(await bank.locator('#my_role option[value=agent]').count(), 'the bank applies as 代办');
    await screenshot(bank, `portal-apply-double-advance-${width}`);
    // A combined transfer + mortgage without the debt's term: the error is beside the field.
    await bank.goto(`${demo.base}/portal/apply/BANK-TRANSFER-MORTGAGE-COMMODITY`);
    const units = await bank.locator('#unit_choice option').count();
    assert.ok(units >= 2, 'yinhang holds mortgages in the demo city');
    await bank.selectOption('#unit_choice', { index: 1 });
    await bank.selectOption('#my_role', 'agent');
    await bank.fill('#attr_amount', '800000');
    await allMaterials(bank);
    await bank.click('button[name=intent][value=submit]');
    await bank.locator('.field-error, #apply-message').first().waitFor();
    assert.ok(await noHorizontalScroll(bank));
    await screenshot(bank, `portal-apply-transfer-mortgage-${width}`);
    await bank.context().close();

    // An agent for his principal: daili acts under geren's recorded authorisation.
    const agent = await newPage(browser, { width, height: 900 });
    await logIn(agent, demo.base, { username: 'daili', password: DEMO_PASSWORD });
    await agent.goto(`${demo.base}/portal/apply/IND-REPLACE-CERTIFICATE`);
    assert.equal(await agent.locator('#on_behalf option').count(), 2, 'one usable authorisation');
    assert.ok(await noHorizontalScroll(agent));
    await screenshot(agent, `portal-apply-agent-${width}`);
    await agent.context().close();
  });
}

// Issue 20: the form answers every wrong field in one submit, each beside its field, and keeps
// what was typed; an online case still waiting for 受理 is withdrawn (撤回申请) after a
// confirmation page, and the case shows 撤回.
for (const width of [1280, 375]) {
  test(`every wrong field at once, and 撤回 before 受理, at ${width} px`, async () => {
    const page = await newPage(browser, { width, height: 900 });
    await logIn(page, demo.base, { username: 'geren', password: DEMO_PASSWORD });

    // 共有性质变更 with no unit, a wrong ID number for the second applicant and no 共有方式:
    // three messages from one submit.
    await page.goto(`${demo.base}/portal/apply/IND-CHANGE-STATE-HOUSE-CO-OWNERSHIP`);
    await page.fill('#other_name_0', '共有人甲');
    await page.fill('#other_id_0', '320402199001011230');
    await allMaterials(page);
    await page.click('button[name=intent][value=submit]');
    await page.locator('#apply-message').waitFor();
    for (const id of ['#property-error', '#other_id_0-error', '#co_ownership-error']) {
      assert.ok(await page.locator(id).isVisible(), `${id} is shown beside its field`);
    }
    assert.equal(await page.locator('.field-error').count(), 3, await page.textContent('#apply-form'));
    assert.match(await page.textContent('#apply-message'), /共有 3 处需要修改/);
    assert.match(await page.textContent('#other_id_0-error'), /证件号码无效/);
    assert.equal(await page.inputValue('#other_name_0'), '共有人甲', 'the typed values survive');
    assert.equal(await page.inputValue('#other_id_0'), '320402199001011230');
    assert.ok((await page.locator('#materials .material__file').count()) >= 1, 'the uploaded files are kept in the draft');
    assert.ok(await noHorizontalScroll(page), `errors scroll sideways at ${width} px`);
    await screenshot(page, `portal-apply-all-errors-${width}`);

    // 换证 of his own flat opens a case at once, in 受理中: he may still withdraw it.
    await page.goto(`${demo.base}/portal/apply/IND-REPLACE-CERTIFICATE`);
    await page.selectOption('#unit_choice', { index: 1 });
    await allMaterials(page);
    await page.click('button[name=intent][value=submit]');
    await page.waitForURL(/\/portal\/cases\/\d+\?submitted=1/);
    const caseUrl = page.url().replace(/\?.*$/, '');
    await page.click('#withdraw');
    await page.locator('#confirm-withdraw').waitFor();
    assert.match(await page.textContent('#confirm-withdraw'), /确定撤回办件/);
    assert.ok(await noHorizontalScroll(page));
    await screenshot(page, `portal-case-withdraw-${width}`);
    // 取消 changes nothing.
    await page.click('#confirm-withdraw a:text-is("取消")');
    await page.waitForURL(caseUrl);
    assert.equal(await page.locator('#withdraw').count(), 1, 'cancelled: still withdrawable');
    await page.click('#withdraw');
    await page.fill('#reason', '信息填写有误，重新申请');
    await page.click('#confirm');
    await page.waitForURL(/withdrawn=1/);
    await page.locator('#withdrawn').waitFor();
    assert.equal((await page.textContent('#case-state')).trim(), '撤回');
    assert.equal(await page.locator('#withdraw').count(), 0, 'a withdrawn case offers no 撤回');
    assert.match(await page.textContent('main'), /申请人撤回：信息填写有误，重新申请/);
    assert.ok(await noHorizontalScroll(page));
    await screenshot(page, `portal-case-withdrawn-${width}`);
    await page.context().close();
  });
}
