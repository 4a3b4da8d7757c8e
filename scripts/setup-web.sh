#!/usr/bin/env bash
# Installs what the web pages need outside Cargo: Debian's Chromium (browser tests), a CJK font
# (Chinese text in screenshots and embedded in certificate PDFs), the npm packages in web/
# (htmx, playwright-core), and copies htmx into web/dist/vendor/ where the server serves it.
#
# Idempotent: each step checks first and does nothing when its result is already there, so CI
# and developers can run it before every test run. Debian 12, as root (sudo when not root).
#
# Writes web/dist/setup.env (BDC_CHROMIUM, BDC_CJK_FONT, BDC_CJK_FONT_INDEX) for tests and the
# server to read; nothing it installs or copies is committed (web/dist and node_modules are ignored).
set -euo pipefail
cd "$(dirname "$0")/.."

# WenQuanYi Micro Hei (文泉驿微米黑): TrueType outlines, embedding allowed (OS/2 fsType 8), covers
# GB 18030's common range. A .ttc with two faces: 0 = "WenQuanYi Micro Hei" (proportional, use
# this), 1 = "WenQuanYi Micro Hei Mono". Its family name is in bdc.css's font stack, so Chromium
# screenshots and PDFs use the same face.
CHROMIUM=/usr/bin/chromium
FONT_PACKAGE=fonts-wqy-microhei
FONT_FILE=/usr/share/fonts/truetype/wqy/wqy-microhei.ttc
FONT_INDEX=0

step() { printf '==> %s\n' "$*"; }
fail() { printf 'setup-web: %s\n' "$*" >&2; exit 1; }

# --- 1. Debian packages --------------------------------------------------------------------
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ -f "$FONT_FILE" ] || missing+=("$FONT_PACKAGE")

if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    as_root=()
  elif command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
  else
    fail "需要安装 ${missing[*]}，但当前不是 root 且没有 sudo。请以 root 运行：apt-get install ${missing[*]}"
  fi
  command -v apt-get >/dev/null 2>&1 || fail "找不到 apt-get：请手动安装 ${missing[*]}（Debian 12 包名）"

  apt_install() {
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q &&
      "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -q --no-install-recommends "${missing[@]}"
  }
  step "apt-get install ${missing[*]}"
  if ! apt_install >/tmp/setup-web-apt.log 2>&1; then
    step "apt-get failed, retrying once (log: /tmp/setup-web-apt.log)"
    sleep 5
    apt_install >>/tmp/setup-web-apt.log 2>&1 || {
      tail -n 20 /tmp/setup-web-apt.log >&2
      fail "无法安装 ${missing[*]}（见 /tmp/setup-web-apt.log）"
    }
  fi
fi

[ -x "$CHROMIUM" ] || fail "安装后仍找不到 $CHROMIUM"
[ -f "$FONT_FILE" ] || fail "安装 $FONT_PACKAGE 后仍找不到字体文件 $FONT_FILE"
step "chromium: $("$CHROMIUM" --version 2>/dev/null | head -n 1)"
step "CJK font: $FONT_FILE (face $FONT_INDEX)"

# --- 2. npm packages -----------------------------------------------------------------------
command -v node >/dev/null 2>&1 || fail "需要 Node.js 20 或更新版本（找不到 node）"
command -v npm >/dev/null 2>&1 || fail "需要 npm（找不到 npm）"
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || fail "需要 Node.js 20 或更新版本，当前为 $(node --version)"

# npm writes node_modules/.package-lock.json on every install: older than the lock → reinstall.
stamp=web/node_modules/.package-lock.json
if [ ! -d web/node_modules ] || [ ! -f "$stamp" ] ||
   { [ -f web/package-lock.json ] && [ web/package-lock.json -nt "$stamp" ]; }; then
  if [ -f web/package-lock.json ]; then
    step "npm ci (web/)"
    (cd web && npm ci --no-audit --no-fund --loglevel=error) || fail "npm ci 失败"
  else
    step "npm install (web/, no lock file)"
    (cd web && npm install --no-audit --no-fund --loglevel=error) || fail "npm install 失败"
  fi
else
  step "web/node_modules up to date"
fi

# --- 3. vendored front-end files -----------------------------------------------------------
htmx_src=web/node_modules/htmx.org/dist/htmx.min.js
htmx_dst=web/dist/vendor/htmx.min.js
[ -f "$htmx_src" ] || fail "找不到 $htmx_src（npm 安装不完整？）"
mkdir -p web/dist/vendor
if ! cmp -s "$htmx_src" "$htmx_dst"; then
  cp "$htmx_src" "$htmx_dst"
  step "copied htmx $(node -p 'require("./web/node_modules/htmx.org/package.json").version') → $htmx_dst"
else
  step "$htmx_dst up to date"
fi

cat >web/dist/setup.env.tmp <<EOF
BDC_CHROMIUM=$CHROMIUM
BDC_CJK_FONT=$FONT_FILE
BDC_CJK_FONT_INDEX=$FONT_INDEX
EOF
mv web/dist/setup.env.tmp web/dist/setup.env
step "web setup done"
