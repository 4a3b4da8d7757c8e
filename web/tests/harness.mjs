// Browser-test helpers: Debian's Chromium driven by playwright-core.
//
// Playwright's own browser download cannot work here (no network but the package registries),
// so tests always launch /usr/bin/chromium, installed by scripts/setup-web.sh. The extra flags
// keep Chromium off the network: without them it keeps trying to reach Google's services and
// the closed network refuses each attempt.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Repository root (web/tests/../..). */
export const repoRoot = path.resolve(here, '..', '..');

/** Where screenshots go unless a test says otherwise: docs/screenshots/ of the repository. */
export const screenshotDir = path.join(repoRoot, 'docs', 'screenshots');

/** Chromium binary; BDC_CHROMIUM overrides it (web/dist/setup.env records the installed one). */
export const chromiumPath = process.env.BDC_CHROMIUM || '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox', // CI runs as root, where Chromium's sandbox refuses to start
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launches headless Chromium. Playwright gives it a fresh, empty profile every time. */
export async function launch() {
  try {
    return await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: 60_000,
    });
  } catch (err) {
    throw new Error(
      `无法启动 Chromium（${chromiumPath}）：请先运行 scripts/setup-web.sh\n${err.message}`,
    );
  }
}

/**
 * Opens a page in its own context with a viewport of `width` × `height` CSS pixels, Chinese
 * locale and Shanghai time. Widths of 480 or less are treated as a phone (mobile viewport,
 * touch), so the page's <meta name="viewport"> is honoured as on a real phone.
 */
export async function newPage(browser, { width = 1280, height = 800, mobile = width <= 480 } = {}) {
  const context = await browser.newContext({
    viewport: { width, height },
    deviceScaleFactor: 1,
    isMobile: mobile,
    hasTouch: mobile,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  const page = await context.newPage();
  // The server's Content-Security-Policy must not block anything the pages use (htmx, styles,
  // framed scans): every violation the browser reports is kept, and screenshot() fails on one.
  page.cspViolations = [];
  page.on('console', (msg) => {
    if (msg.text().includes('Content Security Policy')) page.cspViolations.push(msg.text());
  });
  return page;
}

/** True when the page does not scroll sideways: content no wider than the window. */
export async function noHorizontalScroll(page) {
  return page.evaluate(
    () => document.scrollingElement.scrollWidth <= window.innerWidth,
  );
}

/**
 * Saves a full-page PNG as `<dir>/<name>.png` (default dir: docs/screenshots/) and returns
 * its path; fails first when the page has reported a CSP violation.
 */
export async function screenshot(page, name, { dir = screenshotDir, fullPage = true } = {}) {
  if (page.cspViolations?.length) {
    throw new Error(`页面违反内容安全策略（CSP）：\n${page.cspViolations.join('\n')}`);
  }
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage });
  return file;
}

// ----- the server under test -----

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';

/** The password of every demo account. */
export const DEMO_PASSWORD = 'Demo-2026!';

/**
 * Starts the real `bdc` binary (BDC_BIN, default target/debug/bdc) serving the demo city on a
 * fresh embedded database in a temporary directory, on a random port. Returns `{ base, log,
 * smsCode, api, token, stop }`.
 */
