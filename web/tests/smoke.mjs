// Smoke test of the browser set-up and the design system, without the Rust server:
// serves a static page that uses every bdc.css component, opens it in Debian's Chromium at
// PC (1280px) and phone (375px) widths, and checks that it is styled, that htmx (vendored by
// scripts/setup-web.sh) works, and that the phone layout never scrolls sideways.
//
//   node web/tests/smoke.mjs        (after scripts/setup-web.sh)
//
// Screenshots go to $BDC_SCREENSHOT_DIR, by default a temporary directory (not docs/).
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { launch, newPage, noHorizontalScroll, repoRoot, screenshot } from './harness.mjs';

const shotDir = process.env.BDC_SCREENSHOT_DIR || path.join(os.tmpdir(), 'bdc-smoke');

const files = {
  '/assets/bdc.css': ['crates/kernel/bdc-http/assets/bdc.css', 'text/css; charset=utf-8'],
  '/assets/logo.svg': ['crates/kernel/bdc-http/assets/logo.svg', 'image/svg+xml'],
  '/assets/favicon.svg': ['crates/kernel/bdc-http/assets/favicon.svg', 'image/svg+xml'],
  '/vendor/htmx.min.js': ['web/dist/vendor/htmx.min.js', 'text/javascript; charset=utf-8'],
};

// A workbench page with every component; deliberately wide content (a long 不动产单元号,
// a many-column table) to prove that the phone layout contains it.
const page = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>案件详情 · 线上苏小登</title>
<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/bdc.css">
<script src="/vendor/htmx.min.js" defer></script>
</head>
<body>
<header class="app-header">
  <a class="app-header__brand" href="/"><img src="/assets/logo.svg" alt="线上苏小登" width="196" height="56"></a>
  <nav class="app-nav" aria-label="主导航">
    <a href="#" aria-current="page">工作台</a><a href="#">受理</a><a href="#">审核</a>
    <a href="#">登簿</a><a href="#">缮证发证</a><a href="#">登记簿查询</a><a href="#">统计</a>
  </nav>
  <div class="app-header__user">王芳 · 审核岗</div>
</header>
<main class="page stack">
  <div class="page-header">
    <h1>案件 2026-0412-00187</h1>
    <span class="badge badge--info">审核中</span>
  </div>
  <ol class="steps">
    <li class="steps__item is-done">申请</li><li class="steps__item is-done">受理</li>
    <li class="steps__item is-current" aria-current="step">审核</li><li class="steps__item">登簿</li>
    <li class="steps__item">缮证</li><li class="steps__item">发证</li>
  </ol>
  <div class="alert alert--warning" role="status"><strong class="alert__title">即将超期</strong>
    <p>本案办理时限为 5 个工作日，剩余 1 个工作日。</p></div>
  <div class="card-grid card-grid--stats">
    <div class="card"><div class="stat__value">12</div><div class="stat__label">我的待办</div></div>
    <div class="card"><div class="stat__value overdue">2</div><div class="stat__label">已超期</div></div>
    <div class="card"><div class="stat__value">37</div><div class="stat__label">今日受理</div></div>
  </div>
  <section class="card">
    <h2 class="card__title">不动产单元</h2>
    <dl class="details">
      <dt>不动产单元号</dt><dd class="mono">320402001001GB00021F00010203</dd>
      <dt>坐落</dt><dd>常州市天宁区青果巷 18 号 3 幢 2 单元 1203 室</dd>
      <dt>权利人</dt><dd>李明、陈静（共同共有）</dd>
    </dl>
  </section>
  <section class="card">
    <h2 class="card__title">待办案件 <span class="muted" style="font-size:var(--fs-sm)">共 3 件</span></h2>
    <div class="table-wrap" id="cases">
      <table class="table">
        <thead><tr><th>业务号</th><th>登记类型</th><th>坐落</th><th>申请人</th><th>受理时间</th><th>时限</th><th>状态</th></tr></thead>
        <tbody>
          <tr><td class="mono">2026-0412-00187</td><td>转移登记</td><td>青果巷 18 号 1203 室</td><td>李明</td><td>2026-04-12</td><td class="overdue">超期 1 日</td><td><span class="badge badge--info">审核中</span></td></tr>
          <tr><td class="mono">2026-0412-00188</td><td>抵押权首次登记</td><td>武进区湖塘镇 6 幢 502 室</td><td>常州银行</td><td>2026-04-12</td><td class="due-soon">剩 1 日</td><td><span class="badge badge--warning">待补正</span></td></tr>
          <tr><td class="mono">2026-0411-00020</td><td>查封登记</td><td>新北区汉江路 9 号</td><td>天宁区人民法院</td><td>2026-04-11</td><td>剩 4 日</td><td><span class="badge badge--danger">查封</span></td></tr>
        </tbody>
      </table>
    </div>
  </section>
  <section class="card">
    <h2 class="card__title">审核意见</h2>
    <form class="form-grid">
      <div class="field">
        <label class="field__label required" for="reviewer">审核人</label>
        <input id="reviewer" name="reviewer" value="王芳">
      </div>
      <div class="field field--invalid">
        <label class="field__label required" for="cert">证件号码</label>
        <input id="cert" name="cert" value="32040219900101123" aria-invalid="true" aria-describedby="cert-error">
        <span class="field-error" id="cert-error">第 18 位校验码应为 X</span>
      </div>
      <div class="field field--wide">
        <label class="field__label" for="opinion">意见</label>
        <textarea id="opinion" name="opinion">材料齐全，符合登记条件。</textarea>
        <span class="field__hint">不超过 500 字</span>
      </div>
      <div class="btn-row field--wide">
        <button class="btn btn--primary" type="button">通过并送登簿</button>
        <button class="btn btn--secondary" type="button">暂存</button>
        <button class="btn btn--danger" type="button">不予登记</button>
        <button class="btn btn--secondary btn--small" type="button" id="load" hx-get="/fragment" hx-target="#fragment">加载材料清单</button>
      </div>
    </form>
    <div id="fragment"></div>
  </section>
  <section class="register-book">
    <h2 class="register-book__title">不动产权登记簿</h2>
    <div class="register-book__meta"><span>不动产单元号：<span class="mono">320402001001GB00021F00010203</span></span><span>第 1 页</span></div>
    <div class="table-wrap">
      <table class="register-book__table">
        <thead><tr><th>业务号</th><th>权利人</th><th>共有情况</th><th>权利类型</th><th>登记类型</th><th>登簿时间</th><th>登簿人</th><th>附记</th></tr></thead>
        <tbody>
          <tr class="is-cancelled"><td>2019-0301-00042</td><td>张伟</td><td>单独所有</td><td>国有建设用地使用权/房屋所有权</td><td>首次登记</td><td>2019-03-05</td><td>赵敏</td><td><span class="register-book__stamp">已注销</span></td></tr>
          <tr><td>2026-0412-00187</td><td>李明、陈静</td><td>共同共有</td><td>国有建设用地使用权/房屋所有权</td><td>转移登记</td><td>2026-04-15</td><td>王芳</td><td></td></tr>
        </tbody>
      </table>
    </div>
  </section>
  <section class="notice">
    <h2 class="notice__title">注销公告</h2>
    <p>经查，下列不动产权证书已遗失，现公告作废。自公告之日起十五个工作日内无异议的，本机构将办理补证。</p>
    <p class="notice__meta">常州市不动产登记中心 2026 年 4 月 15 日</p>
  </section>
