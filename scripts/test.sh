#!/usr/bin/env bash
# Runs the whole BDC test suite: unit, storage and black-box API tests, then the browser tests
# (web/tests, Playwright driving Debian's Chromium against the real `bdc` binary).
#
# First it runs scripts/setup-web.sh, which installs what is not there yet: Debian's chromium and
# the CJK font (certificate PDFs), and the npm packages of web/ (htmx, playwright-core); then
# scripts/setup-test-tools.sh, which installs schemathesis (PyPI) into a cached venv for the
# bounded API fuzzing run (web/tests/api-fuzz.test.mjs).
#
# PostgreSQL tests run when BDC_TEST_DATABASE_URL points at a server (any database on it; each
# test creates its own). Without it they are reported as "ignored" — skipped, never passed.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo >/dev/null 2>&1; then
  echo "需要 Rust 工具链（cargo）：https://rustup.rs" >&2
  exit 1
fi

extra=()
if [ -n "${BDC_TEST_DATABASE_URL:-}" ]; then
  echo "PostgreSQL 测试：使用 BDC_TEST_DATABASE_URL"
  extra=(-- --include-ignored)
else
  echo "注意：未设置 BDC_TEST_DATABASE_URL，PostgreSQL 测试将显示为 ignored（已跳过，未运行）。"
fi

bash scripts/setup-web.sh
bash scripts/setup-test-tools.sh

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
# Doc tests are left out: the crates have none, and an empty doc-test run would end the output.
cargo test --workspace --locked --lib --bins --tests "${extra[@]}" 2>&1 | tee "$log" || status=$?

# Browser tests, against the debug binary the cargo tests built.
target_dir="${CARGO_TARGET_DIR:-target}"
cargo build --locked --bin bdc 2>&1 | tail -n 1
BDC_BIN="$target_dir/debug/bdc" node --test --test-reporter=tap web/tests/ 2>&1 | tee -a "$log" || status=$?

# One closing line over all test binaries: cargo's "test result:" lines and node's TAP "# pass".
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i; if ($(i+1) ~ /^ignored/) s += $i } }
     /^# pass / { p += $3 } /^# fail / { f += $3 } /^# skipped / { s += $3 }
     END { printf "\nsummary: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
exit "$status"