export async function startDemo({ units = 300 } = {}) {
  const bin = path.resolve(repoRoot, process.env.BDC_BIN || path.join('target', 'debug', 'bdc'));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bdc-web-test-'));
  const env = { ...process.env, BDC_DATA_DIR: path.join(dir, 'data'), BDC_WEB_DIST: path.join(repoRoot, 'web', 'dist') };
  for (const k of ['BDC_DATABASE_URL', 'BDC_CONFIG', 'BDC_LISTEN', 'BDC_MASTER_KEY', 'BDC_COURT_URL']) delete env[k];
  const server = spawn(bin, ['demo', '--units', String(units), '--listen', '127.0.0.1:0'], { cwd: dir, env });
  let output = '';
  const collect = (d) => { output += d.toString(); };
  server.stdout.on('data', collect);
  server.stderr.on('data', collect);
  let base;
  for (let i = 0; i < 600 && !base; i++) {
    const m = output.match(/接口地址\s+(http:\/\/[^/\s]+)\/api\/v1/);
    if (m) base = m[1];
    else await new Promise((r) => setTimeout(r, 200));
  }
  if (!base) {
    server.kill('SIGTERM');
    throw new Error(`server did not start:\n${output}`);
  }

  async function api(method, url, bearer, body) {
    const r = await fetch(base + url, {
      method,
      headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await r.text();
    let json = null;
    try { json = JSON.parse(text); } catch { /* not JSON */ }
    if (!r.ok) throw new Error(`${method} ${url} → ${r.status}: ${text}`);
    return json;
  }

  // The demo's identity authority (公安 人证比对 sandbox), in the server's own process.
  const identity = output.match(/身份核验沙箱\s+(http:\/\/[^\s（]+)/)?.[1];

  return {
    base,
    identity,
    log: () => output,
    /**
     * Makes a person known to the identity sandbox (as the population register knows every
     * resident) and returns a live photo of her face for Playwright's setInputFiles.
     */
    residentPhoto: async (name, id) => {
      if (!identity) throw new Error(`the demo printed no identity sandbox:\n${output}`);
      const add = await fetch(`${identity}/sandbox/residents`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, id_number: id }) });
      if (!add.ok) throw new Error(`sandbox refused resident: ${add.status}`);
      const photo = await fetch(`${identity}/sandbox/portrait/${id}?shot=2`);
      return { name: 'photo.png', mimeType: 'image/png', buffer: Buffer.from(await photo.arrayBuffer()) };
    },
    api,
    /** A bearer token for a user (demo password unless given). */
    token: async (username, password = DEMO_PASSWORD) => (await api('POST', '/api/v1/auth/login', null, { username, password, mode: 'token' })).token,
    /** The code the SMS sandbox wrote to the server log for a phone. */
    smsCode: async (phone) => {
      for (let i = 0; i < 50; i++) {
        const m = [...output.matchAll(new RegExp(`短信沙箱 → ${phone}：.*?验证码为 (\\d{6})`, 'g'))].pop();
        if (m) return m[1];
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('no SMS code in the server log');
    },
    stop: () => {
      server.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A valid 身份证号 (GB 11643 check digit) for a region prefix, birth date and sequence. */
export function citizenId(prefix, birth, seq) {
  const body = `${prefix}${birth}${seq}`;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((s, c, i) => s + Number(c) * w[i], 0);
  return body + '10X98765432'[sum % 11];
}

/** Logs a page in through the login form (staff or public realm). */
export async function logIn(page, base, { realm = 'public', username, password }) {
  // Two doors: the public's /login and the staff's /workbench/login.
  await page.goto(realm === 'staff' ? `${base}/workbench/login` : `${base}/login`);
  await page.fill('#username', username);
  await page.fill('#password', password);
  await page.click('main button[type=submit]');
  const home = realm === 'staff' ? `${base}/workbench` : `${base}/portal`;
  await page.waitForURL(home, { timeout: 5000 }).catch(async () => {
    throw new Error(`login did not reach ${home} (at ${page.url()}): ${(await page.textContent('main')).replace(/\s+/g, ' ')}`);
  });
}

/** Fills the sign-up form up to the SMS code (sent, and read from the server log); no photo. */
export async function fillSignUp(page, demo, { kind = 'person', name, id, username, phone, password }) {
  await page.goto(`${demo.base}/signup`);
  await page.selectOption('#kind', kind);
  await page.fill('#name', name);
  await page.fill('#id_number', id);
  await page.fill('#username', username);
  await page.fill('#password', password);
  await page.fill('#password_again', password);
  await page.fill('#phone', phone);
  await page.click('text=获取验证码');
  await page.locator('#code-status', { hasText: '已发送' }).waitFor();
  await page.fill('#code', await demo.smsCode(phone));
}

/**
 * Signs a public user up through the portal's form: the SMS code from the server log, the live
 * photo for 人证比对 from the demo's identity sandbox (which is first told of the person).
 */
export async function signUp(page, demo, fields) {
  await fillSignUp(page, demo, fields);
  await page.setInputFiles('#photo', await demo.residentPhoto(fields.name, fields.id));
  await page.click('main button[type=submit]');
  await page.locator('h1', { hasText: '注册成功' }).waitFor();
}

/**
 * A one-page PDF with a line of ASCII text, well formed (cross-reference offsets computed), so
 * the in-page viewer shows it: `{ name, mimeType, buffer }` for Playwright's setInputFiles.
 */
export function pdfFile(name, text = 'BDC test scan') {
  const content = `BT /F1 24 Tf 72 720 Td (${text.replace(/[()\\]/g, '')}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets = [];
  objects.forEach((o, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) body += `${String(off).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return { name, mimeType: 'application/pdf', buffer: Buffer.from(body, 'latin1') };
}