</main>
<footer class="app-footer">线上苏小登 · 常州市不动产登记中心</footer>
</body>
</html>`;

let server;
let base;
let browser;

before(async () => {
  server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://localhost');
    try {
      if (url.pathname === '/') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
      } else if (url.pathname === '/fragment') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
          .end('<p id="loaded" class="alert alert--success">材料清单已加载：身份证明、不动产权证书、买卖合同。</p>');
      } else if (files[url.pathname]) {
        const [file, type] = files[url.pathname];
        const body = await readFile(path.join(repoRoot, file));
        res.writeHead(200, { 'content-type': type }).end(body);
      } else {
        res.writeHead(404).end();
      }
    } catch (err) {
      res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(String(err));
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}/`;
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
});

/** Loads the page and fails with a clear message when an asset did not arrive. */
async function open(viewport) {
  const p = await newPage(browser, viewport);
  const failed = [];
  p.on('response', (r) => { if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`); });
  await p.goto(base, { waitUntil: 'load' });
  assert.deepEqual(failed, [], `资源加载失败（先运行 scripts/setup-web.sh）：${failed.join(', ')}`);
  return p;
}

test('PC 1280px: styled, logo shown, htmx 2 swaps a fragment', async () => {
  const p = await open({ width: 1280, height: 900 });
  const border = await p.$eval('.app-header', (el) => getComputedStyle(el).borderBottomColor);
  assert.equal(border, 'rgb(31, 78, 140)', 'bdc.css is not applied to .app-header');
  const logoWidth = await p.$eval('.app-header__brand img', (img) => img.naturalWidth);
  assert.ok(logoWidth > 0, 'logo.svg did not load');
  const version = await p.evaluate(() => window.htmx?.version);
  assert.match(String(version), /^2\./, `htmx 2 expected, got ${version}`);
  await p.click('#load');
  await p.waitForSelector('#loaded', { timeout: 5000 });
  assert.equal(await noHorizontalScroll(p), true, 'PC page scrolls sideways');
  console.log(`# screenshot ${await screenshot(p, 'smoke-pc-1280', { dir: shotDir })}`);
  await p.context().close();
});

test('phone 375px: no horizontal scroll; wide tables scroll inside their own box', async () => {
  const p = await open({ width: 375, height: 812 });
  const widths = await p.evaluate(() => ({
    page: document.scrollingElement.scrollWidth,
    window: window.innerWidth,
  }));
  assert.equal(await noHorizontalScroll(p), true,
    `phone page scrolls sideways: content ${widths.page}px > window ${widths.window}px`);
  const table = await p.$eval('#cases', (el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
  assert.ok(table.scroll > table.client,
    `the cases table should scroll inside .table-wrap (scrollWidth ${table.scroll}, clientWidth ${table.client})`);
  const navFits = await p.$eval('.app-nav', (el) => el.getBoundingClientRect().right <= window.innerWidth);
  assert.ok(navFits, 'the nav sticks out of the window');
  console.log(`# screenshot ${await screenshot(p, 'smoke-phone-375', { dir: shotDir })}`);
  await p.context().close();
});
