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
  return context.newPage();
}

/** True when the page does not scroll sideways: content no wider than the window. */
export async function noHorizontalScroll(page) {
  return page.evaluate(
    () => document.scrollingElement.scrollWidth <= window.innerWidth,
  );
}

/**
 * Saves a full-page PNG as `<dir>/<name>.png` (default dir: docs/screenshots/) and returns
 * its path.
 */
export async function screenshot(page, name, { dir = screenshotDir, fullPage = true } = {}) {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage });
  return file;
}
