#!/usr/bin/env bash
# Runs the whole BDC test suite: unit, storage and black-box API tests.
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

cargo test --workspace --locked "${extra[@]}"
